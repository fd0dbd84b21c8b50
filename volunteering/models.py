"""Volunteering: volunteer profiles, opportunities with roles and shifts, applications,
shift sign-ups, hours and certificates.

Places taken are counters updated by one conditional ``UPDATE`` (``Role.accepted < quota``,
``Shift.taken < capacity``): two racing acceptances or sign-ups never pass the limit, on SQLite
and PostgreSQL alike, and database checks keep the counters within bounds.
"""

from __future__ import annotations

import datetime as dt

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

from app.db import Model, utcnow
from app.privacy import EncryptedText

SKILLS = (
    "teaching",
    "health",
    "first_aid",
    "construction",
    "logistics",
    "cooking",
    "animation",
    "communication",
    "it",
    "translation",
    "accounting",
    "legal",
    "driving",
    "other",
)
LANGUAGES = ("ar", "ary", "zgh", "fr", "en", "es")
VISIBILITIES = ("network", "served")
OPPORTUNITY_STATUSES = ("open", "closed")
CLOSE_REASONS = ("ended", "inactive", "closed")
APPLICATION_STATUSES = ("pending", "accepted", "declined", "withdrawn")
SIGNUP_STATUSES = ("confirmed", "cancelled")
HOURS_STATUSES = ("pending", "verified")
CONTRACT_STATUSES = ("draft", "signed")

TITLE_MAX = 160
DESCRIPTION_MAX = 5000
MESSAGE_MAX = 1000
AVAILABILITY_MAX = 300
CONTACT_MAX = 300
CONTRACT_TEXT_MAX = 2000
INSURANCE_MAX = 200
QUOTA_MAX = 1000
ROLES_MAX = 20
SHIFTS_MAX = 60
#: Age of majority, and of contractual volunteering (law 06-18).
ADULT_AGE = 18


class VolunteerProfile(Model):
    """What a volunteer tells associations: skills, languages, regions, availability. The
    emergency contact is personal data: encrypted, read through ``read_personal``."""

    __tablename__ = "volunteer_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    availability: Mapped[str] = mapped_column(String(AVAILABILITY_MAX), default="")
    visibility: Mapped[str] = mapped_column(String(10), default="served")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    adult_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_contact: Mapped[str | None] = mapped_column(EncryptedText)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("visibility IN ('network', 'served')", name="visibility"),)


class Opportunity(Model):
    """A call for volunteers by an association: in a place or remote, between two dates."""

    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    min_age: Mapped[int] = mapped_column(Integer, default=ADULT_AGE)
    contractual: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    closed_reason: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Edits, applications, answers and sign-ups: 90 days without any close it.
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("remote OR city_id IS NOT NULL", name="place"),
        CheckConstraint("NOT contractual OR min_age >= 18", name="contract_adult"),
        {"sqlite_autoincrement": True},
    )


class Role(Model):
    """A role in an opportunity with its quota of accepted volunteers."""

    __tablename__ = "volunteer_roles"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    quota: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("accepted >= 0 AND accepted <= quota", name="quota"),
        {"sqlite_autoincrement": True},
    )


class Shift(Model):
    """A time slot of an opportunity with its capacity."""

    __tablename__ = "volunteer_shifts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= capacity", name="capacity"),
        CheckConstraint("ends_at > starts_at", name="times"),
        {"sqlite_autoincrement": True},
    )


class Application(Model):
    """A volunteer's application to an opportunity (for one of its roles)."""

    __tablename__ = "volunteer_applications"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer_roles.id", ondelete="SET NULL")
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(String(MESSAGE_MAX), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Declined by the 14-day rule (no answer), not by a person.
    declined_unanswered: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_at: Mapped[dt.datetime | None]

    __table_args__ = (
        UniqueConstraint("opportunity_id", "volunteer_id"),
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn')", name="status"
        ),
        {"sqlite_autoincrement": True},
    )


class Signup(Model):
    """A volunteer's place in a shift; cancelling frees it, check-in/out make hours."""

    __tablename__ = "volunteer_signups"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    shift_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_shifts.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="confirmed")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[dt.datetime | None]
    checked_in_at: Mapped[dt.datetime | None]
    checked_out_at: Mapped[dt.datetime | None]
    #: Marked by the association, shown to the volunteer and the association only.
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the 48-hour and the 24-hour reminders before the shift were sent (once each).
    reminded_48_at: Mapped[dt.datetime | None]
    reminded_24_at: Mapped[dt.datetime | None]

    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id"),
        CheckConstraint("status IN ('confirmed', 'cancelled')", name="status"),
        {"sqlite_autoincrement": True},
    )


class Hours(Model):
    """Time given, from a shift's check-in and check-out; a coordinator verifies it."""

    __tablename__ = "volunteer_hours"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    signup_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer_signups.id", ondelete="SET NULL"), unique=True
    )
    minutes: Mapped[int] = mapped_column(Integer)
    worked_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: Who entered hours by hand (the volunteer or a coordinator); None for a check-out.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime | None]

    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes"),
        CheckConstraint("status IN ('pending', 'verified')", name="status"),
        {"sqlite_autoincrement": True},
    )


class Certificate(Model):
    """A certificate of verified hours, with a random code anyone can verify. The name and
    the association's name are kept as they were when it was issued."""

    __tablename__ = "volunteer_certificates"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    holder_name: Mapped[str] = mapped_column(String(200))
    association_name: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: A caravan's certificate (its verified hours only), one per volunteer and caravan.
    caravan_id: Mapped[int | None] = mapped_column(
        ForeignKey("caravans.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
        UniqueConstraint("caravan_id", "volunteer_id"),
        {"sqlite_autoincrement": True},
    )


class Contract(Model):
    """The contract of a contractual volunteer (law 06-18) for an opportunity: its terms are
    editable until the first signature; each side (the volunteer, a coordinator of the
    association) signs in the app. At the first signature the Arabic and French texts are
    rendered from the one template and kept with their SHA-256: the contract no longer changes,
    and the second signature is made on that same text."""

    __tablename__ = "volunteer_contracts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    tasks: Mapped[str] = mapped_column(Text)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    expenses: Mapped[str] = mapped_column(Text, default="")
    insurance_reference: Mapped[str] = mapped_column(String(INSURANCE_MAX))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    volunteer_signed_at: Mapped[dt.datetime | None]
    coordinator_signed_at: Mapped[dt.datetime | None]
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The texts as signed (rendered at the first signature) and the SHA-256 of both.
    text_ar: Mapped[str | None] = mapped_column(Text)
    text_fr: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    #: Ended early (law 06-18: either side, with notice): when, by whom, which side, why. The
    #: signed texts above stay as they were.
    ended_at: Mapped[dt.datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_side: Mapped[str | None] = mapped_column(String(12))
    end_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("opportunity_id", "volunteer_id"),
        CheckConstraint("status IN ('draft', 'signed')", name="status"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint(
            "status = 'draft' OR (volunteer_signed_at IS NOT NULL "
            "AND coordinator_signed_at IS NOT NULL AND text_sha256 IS NOT NULL)",
            name="signed",
        ),
        {"sqlite_autoincrement": True},
    )


# --- caravans ---------------------------------------------------------------------------------

CARAVAN_STATUSES = ("draft", "planning", "ready", "under_way", "done", "cancelled")
COMPONENT_KINDS = ("medical", "school_repair", "distribution", "children", "training")
PARTNER_STATUSES = ("invited", "accepted", "declined")
LOAD_KINDS = ("aid_kit", "distribution")
DOUAR_MAX = 160
PLACE_MAX = 200
STORY_MAX = 3000
LABEL_MAX = 200
#: At most this many days from a caravan's first day to its last.
CARAVAN_DAYS_MAX = 15
COMPONENTS_MAX = 30


class Caravan(Model):
    """A multi-day field mission (قافلة) of several associations: one plan led by one
    association, with partner associations (invited, who accept), components (each backed by an
    opportunity of the association that runs it, whose roles and quotas volunteers fill through
    the applications), the in-kind load (aid's kits and distributions, by id), an optional
    campaign (by id), a public schedule and, once done, a showcase and certificates."""

    __tablename__ = "caravans"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    lead_association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    douar: Mapped[str] = mapped_column(String(DOUAR_MAX), default="")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    #: A campaign that funds it (campaigns' id, no foreign key: features stay apart).
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    #: The showcase, typed by the lead association once it is done.
    people_reached: Mapped[int | None] = mapped_column(Integer)
    story_ar: Mapped[str] = mapped_column(Text, default="")
    story_fr: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    certificates_at: Mapped[dt.datetime | None]

    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'planning', 'ready', 'under_way', 'done', 'cancelled')",
            name="status",
        ),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("people_reached IS NULL OR people_reached >= 0", name="reached"),
        {"sqlite_autoincrement": True},
    )


class CaravanPartner(Model):
    """A partner association of a caravan: invited by the lead, it accepts or declines."""

    __tablename__ = "caravan_partners"

    caravan_id: Mapped[int] = mapped_column(
        ForeignKey("caravans.id", ondelete="CASCADE"), primary_key=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('invited', 'accepted', 'declined')", name="status"),
    )


class CaravanComponent(Model):
    """A component of a caravan (a medical day, a school repair...), run by one of its
    associations on one day, at one place; its roles and quotas are those of its opportunity."""

    __tablename__ = "caravan_components"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    caravan_id: Mapped[int] = mapped_column(
        ForeignKey("caravans.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    day: Mapped[dt.date] = mapped_column(Date)
    #: Local times of the douar (``HH:MM``), as the schedule shows them.
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    place: Mapped[str] = mapped_column(String(PLACE_MAX), default="")

    __table_args__ = (
        CheckConstraint(
            "kind IN ('medical', 'school_repair', 'distribution', 'children', 'training')",
            name="kind",
        ),
        CheckConstraint("end_time > start_time", name="times"),
        {"sqlite_autoincrement": True},
    )


class CaravanLoad(Model):
    """What a caravan carries and hands out: aid's kits and distributions, by id and label."""

    __tablename__ = "caravan_loads"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    caravan_id: Mapped[int] = mapped_column(
        ForeignKey("caravans.id", ondelete="CASCADE"), index=True
    )
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("caravan_components.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))
    #: The aid object's id (no foreign key: aid is another feature).
    ref_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("kind IN ('aid_kit', 'distribution')", name="kind"),
        CheckConstraint("quantity > 0", name="quantity"),
        {"sqlite_autoincrement": True},
    )
