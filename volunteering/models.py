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

    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
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
