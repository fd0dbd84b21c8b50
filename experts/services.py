"""Everything that changes the experts' data: profiles, requests, matching and the offers of a
request to one expert after another, consultations closed and rated. Every function takes the
actor, raises :class:`~app.api.ApiError` before writing and flushes; the caller commits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.api import ApiError, invalid, not_found
from app.db import begin_write, db, insert_once, utcnow
from app.notifications.services import notify
from app.plugins import registry
from app.text import clean_name, clean_text
from directory import Region, association_member_ids, get_association
from experts import rules
from experts.access import ASKING_ROLES, may_ask, profile_of
from experts.models import (
    ANSWER_MAX,
    BIO_MAX,
    CONFLICTS_MAX,
    DOMAINS,
    FEEDBACK_MAX,
    HEADLINE_MAX,
    LANGUAGES,
    MODES,
    QUESTION_MAX,
    TITLE_MAX,
    Consultation,
    ConsultationOffer,
    ExpertProfile,
)
from experts.sessions import clean_slots

#: an offer unanswered this long goes to the next match
OFFER_WINDOW = dt.timedelta(hours=48)
#: what the association reads when an expert's offers are passed on because they became
#: unavailable (kept in English in the database, shown translated)
UNAVAILABLE_MESSAGE = "The expert is not available at the moment."


def month_of(now: dt.datetime) -> str:
    return now.strftime("%Y-%m")


def request_path(consultation_id: int) -> str:
    return f"/experts/requests/{consultation_id}"


def _notify(
    user_ids: list[int], row: Consultation, kind: str, text: Any, actor_id: int | None
) -> None:
    notify(
        [u for u in user_ids if u is not None],
        kind=kind,
        subject=f"expert_request:{row.id}:{kind}",
        text=text,
        url=request_path(row.id),
        actor_id=actor_id,
    )


def _association_side(row: Consultation) -> list[int]:
    people = set(association_member_ids(row.association_id, ASKING_ROLES))
    if row.requester_id is not None:
        people.add(row.requester_id)
    return sorted(people)


# --- profiles ---------------------------------------------------------------------------------


def _codes(values: Any, allowed: tuple[str, ...], name: str) -> list[str]:
    chosen = [v for v in allowed if v in set(values or [])]
    if not chosen:
        raise invalid(_("Choose at least one."), {name: [_("Choose at least one.")]})
    return chosen


def _regions(ids: Any) -> list[int]:
    wanted = sorted({int(i) for i in ids or []})
    if not wanted:
        return []
    found = set(db.session.scalars(select(Region.id).where(Region.id.in_(wanted))))
    if found != set(wanted):
        raise invalid(_("Unknown region."), {"region_ids": [_("Unknown region.")]})
    return wanted


def _profile_fields(data: dict[str, Any], row: ExpertProfile) -> None:
    if "headline" in data:
        row.headline = clean_name(data["headline"] or "")[:HEADLINE_MAX]
    if "bio" in data:
        row.bio = clean_text(data["bio"] or "").strip()[:BIO_MAX]
    if "domains" in data:
        row.domains = _codes(data["domains"], DOMAINS, "domains")
    if "languages" in data:
        row.languages = _codes(data["languages"], LANGUAGES, "languages")
    if "modes" in data:
        row.modes = _codes(data["modes"], MODES, "modes")
    if "region_ids" in data:
        row.region_ids = _regions(data["region_ids"])
    if "remote" in data:
        row.remote = bool(data["remote"])
    if "monthly_capacity" in data:
        row.monthly_capacity = int(data["monthly_capacity"])
    if "weekly_slots" in data:
        row.weekly_slots = clean_slots(data["weekly_slots"])
    if "conflicts" in data:
        row.conflicts = clean_text(data["conflicts"] or "").strip()[:CONFLICTS_MAX]
    if not row.headline:
        raise invalid(_("Say in a few words what you do."), {"headline": [_("Required.")]})
    if not row.region_ids and not row.remote:
        raise invalid(
            _("Choose the regions where you help, or help remotely."),
            {"region_ids": [_("Choose a region or help remotely.")]},
        )


def create_profile(actor: User, data: dict[str, Any]) -> ExpertProfile:
    """Become an expert: the no-fee and conflict-of-interest statement is required."""
    if not data.get("no_fee"):
        raise invalid(
            _("An expert on jam3ia never charges an association: sign the statement."),
            {"no_fee": [_("Required: help on jam3ia is free.")]},
        )
    if profile_of(actor.id) is not None:
        raise _already_expert()
    now = utcnow()
    row = ExpertProfile(
        user_id=actor.id,
        no_fee_signed_at=now,
        created_at=now,
        updated_at=now,
        domains=[],
        languages=[],
        modes=[],
        region_ids=[],
        weekly_slots=[],
    )
    for required in ("domains", "languages", "modes"):
        data.setdefault(required, [])
    _profile_fields(data, row)
    if not insert_once(row):  # a twin request came first
        raise _already_expert()
    return row


def _already_expert() -> ApiError:
    return ApiError(409, "conflict", _("You already have an expert profile."))


def edit_profile(actor: User, row: ExpertProfile, data: dict[str, Any]) -> ExpertProfile:
    """Change one's own profile; ``available: false`` passes the open offers on."""
    if row.user_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the expert changes their profile."))
    if "no_fee" in data and not data["no_fee"]:
        raise invalid(
            _("An expert on jam3ia never charges an association: sign the statement."),
            {"no_fee": [_("Required: help on jam3ia is free.")]},
        )
    _profile_fields(data, row)
    row.updated_at = utcnow()
    if "available" in data:
        set_available(actor, row, bool(data["available"]))
    return row


def set_available(actor: User, row: ExpertProfile, available: bool) -> ExpertProfile:
    """Available again, or not: going unavailable declines every open offer with a standard
    message, and each request goes on to its next match."""
    if row.user_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the expert changes their profile."))
    row.available = available
    row.updated_at = utcnow()
    db.session.flush()
    if not available:
        now = utcnow()
        offers = db.session.scalars(
            select(ConsultationOffer)
            .where(ConsultationOffer.expert_id == row.id, ConsultationOffer.status == "open")
            .order_by(ConsultationOffer.id)
        ).all()
        for offer in offers:
            _pass_on(offer, "withdrawn", UNAVAILABLE_MESSAGE, now)
    return row


# --- matching ---------------------------------------------------------------------------------


def candidates(row: Consultation, now: dt.datetime) -> list[ExpertProfile]:
    """The experts who may take this request, best first (a fixed number of queries).

    Eligible: available, the request's domain, mode and language, its region or remote help
    (when the association accepts it), capacity left this month, never offered this request,
    and neither its requester nor a member of its association (a conflict of interest).
    Ranked by: the region (experts of the region first), then the share of this month's
    capacity already used or promised (taken plus open offers), then the count, then the
    oldest profile: the same data always give the same order, and the requests spread over
    the least loaded experts."""
    month = month_of(now)
    already = set(
        db.session.scalars(
            select(ConsultationOffer.expert_id).where(ConsultationOffer.consultation_id == row.id)
        )
    )
    members = set(association_member_ids(row.association_id))
    if row.requester_id is not None:
        members.add(row.requester_id)
    open_counts = dict(
        db.session.execute(
            select(ConsultationOffer.expert_id, func.count())
            .where(ConsultationOffer.status == "open")
            .group_by(ConsultationOffer.expert_id)
        ).all()
    )
    found: list[tuple[tuple[int, float, int, int], ExpertProfile]] = []
    for expert in db.session.scalars(
        select(ExpertProfile).where(ExpertProfile.available.is_(True))
    ):
        if expert.id in already or expert.user_id in members:
            continue
        if row.domain not in expert.domains or row.mode not in expert.modes:
            continue
        if row.language not in expert.languages:
            continue
        in_region = row.region_id is not None and row.region_id in expert.region_ids
        if not in_region and not (expert.remote and row.remote_ok):
            continue
        if expert.capacity_left(month) < 1:
            continue
        load = expert.taken(month) + int(open_counts.get(expert.id, 0))
        key = (0 if in_region else 1, load / expert.monthly_capacity, load, expert.id)
        found.append((key, expert))
    found.sort(key=lambda pair: pair[0])
    return [expert for _key, expert in found]


def offer_next(row: Consultation, now: dt.datetime, actor_id: int | None = None) -> None:
    """Offer the request to its best match, or mark it unmatched when nobody is left."""
    if row.status != "offered":
        return
    for rank, expert in enumerate(candidates(row, now), start=1):
        offer = ConsultationOffer(
            consultation_id=row.id, expert_id=expert.id, rank=rank, created_at=now
        )
        if not insert_once(offer):  # offered to them meanwhile: try the next one
            continue
        if row.matched_at is None:
            row.matched_at = now
        notify(
            [expert.user_id],
            kind="expert_offer",
            subject=f"expert_offer:{offer.id}",
            text=_l("An association asks for your help: “%(title)s”", title=row.title),
            url=request_path(row.id),
            actor_id=actor_id,
        )
        return
    row.status = "unmatched"
    _notify(
        _association_side(row),
        row,
        "expert_unmatched",
        _l("No expert is available for “%(title)s” at the moment", title=row.title),
        actor_id,
    )


def _pass_on(offer: ConsultationOffer, status: str, message: str, now: dt.datetime) -> bool:
    """End an open offer (declined, expired, withdrawn) and offer the request to the next
    match. False when the offer was answered meanwhile (the conditional UPDATE decides)."""
    done = db.session.execute(
        update(ConsultationOffer)
        .where(ConsultationOffer.id == offer.id, ConsultationOffer.status == "open")
        .values(status=status, message=message, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(offer)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    row = db.session.get(Consultation, offer.consultation_id)
    if row is not None:
        offer_next(row, now)
    return True


def expire_offers(now: dt.datetime) -> int:
    """The ``experts.handover`` job: offers unanswered for 48 hours go to the next match."""
    begin_write()
    due = db.session.scalars(
        select(ConsultationOffer)
        .where(
            ConsultationOffer.status == "open",
            ConsultationOffer.created_at <= now - OFFER_WINDOW,
        )
        .order_by(ConsultationOffer.id)
    ).all()
    return sum(1 for offer in due if _pass_on(offer, "expired", "", now))


# --- requests ---------------------------------------------------------------------------------


def ask(actor: User, data: dict[str, Any], now: dt.datetime | None = None) -> Consultation:
    """An association's coordinator or administrator asks for a specialist's help; the
    request is offered to the best match at once."""
    now = now or utcnow()
    association_id = int(data.get("association_id") or 0)
    association = get_association(association_id)
    if association is None or association.status != "approved":
        raise invalid(_("Choose your association."), {"association_id": [_("Not valid.")]})
    if not may_ask(actor, association_id):
        raise ApiError(
            403,
            "forbidden",
            _("Only a coordinator or an administrator of the association asks in its name."),
        )
    errors: dict[str, list[str]] = {}
    for name, allowed in (("domain", DOMAINS), ("mode", MODES), ("language", LANGUAGES)):
        if data.get(name) not in allowed:
            errors[name] = [_("Choose one.")]
    title = clean_name(data.get("title") or "")[:TITLE_MAX]
    question = clean_text(data.get("question") or "").strip()[:QUESTION_MAX]
    if not title:
        errors["title"] = [_("Required.")]
    if len(question) < 20:
        errors["question"] = [_("Describe your need in a few sentences (20 characters or more).")]
    region_id = data.get("region_id")
    if region_id is not None and db.session.get(Region, int(region_id)) is None:
        errors["region_id"] = [_("Unknown region.")]
    if errors:
        raise invalid(_("Some fields need your attention."), errors)
    rules.check(f"{title}\n{question}", "question")
    row = Consultation(
        association_id=association_id,
        requester_id=actor.id,
        domain=data["domain"],
        mode=data["mode"],
        language=data["language"],
        region_id=int(region_id) if region_id is not None else None,
        remote_ok=bool(data.get("remote_ok", True)),
        title=title,
        question=question,
        status="offered",
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    offer_next(row, now, actor.id)
    return row


def accept(actor: User, offer: ConsultationOffer, now: dt.datetime | None = None) -> Consultation:
    """The expert takes the request: one place of this month's capacity, taken by a
    conditional UPDATE (two acceptances racing for the last place: one wins)."""
    now = now or utcnow()
    expert = db.session.get(ExpertProfile, offer.expert_id)
    if expert is None or expert.user_id != actor.id:
        raise not_found()
    if offer.status != "open":
        raise _not_open(offer)
    if not expert.available:
        raise ApiError(
            409, "unavailable", _("You are marked unavailable: become available to accept.")
        )
    month = month_of(now)
    begin_write()
    db.session.execute(  # a new month starts from zero (the same values whoever runs it)
        update(ExpertProfile)
        .where(ExpertProfile.id == expert.id, ExpertProfile.load_month != month)
        .values(load_month=month, load_count=0)
        .execution_options(synchronize_session=False)
    )
    taken = db.session.execute(
        update(ExpertProfile)
        .where(
            ExpertProfile.id == expert.id,
            ExpertProfile.load_month == month,
            ExpertProfile.load_count < ExpertProfile.monthly_capacity,
        )
        .values(load_count=ExpertProfile.load_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(
            409,
            "over_capacity",
            _("Your capacity for this month is used: decline, or raise your monthly capacity."),
        )
    answered = db.session.execute(
        update(ConsultationOffer)
        .where(ConsultationOffer.id == offer.id, ConsultationOffer.status == "open")
        .values(status="accepted", answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if answered.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This request was already answered."))
    db.session.refresh(expert)
    db.session.refresh(offer)
    row = db.session.get(Consultation, offer.consultation_id)
    if row is None:
        raise not_found()
    row.status, row.expert_id, row.accepted_at = "accepted", expert.id, now
    _notify(
        _association_side(row),
        row,
        "expert_accepted",
        _l("An expert accepted your request “%(title)s”", title=row.title),
        actor.id,
    )
    return row


def _not_open(offer: ConsultationOffer) -> ApiError:
    if offer.status == "expired":
        return ApiError(
            409,
            "offer_closed",
            _("You did not answer within 48 hours: the request went to another expert."),
        )
    if offer.status == "withdrawn":
        return ApiError(
            409,
            "offer_closed",
            _("You were unavailable: the request went to another expert."),
        )
    return ApiError(409, "conflict", _("This request was already answered."))


def decline(actor: User, offer: ConsultationOffer, message: str = "") -> ConsultationOffer:
    """The expert declines; the request goes on to the next match."""
    expert = db.session.get(ExpertProfile, offer.expert_id)
    if expert is None or expert.user_id != actor.id:
        raise not_found()
    if offer.status != "open":
        raise _not_open(offer)
    begin_write()
    if not _pass_on(offer, "declined", clean_name(message or "")[:500], utcnow()):
        raise ApiError(409, "conflict", _("This request was already answered."))
    return offer


def _own_consultation(actor: User, row: Consultation) -> ExpertProfile:
    expert = profile_of(actor.id)
    if expert is None or row.expert_id != expert.id:
        raise ApiError(403, "forbidden", _("Only the expert who took this request can do this."))
    return expert


def close(actor: User, row: Consultation, answer: str) -> Consultation:
    """The expert closes the consultation with their answer."""
    _own_consultation(actor, row)
    if row.status != "accepted":
        raise ApiError(409, "conflict", _("Only a consultation in progress can be closed."))
    text = clean_text(answer or "").strip()[:ANSWER_MAX]
    if len(text) < 10:
        raise invalid(_("Write your answer."), {"answer": [_("Required.")]})
    rules.check(text, "answer")
    row.status, row.answer, row.closed_at = "closed", text, utcnow()
    _notify(
        _association_side(row),
        row,
        "expert_closed",
        _l("The expert answered your request “%(title)s”", title=row.title),
        actor.id,
    )
    return row


def rate(
    actor: User, row: Consultation, rating: int, feedback: str = "", endorse: bool = False
) -> Consultation:
    """The association rates a closed consultation and may endorse the expert."""
    if not may_ask(actor, row.association_id) and row.requester_id != actor.id:
        raise ApiError(
            403, "forbidden", _("Only the association that asked can rate this consultation.")
        )
    if row.status != "closed":
        raise ApiError(409, "conflict", _("Only an answered consultation can be rated."))
    if not 1 <= int(rating) <= 5:
        raise invalid(_("Choose from 1 to 5."), {"rating": [_("Choose from 1 to 5.")]})
    done = db.session.execute(
        update(Consultation)
        .where(Consultation.id == row.id, Consultation.status == "closed")
        .values(
            status="rated",
            rating=int(rating),
            feedback=clean_text(feedback or "").strip()[:FEEDBACK_MAX],
            endorsed=bool(endorse),
            rated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This consultation was already rated."))
    db.session.refresh(row)
    if endorse and row.expert_id is not None:
        db.session.execute(
            update(ExpertProfile)
            .where(ExpertProfile.id == row.expert_id)
            .values(endorsements=ExpertProfile.endorsements + 1)
            .execution_options(synchronize_session=False)
        )
    expert = db.session.get(ExpertProfile, row.expert_id) if row.expert_id else None
    if expert is not None:
        db.session.refresh(expert)
        notify(
            [expert.user_id],
            kind="expert_rated",
            subject=f"expert_request:{row.id}:rated",
            text=_l("The association rated your answer to “%(title)s”", title=row.title),
            url=request_path(row.id),
            actor_id=actor.id,
        )
    return row


def cancel(actor: User, row: Consultation) -> Consultation:
    """The association withdraws a request nobody took yet; its open offer ends."""
    if not may_ask(actor, row.association_id) and row.requester_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the association that asked can cancel it."))
    if row.status not in ("offered", "unmatched"):
        raise ApiError(409, "conflict", _("An expert already took this request."))
    now = utcnow()
    db.session.execute(
        update(ConsultationOffer)
        .where(ConsultationOffer.consultation_id == row.id, ConsultationOffer.status == "open")
        .values(status="withdrawn", answered_at=now)
        .execution_options(synchronize_session=False)
    )
    row.status = "cancelled"
    return row


def conversation(actor: User, row: Consultation) -> tuple[int, str]:
    """The conversation of a taken consultation (messaging's, about this request): its
    requester and the expert. Its id and page."""
    if row.status not in ("accepted", "closed", "rated") or row.expert_id is None:
        raise ApiError(
            409, "not_accepted", _("You can write to each other once an expert took the request.")
        )
    expert = db.session.get(ExpertProfile, row.expert_id)
    chat = registry().subject_chat
    if chat is None or expert is None:
        raise not_found()
    members = sorted({expert.user_id, *([row.requester_id] if row.requester_id else [])})
    if actor.id not in members or len(members) < 2:
        raise ApiError(
            403,
            "forbidden",
            _("The conversation is between the person who asked and the expert."),
        )
    conversation_id, url = chat(actor, f"expert_request:{row.id}", row.title, members)
    row.conversation_id = conversation_id
    return conversation_id, url
