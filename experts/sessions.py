"""One-hour sessions: an expert's weekly availability, the hours free in it, a session booked
by the association that asked, moved at most twice, cancelled, or marked held by the expert
(which closes the consultation, so the association rates it and may endorse the expert).

No double booking: the database decides (``expert_sessions.slot_start`` unique per expert),
so two bookings or moves racing for one hour write exactly one. Every function takes the
actor, raises :class:`~app.api.ApiError` before writing and flushes; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.queries import users_by_id
from app.api import ApiError, invalid, not_found
from app.db import begin_write, db, insert_once, utcnow
from app.i18n import format_datetime, reading_as
from app.mail import send_after_commit
from app.notifications.services import notify
from app.text import clean_text
from app.urls import public_url
from directory import association_member_ids
from experts import rules
from experts.access import ASKING_ROLES, is_association_side, profile_of
from experts.models import (
    ANSWER_MAX,
    RESCHEDULES_MAX,
    SESSION_MINUTES,
    SLOTS_MAX,
    SLOTS_ZONE,
    Consultation,
    ExpertProfile,
    ExpertSession,
)

ZONE = ZoneInfo(SLOTS_ZONE)
LENGTH = dt.timedelta(minutes=SESSION_MINUTES)
#: how far ahead a session can be booked, and how soon at the earliest
HORIZON = dt.timedelta(days=60)
LEAD = dt.timedelta(hours=2)
#: how many free hours the booking form offers
FREE_DAYS = 21
#: the reminder mail leaves this long before a session
REMIND_BEFORE = dt.timedelta(hours=24)


def request_path(consultation_id: int) -> str:
    return f"/experts/requests/{consultation_id}"


# --- weekly availability ----------------------------------------------------------------------


def _minutes(value: Any) -> int | None:
    """``"18:00"`` → 1080; None unless a whole hour from 00:00 to 24:00."""
    text = str(value or "").strip()
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes = int(parts[0]), int(parts[1])
    if minutes != 0 or not 0 <= hours <= 24:
        return None
    return hours * 60


def clean_slots(values: Any) -> list[dict[str, Any]]:
    """Validated weekly slots, sorted, overlaps merged; 422 ``weekly_slots`` otherwise."""
    problem = _("Each slot is a day of the week and whole hours, the end after the start.")
    if not isinstance(values, list) or len(values) > SLOTS_MAX:
        raise invalid(
            _("At most %(count)d weekly slots.", count=SLOTS_MAX), {"weekly_slots": [problem]}
        )
    spans: list[tuple[int, int, int]] = []
    for item in values:
        if not isinstance(item, dict):
            raise invalid(problem, {"weekly_slots": [problem]})
        try:
            weekday = int(item.get("weekday"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            weekday = -1
        start, end = _minutes(item.get("start")), _minutes(item.get("end"))
        if not 0 <= weekday <= 6 or start is None or end is None or end <= start:
            raise invalid(problem, {"weekly_slots": [problem]})
        spans.append((weekday, start, end))
    spans.sort()
    merged: list[list[int]] = []
    for weekday, start, end in spans:
        if merged and merged[-1][0] == weekday and start <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([weekday, start, end])
    return [
        {"weekday": w, "start": f"{s // 60:02d}:00", "end": f"{e // 60:02d}:00"}
        for w, s, e in merged
    ]


def in_availability(expert: ExpertProfile, starts_at: dt.datetime) -> bool:
    """Whether the hour from ``starts_at`` lies inside one of the expert's weekly slots."""
    local = starts_at.astimezone(ZONE)
    if local.minute or local.second or local.microsecond:
        return False
    begin = local.hour * 60
    for slot in expert.weekly_slots or []:
        start, end = _minutes(slot.get("start")), _minutes(slot.get("end"))
        if start is None or end is None or int(slot.get("weekday", -1)) != local.weekday():
            continue
        if start <= begin and begin + SESSION_MINUTES <= end:
            return True
    return False


def booked_starts(expert_id: int, since: dt.datetime, until: dt.datetime) -> set[dt.datetime]:
    return set(
        db.session.scalars(
            select(ExpertSession.slot_start).where(
                ExpertSession.expert_id == expert_id,
                ExpertSession.slot_start.is_not(None),
                ExpertSession.slot_start >= since,
                ExpertSession.slot_start < until,
            )
        )
    )


def free_hours(expert: ExpertProfile, now: dt.datetime, days: int = FREE_DAYS) -> list[dt.datetime]:
    """The hours of the next ``days`` days the expert offers and nobody booked (UTC)."""
    first = now + LEAD
    until = now + dt.timedelta(days=days)
    taken = booked_starts(expert.id, first, until)
    found: list[dt.datetime] = []
    day = first.astimezone(ZONE).date()
    while True:
        midnight = dt.datetime.combine(day, dt.time(0), ZONE)
        if midnight.astimezone(dt.UTC) >= until:
            break
        for slot in expert.weekly_slots or []:
            if int(slot.get("weekday", -1)) != day.weekday():
                continue
            start, end = _minutes(slot.get("start")), _minutes(slot.get("end"))
            if start is None or end is None:
                continue
            for minute in range(start, end - SESSION_MINUTES + 1, 60):
                local = dt.datetime.combine(day, dt.time(minute // 60), ZONE)
                at = local.astimezone(dt.UTC)
                if first <= at < until and at not in taken and in_availability(expert, at):
                    found.append(at)
        day += dt.timedelta(days=1)
    return sorted(set(found))


def _check_hour(expert: ExpertProfile, starts_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=ZONE)
    starts_at = starts_at.astimezone(dt.UTC)
    if starts_at < now + LEAD or starts_at > now + HORIZON:
        raise invalid(
            _("Choose an hour from two hours to sixty days from now."),
            {"starts_at": [_("Not in the bookable period.")]},
        )
    if not in_availability(expert, starts_at):
        raise invalid(
            _("This hour is not in the expert's weekly availability."),
            {"starts_at": [_("Choose one of the expert's free hours.")]},
        )
    return starts_at


def _slot_taken() -> ApiError:
    return ApiError(
        409, "slot_taken", _("This hour was just booked by someone else: choose another one.")
    )


# --- sessions ---------------------------------------------------------------------------------


def live_session(consultation_id: int) -> ExpertSession | None:
    return db.session.scalar(
        select(ExpertSession).where(ExpertSession.live_consultation_id == consultation_id)
    )


def _expert_of(row: Consultation) -> ExpertProfile:
    expert = db.session.get(ExpertProfile, row.expert_id) if row.expert_id else None
    if expert is None:
        raise ApiError(
            409, "not_accepted", _("A session is booked once an expert took the request.")
        )
    return expert


def _notify(
    user_ids: Sequence[int | None], row: Consultation, kind: str, text: Any, actor: User
) -> None:
    notify(
        [u for u in user_ids if u is not None],
        kind=kind,
        subject=f"expert_session:{row.id}:{kind}:{utcnow().isoformat()}",
        text=text,
        url=request_path(row.id),
        actor_id=actor.id,
    )


def book(
    actor: User, row: Consultation, starts_at: dt.datetime, now: dt.datetime | None = None
) -> ExpertSession:
    """The association that asked books a one-hour session on the expert's free hours."""
    now = now or utcnow()
    if not is_association_side(actor, row):
        raise ApiError(403, "forbidden", _("Only the association that asked books the session."))
    if row.mode != "session":
        raise ApiError(409, "not_session", _("This request is not for a one-hour session."))
    if row.status != "accepted":
        raise ApiError(
            409, "not_accepted", _("A session is booked once an expert took the request.")
        )
    expert = _expert_of(row)
    starts_at = _check_hour(expert, starts_at, now)
    begin_write()
    if live_session(row.id) is not None:
        raise _already_booked()
    session = ExpertSession(
        consultation_id=row.id,
        live_consultation_id=row.id,
        expert_id=expert.id,
        booked_by=actor.id,
        starts_at=starts_at,
        ends_at=starts_at + LENGTH,
        slot_start=starts_at,
        status="booked",
        reschedules=0,
        created_at=now,
        updated_at=now,
    )
    if not insert_once(session):
        if live_session(row.id) is not None:
            raise _already_booked()
        raise _slot_taken()
    _notify(
        [expert.user_id],
        row,
        "expert_session_booked",
        _l("A session is booked for “%(title)s”", title=row.title),
        actor,
    )
    return session


def _already_booked() -> ApiError:
    return ApiError(
        409,
        "already_booked",
        _("A session is already booked for this request: move or cancel it."),
    )


def _parties(actor: User, row: Consultation) -> tuple[bool, bool]:
    """(association side, the expert) for ``actor``."""
    mine = profile_of(actor.id)
    return is_association_side(actor, row), mine is not None and mine.id == row.expert_id


def _others(actor: User, row: Consultation, expert: ExpertProfile) -> list[int]:
    people = {expert.user_id, row.requester_id}
    people.discard(actor.id)
    return sorted(q for q in people if q is not None)


def reschedule(
    actor: User,
    session: ExpertSession,
    starts_at: dt.datetime,
    now: dt.datetime | None = None,
) -> ExpertSession:
    """Move a booked session to another free hour: either side, twice at most (the third
    move is refused; cancel and book again instead)."""
    now = now or utcnow()
    row = db.session.get(Consultation, session.consultation_id)
    if row is None:
        raise not_found()
    association_side, is_expert = _parties(actor, row)
    if not (association_side or is_expert):
        raise ApiError(403, "forbidden", _("Only the expert and the association move a session."))
    if session.status != "booked":
        raise ApiError(409, "not_booked", _("Only a booked session can be moved."))
    if session.reschedules >= RESCHEDULES_MAX:
        raise _too_many_moves()
    expert = _expert_of(row)
    starts_at = _check_hour(expert, starts_at, now)
    if starts_at == session.starts_at:
        raise invalid(
            _("Choose another hour than the booked one."),
            {"starts_at": [_("This is the hour already booked.")]},
        )
    begin_write()
    try:
        with db.session.begin_nested():
            moved = db.session.execute(
                update(ExpertSession)
                .where(
                    ExpertSession.id == session.id,
                    ExpertSession.status == "booked",
                    ExpertSession.reschedules < RESCHEDULES_MAX,
                )
                .values(
                    starts_at=starts_at,
                    ends_at=starts_at + LENGTH,
                    slot_start=starts_at,
                    reschedules=ExpertSession.reschedules + 1,
                    reminded_24_at=None,  # a moved session is reminded of its new hour
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        db.session.refresh(session)
        raise _slot_taken() from None
    db.session.refresh(session)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        if session.status != "booked":
            raise ApiError(409, "not_booked", _("Only a booked session can be moved."))
        raise _too_many_moves()
    _notify(
        _others(actor, row, expert),
        row,
        "expert_session_moved",
        _l("The session for “%(title)s” moved to another hour", title=row.title),
        actor,
    )
    return session


def _too_many_moves() -> ApiError:
    return ApiError(
        409,
        "too_many_reschedules",
        _(
            "This session was already moved twice, the most allowed: cancel it and book a new"
            " one if the hour still does not suit."
        ),
    )


def cancel(actor: User, session: ExpertSession, now: dt.datetime | None = None) -> ExpertSession:
    """Either side cancels a booked session; its hour is free again and the association may
    book another."""
    now = now or utcnow()
    row = db.session.get(Consultation, session.consultation_id)
    if row is None:
        raise not_found()
    association_side, is_expert = _parties(actor, row)
    if not (association_side or is_expert):
        raise ApiError(403, "forbidden", _("Only the expert and the association cancel a session."))
    begin_write()
    done = db.session.execute(
        update(ExpertSession)
        .where(ExpertSession.id == session.id, ExpertSession.status == "booked")
        .values(
            status="cancelled",
            slot_start=None,
            live_consultation_id=None,
            cancelled_at=now,
            cancelled_by=actor.id,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(session)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "not_booked", _("Only a booked session can be cancelled."))
    _notify(
        _others(actor, row, _expert_of(row)),
        row,
        "expert_session_cancelled",
        _l("The session for “%(title)s” is cancelled", title=row.title),
        actor,
    )
    return session


def mark_held(
    actor: User, session: ExpertSession, notes: str = "", now: dt.datetime | None = None
) -> ExpertSession:
    """The expert says the session took place (once its hour began): the consultation is
    closed with their notes, and the association rates it and may endorse them."""
    now = now or utcnow()
    row = db.session.get(Consultation, session.consultation_id)
    if row is None:
        raise not_found()
    _association, is_expert = _parties(actor, row)
    if not is_expert:
        raise ApiError(403, "forbidden", _("Only the expert marks the session held."))
    if session.status != "booked":
        raise ApiError(409, "not_booked", _("Only a booked session can be marked held."))
    if now < session.starts_at:
        raise ApiError(409, "not_started", _("The session has not started yet."))
    text = clean_text(notes or "").strip()[:ANSWER_MAX]
    rules.check(text, "notes")
    begin_write()
    done = db.session.execute(
        update(ExpertSession)
        .where(ExpertSession.id == session.id, ExpertSession.status == "booked")
        .values(status="held", held_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(session)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "not_booked", _("Only a booked session can be marked held."))
    if row.status == "accepted":
        row.status, row.closed_at = "closed", now
        row.answer = text or row.answer
    _notify(
        [row.requester_id],
        row,
        "expert_session_held",
        _l("The session for “%(title)s” took place: rate it", title=row.title),
        actor,
    )
    return session


def sessions_of(user_id: int) -> list[ExpertSession]:
    """A person's sessions, as the expert and as the one who asked (newest first)."""
    mine = profile_of(user_id)
    asked = select(Consultation.id).where(Consultation.requester_id == user_id)
    clauses = [ExpertSession.consultation_id.in_(asked), ExpertSession.booked_by == user_id]
    if mine is not None:
        clauses.append(ExpertSession.expert_id == mine.id)
    return list(
        db.session.scalars(
            select(ExpertSession).where(or_(*clauses)).order_by(ExpertSession.starts_at.desc())
        )
    )


def get_session(session_id: int, actor: User | None) -> ExpertSession:
    """A session for its two sides (and platform administrators); 404 for anyone else."""
    session = db.session.get(ExpertSession, session_id)
    if session is None or actor is None:
        raise not_found()
    row = db.session.get(Consultation, session.consultation_id)
    if row is None:
        raise not_found()
    association_side, is_expert = _parties(actor, row)
    if actor.is_admin or association_side or is_expert:
        return session
    raise not_found()


# --- reminders ----------------------------------------------------------------------------------


def remind_sessions(now: dt.datetime) -> dict[str, int]:
    """Mail both sides 24 hours before a booked session (job ``experts.session_reminders``):
    the expert, and the person who booked or asked (the association's coordinators when
    nobody is left), each in their own language and time zone.

    The reminder is claimed on the session by a conditional ``UPDATE`` before the mails are
    queued: a job run twice, or two workers, mail once. A session booked or moved inside the
    24 hours is recorded, not reminded (its people just chose the hour); a move clears the
    claim, so the new hour is reminded; nothing is sent once the session has started."""
    rows = db.session.execute(
        select(ExpertSession, Consultation)
        .join(Consultation, Consultation.id == ExpertSession.consultation_id)
        .where(
            ExpertSession.status == "booked",
            ExpertSession.starts_at > now,
            ExpertSession.starts_at <= now + REMIND_BEFORE,
            ExpertSession.reminded_24_at.is_(None),
        )
        .order_by(ExpertSession.id)
    ).all()
    mails = 0
    for session, row in rows:
        claimed = db.session.execute(
            update(ExpertSession)
            .where(ExpertSession.id == session.id, ExpertSession.reminded_24_at.is_(None))
            .values(reminded_24_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]  # another run sent it
            continue
        if session.updated_at > session.starts_at - REMIND_BEFORE:
            continue  # booked or moved inside the window: recorded, not sent
        expert = db.session.get(ExpertProfile, session.expert_id)
        asking = [p for p in (session.booked_by, row.requester_id) if p is not None][:1]
        if not asking:
            asking = association_member_ids(row.association_id, ASKING_ROLES)
        people = users_by_id(sorted({*asking, *([expert.user_id] if expert else [])}))
        for person in people.values():
            if not person.email:
                continue
            with reading_as(person.locale, person.timezone):
                when = format_datetime(session.starts_at, "EEEE d MMMM y, HH:mm")
            send_after_commit(
                "expert_session_reminder",
                person.email,
                person.locale,
                person.timezone,
                name=person.display_name,
                title=row.title,
                when=when,
                as_expert=expert is not None and person.id == expert.user_id,
                link=public_url("experts.show", consultation_id=row.id),
                home_url=public_url("core.home"),
            )
            mails += 1
    db.session.flush()
    return {"mails": mails}
