"""Aid tables: households (personal fields encrypted, keyed tokens beside them), duplicate
cases, in-kind stock (items, locations, an append-only ledger) and distributions (slots,
entitlements with a one-time code)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model, utcnow
from app.privacy import EncryptedText

ORIGINS = ("assisted", "self")
STATUSES = ("pending", "verified", "duplicate", "archived")
AGE_BANDS = ("under_5", "age_5_17", "age_18_59", "age_60_plus")
VULNERABILITIES = (
    "widow_head",
    "single_parent",
    "disability",
    "chronic_illness",
    "elderly_alone",
    "orphans",
    "no_income",
    "disaster_affected",
    "remote_douar",
)
REGISTRY_STATUSES = ("registered", "not_registered", "in_progress", "unknown")
CONSENT_MODES = ("paper", "witnessed_verbal", "digital")
CONSENT_PURPOSES = ("aid_delivery", "contact", "duplicate_check", "statistics")
CONSENT_LANGUAGES = ("ar", "fr", "darija", "amazigh")
NEEDS = (
    "food_basket",
    "rent",
    "school_device",
    "school_supplies",
    "clothing",
    "blanket",
    "tent",
    "medical_device",
    "hygiene_kit",
    "heating",
)
CLOTHING_SIZES = ("xs", "s", "m", "l", "xl", "xxl", "child_2_4", "child_5_8", "child_9_12")
VERIFY_METHODS = ("home_visit", "document_seen", "referral", "known_member")
DECISIONS = ("distinct", "duplicate", "merge")
MOVEMENT_KINDS = ("donation_in", "purchase", "transfer", "distribution_out", "adjustment", "audit")
PLACE_KINDS = ("premises", "public_site")
SLOT_MINUTES = 15
SLOT_CAPACITY = 50


class Household(Model):
    """A household an association helps. Lists show its number, commune, size and status;
    the personal fields (encrypted) are read only through :func:`app.privacy.read_personal`."""

    __tablename__ = "aid_households"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    registrar_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime | None] = mapped_column()
    verify_method: Mapped[str | None] = mapped_column(String(20))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    commune: Mapped[str] = mapped_column(String(120))
    douar: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer)
    composition: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    vulnerabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    registry_status: Mapped[str] = mapped_column(String(20), default="unknown")
    consent_mode: Mapped[str] = mapped_column(String(20))
    consent_purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_language: Mapped[str] = mapped_column(String(10))
    consent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    needs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    birth_year: Mapped[int | None] = mapped_column(Integer, info={"personal": True})
    # personal fields: encrypted; never in lists, search documents or exports
    head_name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    address: Mapped[str | None] = mapped_column(EncryptedText)
    # keyed tokens (HMAC) to find duplicates without clear values
    phone_token: Mapped[str | None] = mapped_column(String(64), index=True)
    national_id_token: Mapped[str | None] = mapped_column(String(64), index=True)
    name_token: Mapped[str | None] = mapped_column(String(64), index=True)
    #: name skeleton + birth year + province, for the check across associations
    person_token: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint("size >= 1 AND size <= 40", name="size_range"),
        {"sqlite_autoincrement": True},
    )

    @property
    def number(self) -> str:
        return f"H-{self.id:05d}"


class DuplicateCase(Model):
    """A possible duplicate found at registration, adjudicated by a coordinator."""

    __tablename__ = "aid_duplicate_cases"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("aid_households.id", ondelete="CASCADE"), index=True
    )
    other_id: Mapped[int] = mapped_column(ForeignKey("aid_households.id", ondelete="CASCADE"))
    #: what matched: phone, national_id or name (skeleton + birth year + commune)
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    decision: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("household_id", "other_id"),
        {"sqlite_autoincrement": True},
    )


class StockItem(Model):
    __tablename__ = "aid_items"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20), default="unit")

    __table_args__ = (
        UniqueConstraint("association_id", "name"),
        {"sqlite_autoincrement": True},
    )


class StockLocation(Model):
    __tablename__ = "aid_locations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))

    __table_args__ = (
        UniqueConstraint("association_id", "name"),
        {"sqlite_autoincrement": True},
    )


class StockMovement(Model):
    """One line of the append-only ledger: on-hand is the sum of ``quantity`` per item and
    location. Rows are never updated, except ``frozen`` set by an audit."""

    __tablename__ = "aid_movements"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("aid_items.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(ForeignKey("aid_locations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entitlement_id: Mapped[int | None] = mapped_column(Integer)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("quantity <> 0", name="nonzero"),
        {"sqlite_autoincrement": True},
    )


class Distribution(Model):
    __tablename__ = "aid_distributions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    place_kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column()
    slot_minutes: Mapped[int] = mapped_column(Integer, default=SLOT_MINUTES)
    slot_capacity: Mapped[int] = mapped_column(Integer, default=SLOT_CAPACITY)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)


class Slot(Model):
    __tablename__ = "aid_slots"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("aid_distributions.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column()
    capacity: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer, default=0)
    collected: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("assigned <= capacity", name="assigned_capacity"),
        CheckConstraint("collected <= capacity", name="collected_capacity"),
        {"sqlite_autoincrement": True},
    )


class Entitlement(Model):
    """One household's right to collect at one distribution, in one slot, proved by a
    one-time code (stored as a digest, shown once)."""

    __tablename__ = "aid_entitlements"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("aid_distributions.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("aid_households.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("aid_slots.id", ondelete="CASCADE"))
    code_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="issued")
    proxy_name: Mapped[str | None] = mapped_column(EncryptedText)
    proxy_relation: Mapped[str | None] = mapped_column(String(20))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("aid_cards.id", ondelete="SET NULL"))
    collected_at: Mapped[dt.datetime | None] = mapped_column()
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("distribution_id", "household_id"),
        {"sqlite_autoincrement": True},
    )


class NetworkOptIn(Model):
    """An association that takes part in the cross-association check: it asks, and its
    served households answer others' checks (as category and month, never more)."""

    __tablename__ = "aid_network_optins"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    opted_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opted_in_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ServedFact(Model):
    """A household served (a collection), kept as keyed tokens only: what the network check
    matches against. No name, no household id, no clear value."""

    __tablename__ = "aid_served_facts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(20))
    month: Mapped[str] = mapped_column(String(7))
    phone_token: Mapped[str | None] = mapped_column(String(64), index=True)
    national_id_token: Mapped[str | None] = mapped_column(String(64), index=True)
    person_token: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)


class NetworkCheck(Model):
    """One call of the cross-association check (counted for the hourly limit, and audited)."""

    __tablename__ = "aid_network_checks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    flow: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_households.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = ({"sqlite_autoincrement": True},)


# ------------------------------------------------------------------ kits, what a distribution
# hands out, frequency limits and grievances (issue 19, second part)

GRIEVANCE_KINDS = ("exclusion", "quality", "conduct", "data_access", "data_correction")
GRIEVANCE_STATUSES = ("open", "answered", "closed")
#: days an association has to answer a grievance
GRIEVANCE_DUE_DAYS = 15


class Kit(Model):
    """A named bundle of items (a Ramadan basket: 10 kg flour, 5 L oil...): its out-movements
    write one ledger line per component."""

    __tablename__ = "aid_kits"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("association_id", "name"),
        {"sqlite_autoincrement": True},
    )


class KitComponent(Model):
    __tablename__ = "aid_kit_components"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey("aid_kits.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("aid_items.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("kit_id", "item_id"),
        CheckConstraint("quantity > 0", name="positive"),
        {"sqlite_autoincrement": True},
    )


class DistributionLine(Model):
    """What each household of a distribution receives: an item or a kit, a quantity, taken
    from a stock location when the household collects."""

    __tablename__ = "aid_distribution_lines"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("aid_distributions.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("aid_items.id", ondelete="CASCADE"))
    kit_id: Mapped[int | None] = mapped_column(ForeignKey("aid_kits.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    location_id: Mapped[int] = mapped_column(ForeignKey("aid_locations.id", ondelete="CASCADE"))

    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive"),
        CheckConstraint(
            "(item_id IS NULL AND kit_id IS NOT NULL) OR (item_id IS NOT NULL AND kit_id IS NULL)",
            name="item_or_kit",
        ),
        {"sqlite_autoincrement": True},
    )


class FrequencyLimit(Model):
    """At most one entitlement of ``category`` per household every ``min_days`` days."""

    __tablename__ = "aid_frequency_limits"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(20))
    min_days: Mapped[int] = mapped_column(Integer)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("association_id", "category"),
        CheckConstraint("min_days >= 1 AND min_days <= 730", name="days_range"),
        {"sqlite_autoincrement": True},
    )


class Grievance(Model):
    """A complaint about an association's aid, tracked to an answer (open -> answered ->
    closed) before ``due_at``. The contact a visitor leaves is encrypted."""

    __tablename__ = "aid_grievances"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_households.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(String(2000))
    contact: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    answer: Mapped[str] = mapped_column(String(2000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    due_at: Mapped[dt.datetime] = mapped_column()
    reminded_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)

    @property
    def number(self) -> str:
        return f"G-{self.id:05d}"


class HouseholdChange(Model):
    """Who changed which fields of a household, and when (the names only, never the values)."""

    __tablename__ = "aid_household_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("aid_households.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)


# ------------------------------------------------------------------ issue 19: match keys


class MatchKey(Model):
    """One more keyed token of a household for the duplicate check: ``name``, every
    cross-script reading of its name with birth year and commune
    (:func:`app.privacy.name_tokens`: "عبد القادر" meets "Abdelkader" and "Abdel Kader"), or
    ``phone_near``, its phone with one digit masked (:func:`app.privacy.phone_near_tokens`:
    a number with a typo meets the right one)."""

    __tablename__ = "aid_match_keys"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("aid_households.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    token: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_aid_match_keys_lookup", "association_id", "token"),
        {"sqlite_autoincrement": True},
    )


# the duplicate check's lookups: one (association, token) index per token
Index("ix_aid_households_phone_lookup", Household.association_id, Household.phone_token)
Index("ix_aid_households_national_id_lookup", Household.association_id, Household.national_id_token)
Index("ix_aid_households_name_lookup", Household.association_id, Household.name_token)


# ------------------------------------------------------------------ issue 19: cards, proxies,
# home delivery

PROXY_RELATIONS = ("spouse", "child", "parent", "sibling", "relative", "neighbour", "other")
#: vulnerability codes of the households that may be served at home
HOME_DELIVERY_CODES = ("elderly_alone", "disability")
DELIVERY_STATUSES = ("scheduled", "delivered", "failed")
DELIVERY_PROOFS = ("pin", "witness")
#: wrong PINs in a row before a card is locked (a reissued card starts again)
PIN_ATTEMPTS = 5
#: hours before and after the scheduled time when the volunteer may read the address
DELIVERY_WINDOW_HOURS = 12


class Card(Model):
    """A household's beneficiary card: an opaque random token (in the QR code, typed as
    ``XXXX-XXXX-XXXX``) and a short PIN, both kept only as keyed digests. Reissuing revokes
    the card before it; five wrong PINs in a row lock it."""

    __tablename__ = "aid_cards"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("aid_households.id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    pin_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="active")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[dt.datetime | None] = mapped_column()
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = ({"sqlite_autoincrement": True},)


class Delivery(Model):
    """A distribution's line taken to the home of a household that cannot come, by a member
    of the association; the address is readable by that member only around the time."""

    __tablename__ = "aid_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("aid_distributions.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("aid_households.id", ondelete="CASCADE"), index=True
    )
    entitlement_id: Mapped[int] = mapped_column(
        ForeignKey("aid_entitlements.id", ondelete="CASCADE"), unique=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    scheduled_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    proof: Mapped[str | None] = mapped_column(String(10))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)

    @property
    def number(self) -> str:
        return f"D-{self.id:05d}"
