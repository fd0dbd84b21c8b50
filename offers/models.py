"""Offers tables: offers and blood requests, claims, the people's standing on the board,
alerts, blood donors and what stays of a consumed offer (counts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import db, utcnow
from app.privacy import EncryptedText

KINDS = ("offer", "blood_request")
#: Seeded support types (labels in :mod:`offers.labels`).
SUPPORT_TYPES = (
    "care",
    "physiotherapy",
    "children_activities",
    "medical_devices",
    "medicines",
    "training",
    "books",
    "clothes",
    "career_advice",
    "tutoring",
    "food",
    "furniture",
    "transport",
    "other",
)
AUDIENCES = (
    "student",
    "mother",
    "child",
    "learning_difficulties",
    "elderly",
    "disability",
    "family",
    "anyone",
)
DELIVERY_MODES = ("pickup", "delivery", "remote", "at_provider")
ALLOCATIONS = ("choose", "first_come", "lottery")
BLOOD_GROUPS = ("O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+")
#: Live states, then the terminal outcomes (an offer ends in exactly one of them).
LIVE_STATUSES = ("review", "published", "paused")
OUTCOMES = ("consumed", "withdrawn", "expired", "refused")
STATUSES = LIVE_STATUSES + OUTCOMES
CLAIM_STATUSES = ("pending", "accepted", "declined", "received", "no_show", "withdrawn", "closed")
CAPACITY_MAX = 500
TITLE_MAX = 120
BODY_MAX = 2000


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Offer(db.Model):  # type: ignore[name-defined]
    """A free offer or a blood donation request.

    ``outcome`` is null while the offer lives and equals ``status`` once it ended: the check
    constraint makes "one terminal outcome per offer" a rule of the database."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(
            f"(outcome IS NULL AND status IN {_in(LIVE_STATUSES)}) OR "
            f"(outcome IS NOT NULL AND outcome IN {_in(OUTCOMES)} AND status = outcome)",
            name="one_outcome",
        ),
        CheckConstraint(
            "places_left >= 0 AND places_left <= capacity"
            f" AND capacity BETWEEN 1 AND {CAPACITY_MAX}",
            name="places",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), default="offer")
    status: Mapped[str] = mapped_column(String(12), default="review", index=True)
    outcome: Mapped[str | None] = mapped_column(String(12))
    support_type: Mapped[str] = mapped_column(String(30), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    area_hint: Mapped[str] = mapped_column(String(120), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    places_left: Mapped[int] = mapped_column(Integer, default=1)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    conditions_other: Mapped[str] = mapped_column(String(300), default="")
    delivery_mode: Mapped[str] = mapped_column(String(20), default="pickup")
    allocation: Mapped[str] = mapped_column(String(12), default="choose")
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    blood_group: Mapped[str | None] = mapped_column(String(3))
    facility: Mapped[str] = mapped_column(String(160), default="")
    needed_by: Mapped[dt.datetime | None] = mapped_column()
    rules_version: Mapped[int] = mapped_column(Integer, default=1)
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_reason: Mapped[str] = mapped_column(String(300), default="")
    fingerprint: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    purged_at: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def live(self) -> bool:
        return self.outcome is None


class Claim(db.Model):  # type: ignore[name-defined]
    """A person asking for an offer: answers to its conditions and a proposed pickup time."""

    __tablename__ = "offer_claims"
    __table_args__ = (UniqueConstraint("offer_id", "claimant_id", name="uq_offer_claims_person"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pickup_proposal: Mapped[str] = mapped_column(String(200), default="")
    referral_association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="SET NULL")
    )
    conversation_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column()


class Standing(db.Model):  # type: ignore[name-defined]
    """A person's standing on the board: vouched or not, strikes (all time; the dated ones
    that count are :class:`Strike` rows), no-shows (private)."""

    __tablename__ = "offer_standing"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    vouched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    vouched_at: Mapped[dt.datetime | None] = mapped_column()
    published: Mapped[int] = mapped_column(Integer, default=0)
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    no_shows: Mapped[int] = mapped_column(Integer, default=0)
    spammer: Mapped[bool] = mapped_column(Boolean, default=False)


STRIKE_KINDS = ("refused", "flags")


class Strike(db.Model):  # type: ignore[name-defined]
    """One strike against a person, with its date and reason: a moderator refused their post
    (``refused``), or upheld readers' flags on it (``flags``). Only the strikes of the
    configured window count (``OFFERS_STRIKE_WINDOW_DAYS``); private to the person and the
    moderators."""

    __tablename__ = "offer_strikes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12), default="refused")
    reason: Mapped[str] = mapped_column(String(300), default="")
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class OfferAlert(db.Model):  # type: ignore[name-defined]
    """A saved search ("tutoring in Agadir") notified when a matching offer is published."""

    __tablename__ = "offer_alerts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    support_type: Mapped[str | None] = mapped_column(String(30))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    audience: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OfferCount(db.Model):  # type: ignore[name-defined]
    """What stays of consumed offers: a count per support type, province and month."""

    __tablename__ = "offer_counts"

    support_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    consumed: Mapped[int] = mapped_column(Integer, default=0)
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)


class BloodDonor(db.Model):  # type: ignore[name-defined]
    """A person who opted in to hear blood requests: the group is encrypted and matched by
    its keyed token; never listed, never searched, never shown to anyone but its owner."""

    __tablename__ = "blood_donors"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    blood_group: Mapped[str] = mapped_column(EncryptedText)
    group_token: Mapped[str] = mapped_column(String(64), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_notified_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BloodNotice(db.Model):  # type: ignore[name-defined]
    """One donor told about one blood request (the cap per request counts these)."""

    __tablename__ = "blood_notices"
    __table_args__ = (UniqueConstraint("offer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Thanks(db.Model):  # type: ignore[name-defined]
    """A public thank-you of a beneficiary: its words, the type and province, no name. It
    stays when the offer is purged."""

    __tablename__ = "offer_thanks"
    __table_args__ = (UniqueConstraint("offer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    support_type: Mapped[str] = mapped_column(String(30))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class Flag(db.Model):  # type: ignore[name-defined]
    """A reader's report of an offer that breaks the rules (one per reader and offer)."""

    __tablename__ = "offer_flags"
    __table_args__ = (UniqueConstraint("offer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


REFERRAL_STATUSES = ("unused", "used", "revoked")


class Referral(db.Model):  # type: ignore[name-defined]
    """ "Known to us": an association vouches that a person is in need without showing their
    file. Only the token's keyed hash is kept, and its last characters (``hint``) so that the
    association's administrators tell their codes apart; it is used once, on one claim. An
    unused code can be revoked; a used one stays as it was (the request it went with keeps
    the mention)."""

    __tablename__ = "offer_referrals"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column()
    hint: Mapped[str] = mapped_column(String(8), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def status(self) -> str:
        if self.used_at is not None:
            return "used"
        return "revoked" if self.revoked_at is not None else "unused"


#: Types that are things (a photo helps); the others are services and take no image.
ITEM_TYPES = ("medical_devices", "medicines", "books", "clothes", "food", "furniture")
IMAGES_MAX = 3


class OfferImage(db.Model):  # type: ignore[name-defined]
    """A photo of an offered thing, re-encoded (no metadata, no location) under the instance
    folder; deleted with the offer's text 30 days after it ends."""

    __tablename__ = "offer_images"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
