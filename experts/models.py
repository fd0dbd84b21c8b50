"""Experts tables: specialists' profiles, associations' requests for help (consultations) and
the offers of a request made to one expert after another."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import db, utcnow

#: Fields of expertise (labels in :mod:`experts.labels`).
DOMAINS = (
    "legal",
    "accounting",
    "fundraising",
    "monitoring_evaluation",
    "psychosocial",
    "it",
    "communication",
    "project_management",
)
#: How an expert helps: one written question, a one-hour session, a scoped project.
MODES = ("question", "session", "project")
#: Languages an expert works in (Amazigh as ``zgh``).
LANGUAGES = ("ar", "fr", "en", "zgh")
#: A request: looking for an expert (``offered``), taken (``accepted``), answered
#: (``closed``), rated by the association (``rated``); ``unmatched`` when no expert is left,
#: ``cancelled`` by the association.
STATUSES = ("offered", "accepted", "closed", "rated", "unmatched", "cancelled")
OFFER_STATUSES = ("open", "accepted", "declined", "expired", "withdrawn")

HEADLINE_MAX = 160
BIO_MAX = 2000
CONFLICTS_MAX = 1000
TITLE_MAX = 160
QUESTION_MAX = 4000
ANSWER_MAX = 6000
FEEDBACK_MAX = 1000
CAPACITY_MAX = 20
#: weekly availability: at most this many slots (weekday, start, end), in the platform's zone
SLOTS_MAX = 14
#: the zone of the weekly slots (whole-hour offsets: a session on the hour is on the hour in UTC)
SLOTS_ZONE = "Africa/Casablanca"
#: a session: one hour, starting on the hour, moved at most twice
SESSION_MINUTES = 60
RESCHEDULES_MAX = 2
#: a session is booked (``booked``), took place (``held``, marked by the expert) or ``cancelled``
SESSION_STATUSES = ("booked", "held", "cancelled")


class ExpertProfile(db.Model):  # type: ignore[name-defined]
    """A specialist who gives associations free help, within a monthly capacity.

    ``load_month``/``load_count``: consultations taken in that month (``YYYY-MM``), raised by
    a conditional UPDATE so that two acceptances racing for the last place cannot both win."""

    __tablename__ = "expert_profiles"
    __table_args__ = (
        CheckConstraint(
            f"monthly_capacity >= 1 AND monthly_capacity <= {CAPACITY_MAX}",
            name="capacity_range",
        ),
        CheckConstraint("load_count >= 0", name="load_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    headline: Mapped[str] = mapped_column(String(HEADLINE_MAX), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    remote: Mapped[bool] = mapped_column(Boolean, default=True)
    modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    monthly_capacity: Mapped[int] = mapped_column(Integer, default=2)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    #: when the expert signed the statement: free help, no fee, conflicts of interest declared
    no_fee_signed_at: Mapped[dt.datetime] = mapped_column()
    conflicts: Mapped[str] = mapped_column(Text, default="")
    load_month: Mapped[str] = mapped_column(String(7), default="")
    load_count: Mapped[int] = mapped_column(Integer, default=0)
    endorsements: Mapped[int] = mapped_column(Integer, default=0)
    #: when one-hour sessions can be booked: ``[{"weekday": 0-6 (Monday 0), "start": "18:00",
    #: "end": "20:00"}]`` in :data:`SLOTS_ZONE`, on the hour
    weekly_slots: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def taken(self, month: str) -> int:
        return self.load_count if self.load_month == month else 0

    def capacity_left(self, month: str) -> int:
        return max(0, self.monthly_capacity - self.taken(month))


class Consultation(db.Model):  # type: ignore[name-defined]
    """An association's request for a specialist's help, and what became of it."""

    __tablename__ = "expert_consultations"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    domain: Mapped[str] = mapped_column(String(32), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    remote_ok: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="offered", index=True)
    #: the expert (profile) who accepted it
    expert_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="SET NULL"), index=True
    )
    matched_at: Mapped[dt.datetime | None] = mapped_column()
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    answer: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str] = mapped_column(Text, default="")
    endorsed: Mapped[bool] = mapped_column(Boolean, default=False)
    rated_at: Mapped[dt.datetime | None] = mapped_column()
    conversation_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class ConsultationOffer(db.Model):  # type: ignore[name-defined]
    """A request offered to one expert: answered (accepted, declined), or passed on to the
    next match when unanswered for 48 hours (``expired``) or when the expert became
    unavailable (``withdrawn``). An expert is offered a request once."""

    __tablename__ = "expert_offers"
    __table_args__ = (
        UniqueConstraint("consultation_id", "expert_id", name="uq_expert_offers_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("expert_consultations.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column()


class ExpertSession(db.Model):  # type: ignore[name-defined]
    """A one-hour session of a consultation, booked on the expert's weekly availability.

    No double booking, decided by the database: ``slot_start`` is the start while the session
    is booked or held (NULL once cancelled) and unique per expert, so two bookings or moves
    racing for the same hour cannot both be written (sessions are one hour on the hour: two
    overlap only when they start together). ``live_consultation_id`` (unique, NULL once
    cancelled) keeps one live session per consultation. ``reschedules`` is moved by a
    conditional UPDATE and checked by the database (at most :data:`RESCHEDULES_MAX`)."""

    __tablename__ = "expert_sessions"
    __table_args__ = (
        UniqueConstraint("expert_id", "slot_start", name="uq_expert_sessions_slot"),
        CheckConstraint(
            f"reschedules >= 0 AND reschedules <= {RESCHEDULES_MAX}", name="reschedules_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("expert_consultations.id", ondelete="CASCADE"), index=True
    )
    live_consultation_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    booked_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime] = mapped_column()
    slot_start: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="booked", index=True)
    reschedules: Mapped[int] = mapped_column(Integer, default=0)
    held_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_by: Mapped[int | None] = mapped_column(Integer)
    #: when the 24-hour reminder mail was claimed (cleared when the session moves)
    reminded_24_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ExpertCalendarFeed(db.Model):  # type: ignore[name-defined]
    """A person's secret iCalendar address of their sessions (as expert and as asker): only
    the secret's digest is stored; a new one replaces the old."""

    __tablename__ = "expert_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


#: a publication: consents gathered and the text redacted (``pending``), in the library
#: (``published``), taken out of it by a platform administrator (``unpublished``)
PUBLICATION_STATUSES = ("pending", "published", "unpublished")


class Publication(db.Model):  # type: ignore[name-defined]
    """A closed consultation on its way to the library as a redacted question-and-answer page.

    Each side consents (a coordinator of the association that asked, the expert who
    answered); once both have, the proposed text (``title``, ``question``, ``answer``) is the
    automatic redaction of the consultation, which either side edits before publishing.
    Withdrawing a consent before publication clears the proposed text. ``page_id`` is the
    library's page (an id: experts never import the library)."""

    __tablename__ = "expert_publications"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("expert_consultations.id", ondelete="CASCADE"), unique=True, index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="pending")
    association_consent_at: Mapped[dt.datetime | None] = mapped_column()
    association_consent_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    expert_consent_at: Mapped[dt.datetime | None] = mapped_column()
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    page_id: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[dt.datetime | None] = mapped_column()
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    unpublished_at: Mapped[dt.datetime | None] = mapped_column()
    unpublished_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def both_consented(self) -> bool:
        return self.association_consent_at is not None and self.expert_consent_at is not None
