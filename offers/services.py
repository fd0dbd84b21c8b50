"""Posting, editing and closing offers: check, publish, edit, pause, withdraw, repost, end,
expire and purge them; a person's standing, alerts and blood donor card; photos.

Callers (pages and API) check nothing themselves: every function takes the actor and raises
:class:`~app.api.ApiError` (403/404/409/422) before writing anything; the caller commits.
Events to open feeds and the search's outbox run after the commit. Claims are in
:mod:`offers.claims`, moderation in :mod:`offers.moderation`, reads in :mod:`offers.queries`
and :mod:`offers.access`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update

from app.accounts.models import User
from app.api import ApiError, invalid
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.privacy import keyed_token
from app.rules import BLOCK, REVIEW, Hit, blocking
from app.search.analysis import analyze
from app.signals import subjects_ended
from app.text import clean_name, clean_text
from directory import City, get_association, membership_role
from offers import live as events
from offers.access import may_edit
from offers.images import add_image, delete_images
from offers.models import (
    CAPACITY_MAX,
    BloodDonor,
    BloodNotice,
    Claim,
    Offer,
    OfferAlert,
    OfferCount,
    Standing,
)
from offers.queries import alert_matches, cities_near, under_review
from offers.rules import RULES, refuse

#: How long an offer stays up without an end date; a blood request's hard limit.
OFFER_LIFETIME = dt.timedelta(days=30)


BLOOD_LIFETIME = dt.timedelta(hours=72)


#: Body, images and claims of an ended offer are purged after this; counts stay.
PURGE_AFTER = dt.timedelta(days=30)


#: A near-duplicate of the same author's post within this window is refused.
DUPLICATE_WINDOW = dt.timedelta(days=7)


DUPLICATE_SIMILARITY = 0.8


_MISSING: dict[str, Any] = {
    "support_type": _l("Choose the type of support you offer."),
    "city_id": _l("Say where: choose a city."),
    "capacity": _l("Say how many people can benefit."),
    "audience": _l("Say who it is for: choose at least one condition."),
    "free": _l("Confirm that the offer is free."),
    "title": _l("Give the offer a title."),
    "blood_group": _l("Choose the blood group needed."),
    "facility": _l("Name the hospital or blood bank."),
    "needed_by": _l("Say until when the blood is needed."),
}


def offer_path(offer_id: int) -> str:
    """The offer's page (also from periodic jobs, outside any request)."""
    return f"/offers/{offer_id}"


# --- checking ------------------------------------------------------------------------------


def _missing(data: dict[str, Any]) -> list[Hit]:
    if data.get("kind") == "blood_request":
        required = ["city_id", "blood_group", "facility", "needed_by"]
    else:
        required = ["support_type", "city_id", "capacity", "audience", "free", "title"]
    hits = []
    for name in required:
        value = data.get(name)
        if value in (None, "", [], False):
            hits.append(Hit("MISSING_FIELD", BLOCK, name, str(_MISSING[name])))
    return hits


def _text_of(data: dict[str, Any]) -> str:
    parts = [
        data.get(k) or "" for k in ("title", "body", "area_hint", "conditions_other", "facility")
    ]
    return "\n".join(str(p) for p in parts if p)


def fingerprint(text: str) -> str:
    """The post's analysed words, sorted and unique: what near-duplicates share."""
    return " ".join(sorted(set(analyze(text))))


def _similarity(a: str, b: str) -> float:
    left, right = set(a.split()), set(b.split())
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def _duplicate(actor: User | None, text: str, exclude_id: int | None = None) -> list[Hit]:
    if actor is None:
        return []
    mine = fingerprint(text)
    since = utcnow() - DUPLICATE_WINDOW
    rows = db.session.execute(
        select(Offer.id, Offer.fingerprint, Offer.title).where(
            Offer.author_id == actor.id, Offer.created_at >= since, Offer.status != "refused"
        )
    )
    for oid, other, title in rows:
        if oid != exclude_id and _similarity(mine, other) >= DUPLICATE_SIMILARITY:
            message = _("You posted almost the same offer in the last 7 days: edit that one.")
            return [Hit("DUPLICATE", BLOCK, title, message)]
    return []


def check(actor: User | None, data: dict[str, Any], exclude_id: int | None = None) -> list[Hit]:
    """Every rule hit of a post: missing fields, the text rules, a recent near-duplicate."""
    text = _text_of(data)
    return [*_missing(data), *RULES.check(text), *_duplicate(actor, text, exclude_id)]


# --- standing ------------------------------------------------------------------------------


def standing(user_id: int) -> Standing:
    row = db.session.get(Standing, user_id)
    if row is None:
        row = Standing(user_id=user_id, published=0, strikes=0, no_shows=0, spammer=False)
        db.session.add(row)
        db.session.flush()
    return row


def trusted(actor: User, association_id: int | None) -> bool:
    """Published at once when the rules pass: vouched people, associations, staff, and
    people whose earlier posts a moderator approved."""
    if actor.is_admin or association_id is not None:
        return True
    row = db.session.get(Standing, actor.id)
    return row is not None and (row.vouched_by_id is not None or row.published > 0)


# --- publishing ----------------------------------------------------------------------------


def _city(city_id: Any) -> City:
    city = db.session.get(City, city_id) if city_id else None
    if city is None:
        raise invalid(_("Unknown city."), "city_id")
    return city


def _association(actor: User, association_id: int | None) -> int | None:
    if association_id is None:
        return None
    if (
        get_association(association_id) is None
        or membership_role(actor.id, association_id) != "admin"
    ):
        raise ApiError(
            403, "forbidden", _("Only an administrator of the association can post on its behalf.")
        )
    return association_id


def _over_capacity() -> bool:
    """Admission control: too many posts published in the last minute, or a long queue."""
    cfg = current_app.config
    per_minute = int(cfg["OFFERS_PUBLISH_PER_MINUTE"])
    queue_max = int(cfg["OFFERS_REVIEW_QUEUE_MAX"])
    since = utcnow() - dt.timedelta(minutes=1)
    recent = db.session.scalar(select(func.count(Offer.id)).where(Offer.published_at >= since)) or 0
    if recent >= per_minute:
        return True
    queued = db.session.scalar(select(func.count(Offer.id)).where(Offer.status == "review")) or 0
    return queued >= queue_max


def publish(actor: User, data: dict[str, Any]) -> Offer:
    """Check and store a post; published at once, or in review with the reason. 422 with the
    hits when a blocking rule refuses it (nothing stored)."""
    row = db.session.get(Standing, actor.id)
    if row is not None and row.spammer:
        raise ApiError(403, "forbidden", _("Your posts are hidden after a moderator's decision."))
    data = prepare(data)
    hits = check(actor, data)
    if blocking(hits):
        raise refuse(
            [h for h in hits if h.action == BLOCK] + [h for h in hits if h.action == REVIEW]
        )
    city = _city(data["city_id"])
    association_id = _association(actor, data.get("association_id"))
    now = utcnow()
    blood = data["kind"] == "blood_request"
    offer = Offer(
        kind=data["kind"],
        support_type="blood" if blood else data["support_type"],
        city_id=city.id,
        province_id=city.province_id,
        area_hint=data.get("area_hint") or "",
        capacity=1 if blood else data["capacity"],
        places_left=1 if blood else data["capacity"],
        audience=[] if blood else list(dict.fromkeys(data.get("audience") or [])),
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        conditions_other=data.get("conditions_other") or "",
        delivery_mode=data.get("delivery_mode") or "pickup",
        allocation=data.get("allocation") or "choose",
        title=data.get("title") or "",
        body=data.get("body") or "",
        author_id=actor.id,
        association_id=association_id,
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        blood_group=data.get("blood_group") if blood else None,
        facility=data.get("facility") or "" if blood else "",
        needed_by=data.get("needed_by") if blood else None,
        rules_version=RULES.version,
        hits=[h.as_dict() for h in hits],
        fingerprint=fingerprint(_text_of(data)),
        status="review",
        created_at=now,
    )
    offer.expires_at = _expiry(offer, now)
    if hits:
        offer.review_reason = "rules"
    elif not actor.is_admin and under_review(actor.id):
        offer.review_reason = "strikes"  # lost publish-at-once, on behalf of an association too
    elif not trusted(actor, association_id):
        offer.review_reason = "first_post"
    elif _over_capacity():
        offer.review_reason = "queue"
    else:
        offer.review_reason = ""
    db.session.add(offer)
    db.session.flush()
    if not offer.review_reason:
        go_live(offer, now)
    return offer


def _expiry(offer: Offer, now: dt.datetime) -> dt.datetime:
    if offer.kind == "blood_request":
        hard = now + BLOOD_LIFETIME
        return min(hard, offer.needed_by) if offer.needed_by else hard
    if offer.ends_on:
        return dt.datetime.combine(offer.ends_on, dt.time(23, 59))
    return now + OFFER_LIFETIME


def go_live(offer: Offer, now: dt.datetime) -> None:
    """Publish (the caller flushed ``offer`` so it has an id): open feeds and alerts hear it
    after the commit."""
    offer.status, offer.published_at, offer.review_reason = "published", now, ""
    if offer.author_id is not None:
        standing(offer.author_id).published += 1
    events.published(offer)
    notify_donors(offer, now)
    recipients = alert_matches(offer)
    if recipients:
        notify(
            recipients,
            kind="offer_alert",
            subject=f"offer:{offer.id}:alert",
            text=_l("New offer matching your alert: “%(title)s”", title=offer.title),
            url=offer_path(offer.id),
            actor_id=offer.author_id,
        )


def prepare(data: dict[str, Any]) -> dict[str, Any]:
    """A post's fields cleaned and flattened (``conditions`` and ``blood`` unnested)."""
    out = dict(data)
    out["kind"] = out.get("kind") or "offer"
    for key in ("title", "area_hint", "facility"):
        if out.get(key) is not None:
            out[key] = clean_name(out[key])
    for key in ("body", "conditions_other", "pickup_proposal"):
        if out.get(key) is not None:
            out[key] = clean_text(out[key]).strip()
    conditions = out.pop("conditions", None) or {}
    for key in ("audience", "age_min", "age_max", "other"):
        if key in conditions:
            out["conditions_other" if key == "other" else key] = conditions[key]
    blood = out.pop("blood", None) or {}
    for key in ("group", "facility", "needed_by"):
        if key in blood:
            out["blood_group" if key == "group" else key] = blood[key]
    if out.get("city") and not out.get("city_id"):
        out["city_id"] = out["city"]
    capacity = out.get("capacity")
    if capacity is not None and not 1 <= int(capacity) <= CAPACITY_MAX:
        raise invalid(
            _("Some fields are not valid."),
            {"capacity": [_("Between %(min)d and %(max)d people.", min=1, max=CAPACITY_MAX)]},
        )
    return out


# --- editing and ending --------------------------------------------------------------------


EDITABLE = (
    "title",
    "body",
    "area_hint",
    "conditions_other",
    "delivery_mode",
    "ends_on",
    "starts_on",
)


def edit(actor: User, offer: Offer, data: dict[str, Any]) -> Offer:
    """Edit the text or pause/resume (``status``); an edit is checked like a new post."""
    if not may_edit(actor, offer):
        raise ApiError(403, "forbidden", _("Only the author can change this offer."))
    status = data.pop("status", None)
    changes = {k: v for k, v in prepare(data).items() if k in EDITABLE}
    if changes:
        merged = {
            c: getattr(offer, c)
            for c in (
                "kind",
                "support_type",
                "city_id",
                "capacity",
                "title",
                "body",
                "area_hint",
                "conditions_other",
                "facility",
                "blood_group",
                "needed_by",
            )
        }
        merged.update(audience=offer.audience or ["x"], free=True, **changes)
        hits = check(actor, merged, exclude_id=offer.id)
        if blocking(hits):
            raise refuse(hits)
        for key, value in changes.items():
            setattr(offer, key, value)
        offer.fingerprint = fingerprint(_text_of(merged))
        offer.version += 1
        if hits and offer.status == "published":
            offer.status, offer.review_reason, offer.hits = (
                "review",
                "rules",
                [h.as_dict() for h in hits],
            )
            events.closed(offer.id)
    if status == "paused" and offer.status == "published":
        offer.status = "paused"
        events.closed(offer.id)
    elif status == "published" and offer.status == "paused":
        offer.status = "published"
        events.published(offer)
    elif status is not None and status != offer.status:
        raise ApiError(409, "conflict", _("This offer cannot move to that state now."))
    return offer


def end(offer: Offer, outcome: str, now: dt.datetime | None = None) -> None:
    """The offer's one terminal outcome; pending claims are closed; removed from feeds."""
    now = now or utcnow()
    was_public = offer.status == "published"
    offer.status = offer.outcome = outcome
    offer.closed_at = now
    db.session.execute(
        update(Claim)
        .where(Claim.offer_id == offer.id, Claim.status == "pending")
        .values(status="closed", decided_at=now)
    )
    if outcome == "consumed":
        _count(offer, now)
    if was_public:
        events.closed(offer.id)


def withdraw(actor: User, offer: Offer) -> None:
    if not may_edit(actor, offer):
        raise ApiError(403, "forbidden", _("Only the author can withdraw this offer."))
    end(offer, "withdrawn")


def _count(offer: Offer, now: dt.datetime) -> None:
    month = now.strftime("%Y-%m")
    key = (offer.support_type, offer.province_id, month)
    row = db.session.get(OfferCount, key)
    if row is None:
        row = OfferCount(
            support_type=key[0], province_id=key[1], month=month, consumed=0, beneficiaries=0
        )
        db.session.add(row)
    row.consumed += 1
    row.beneficiaries += offer.capacity - offer.places_left


def repost(actor: User, offer: Offer) -> Offer:
    """A new offer from an expired one of the author (checked like any new post)."""
    if offer.author_id != actor.id or offer.status != "expired" or offer.purged_at:
        raise ApiError(409, "conflict", _("Only an expired offer of yours can be posted again."))
    data = {
        "kind": offer.kind,
        "support_type": offer.support_type,
        "city_id": offer.city_id,
        "area_hint": offer.area_hint,
        "capacity": offer.capacity,
        "audience": offer.audience,
        "age_min": offer.age_min,
        "age_max": offer.age_max,
        "conditions_other": offer.conditions_other,
        "delivery_mode": offer.delivery_mode,
        "allocation": offer.allocation,
        "free": True,
        "title": offer.title,
        "body": offer.body,
        "association_id": offer.association_id,
    }
    offer.fingerprint = ""  # not a duplicate of itself
    return publish(actor, data)


# --- alerts --------------------------------------------------------------------------------


def add_alert(actor: User, data: dict[str, Any]) -> OfferAlert:
    if not any(data.get(k) for k in ("support_type", "city_id", "province_id", "audience")):
        raise invalid(_("Choose at least one filter for the alert."))
    count = (
        db.session.scalar(select(func.count(OfferAlert.id)).where(OfferAlert.user_id == actor.id))
        or 0
    )
    if count >= 20:
        raise ApiError(409, "conflict", _("You have 20 alerts already; remove one first."))
    alert = OfferAlert(
        user_id=actor.id,
        **{k: data.get(k) for k in ("support_type", "city_id", "province_id", "audience")},
    )
    db.session.add(alert)
    db.session.flush()
    return alert


# --- periodic jobs -------------------------------------------------------------------------


def expire(now: dt.datetime) -> int:
    """End live offers past their expiry (the ``offers.expire`` job)."""
    due = db.session.scalars(
        select(Offer).where(Offer.outcome.is_(None), Offer.expires_at <= now)
    ).all()
    for offer in due:
        end(offer, "expired", now)
    return len(due)


def release_queue(now: dt.datetime) -> int:
    """Publish posts that waited only for capacity, oldest first, within the minute's cap."""
    cap = int(current_app.config["OFFERS_PUBLISH_PER_MINUTE"])
    since = now - dt.timedelta(minutes=1)
    recent = db.session.scalar(select(func.count(Offer.id)).where(Offer.published_at >= since)) or 0
    room = max(0, cap - recent)
    queued = db.session.scalars(
        select(Offer)
        .where(Offer.status == "review", Offer.review_reason == "queue")
        .order_by(Offer.id)
        .limit(room)
    ).all()
    for offer in queued:
        go_live(offer, now)
    return len(queued)


def claim_subject(offer_id: int, claim_id: int) -> str:
    """The key of the conversation about one request (see ``Registry.subject_chat``)."""
    return f"offers:{offer_id}:{claim_id}"


def purge(now: dt.datetime) -> int:
    """Forget what an ended offer said, who asked and what they wrote, 30 days after it
    ended; the counts stay (the seed's "delete once consumed")."""
    due = db.session.scalars(
        select(Offer).where(Offer.closed_at <= now - PURGE_AFTER, Offer.purged_at.is_(None))
    ).all()
    for offer in due:
        offer.title = offer.body = offer.area_hint = offer.conditions_other = offer.facility = ""
        offer.fingerprint, offer.hits, offer.review_reason = "", [], ""
        offer.purged_at = now
        claim_ids = db.session.scalars(select(Claim.id).where(Claim.offer_id == offer.id)).all()
        # the parties' conversations about their requests go with them (messaging's)
        subjects_ended.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            subjects=[claim_subject(offer.id, claim_id) for claim_id in claim_ids],
        )
        db.session.execute(Claim.__table__.delete().where(Claim.offer_id == offer.id))
        delete_images(offer.id)
    return len(due)


# --- blood donors --------------------------------------------------------------------------


#: Who may give to whom (recipient -> donor groups), red cells.
COMPATIBLE: dict[str, tuple[str, ...]] = {
    "O-": ("O-",),
    "O+": ("O-", "O+"),
    "A-": ("O-", "A-"),
    "A+": ("O-", "O+", "A-", "A+"),
    "B-": ("O-", "B-"),
    "B+": ("O-", "O+", "B-", "B+"),
    "AB-": ("O-", "A-", "B-", "AB-"),
    "AB+": ("O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+"),
}


#: A donor hears of at most one request in this interval (the whole-blood donation interval).
DONATION_INTERVAL = dt.timedelta(days=56)


#: Donors told per request.
NOTICE_CAP = 50


def group_token(group: str) -> str:
    return keyed_token("blood_group", group)


def set_donor(actor: User, data: dict[str, Any]) -> BloodDonor:
    """Opt in (or update, or pause with ``active: false``) as a blood donor."""
    group = data.get("group")
    if group not in COMPATIBLE:
        raise invalid(_("Choose the blood group needed."), {"group": [_("Required.")]})
    city = _city(data.get("city_id") or data.get("city"))
    values: dict[str, Any] = {
        "blood_group": group,
        "group_token": group_token(group),
        "city_id": city.id,
        "province_id": city.province_id,
        "active": bool(data.get("active", True)),
        "updated_at": utcnow(),
    }
    row = db.session.get(BloodDonor, actor.id)
    if row is None:
        row = BloodDonor(user_id=actor.id, **values)
        if insert_once(row):
            return row
        # a concurrent opt-in of the same person came first: this one updates it, as if later
        row = db.session.scalars(select(BloodDonor).where(BloodDonor.user_id == actor.id)).one()
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def notify_donors(offer: Offer, now: dt.datetime | None = None) -> int:
    """Tell compatible active donors nearby: those whose city is within
    ``JAM3IA_OFFERS_BLOOD_RADIUS_KM`` of the request's city, whatever their province (the
    request's province when its city has no coordinates), nearest first; never a donor told
    of a request within the donation interval (checked again as the donor is marked, so two
    requests at once do not both tell one donor), at most :data:`NOTICE_CAP`."""
    now = now or utcnow()
    if offer.kind != "blood_request" or not offer.blood_group:
        return 0
    tokens = [group_token(g) for g in COMPATIBLE[offer.blood_group]]
    since = now - DONATION_INTERVAL
    rested = (BloodDonor.last_notified_at.is_(None)) | (BloodDonor.last_notified_at < since)
    radius = float(current_app.config["OFFERS_BLOOD_RADIUS_KM"])
    near = cities_near(offer.city_id, radius)
    if near is None:
        place = BloodDonor.province_id == offer.province_id
        nearest: Any = BloodDonor.city_id != offer.city_id
    else:
        place = BloodDonor.city_id.in_(list(near))
        nearest = case({cid: rank for rank, cid in enumerate(near)}, value=BloodDonor.city_id)
    chosen = db.session.scalars(
        select(BloodDonor.user_id)
        .where(
            BloodDonor.active.is_(True),
            BloodDonor.group_token.in_(tokens),
            place,
            BloodDonor.user_id != (offer.author_id or 0),
            rested,
        )
        .order_by(nearest, BloodDonor.user_id)
        .limit(NOTICE_CAP)
    ).all()
    if not chosen:
        return 0
    # Mark them only if still rested: a request committed meanwhile may have told some.
    marked = set(
        db.session.scalars(
            update(BloodDonor)
            .where(BloodDonor.user_id.in_(chosen), rested)
            .values(last_notified_at=now)
            .returning(BloodDonor.user_id)
            .execution_options(synchronize_session="fetch")
        ).all()
    )
    told = [uid for uid in chosen if uid in marked]
    for user_id in told:
        db.session.add(BloodNotice(offer_id=offer.id, user_id=user_id, sent_at=now))
    if told:
        notify(
            told,
            kind="blood_request",
            subject=f"offer:{offer.id}:blood",
            text=_l("Blood is needed near you: “%(title)s”", title=offer.title),
            url=offer_path(offer.id),
            actor_id=offer.author_id,
        )
    return len(told)


# --- photos --------------------------------------------------------------------------------


def add_photo(actor: User, offer: Offer, data: bytes, no_person_visible: bool) -> Any:
    """A photo of the offered thing, by its author while the offer lives; a person's first
    post with a photo waits for a moderator."""
    if not may_edit(actor, offer):
        raise ApiError(403, "forbidden", _("Only the author can change this offer."))
    first = (
        offer.association_id is None and not actor.is_admin and standing(actor.id).published <= 1
    )
    was_public = offer.status == "published"
    row = add_image(offer, data, no_person_visible, first)
    if was_public and offer.status == "review":
        events.closed(offer.id)
    return row
