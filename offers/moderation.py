"""Keeping the board clean: vouching for a person, the moderators' decisions on posts in review,
hiding a spammer's offers, readers' flags and strikes.

A strike is given when a moderator refuses a post (with the reason the author sees), readers'
flags upheld included; it is stored with its date (:class:`~offers.models.Strike`) and counts
for ``OFFERS_STRIKE_WINDOW_DAYS``. At ``OFFERS_STRIKES_TO_REVIEW`` strikes that count the
person's posts wait for a moderator; at ``OFFERS_STRIKES_TO_SPAMMER`` they are marked as a
spammer (every offer hidden, no more posting), as a moderator's "mark as spammer" does. The
author is notified of each strike with its reason, and of each step. The reads (the review
queue, a person's strikes) are in :mod:`offers.queries`."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.api import ApiError, invalid, not_found
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.text import clean_name
from offers import live as events
from offers.access import is_moderator, may_vouch
from offers.models import Flag, Offer, Standing, Strike
from offers.queries import active_strikes, standing_flag
from offers.services import end, go_live, offer_path, standing

#: Reader flags that send a published offer back to review.
FLAGS_TO_REVIEW = 3


def vouch(actor: User, user_id: int) -> Standing:
    if not may_vouch(actor):
        raise ApiError(
            403, "forbidden", _("Only association administrators and vouched members can vouch.")
        )
    if db.session.get(User, user_id) is None:
        raise not_found()
    if user_id == actor.id:
        raise invalid(_("You cannot vouch for yourself."))
    row = standing(user_id)
    row.vouched_by_id, row.vouched_at = actor.id, utcnow()
    return row


def decide(actor: User, offer: Offer, approve: bool, reason: str = "") -> None:
    if not is_moderator(actor):
        raise ApiError(403, "forbidden", _("Only moderators can do this."))
    if offer.status != "review":
        raise ApiError(409, "conflict", _("This post is not waiting for review."))
    if approve:
        go_live(offer, utcnow())
        return
    reason = clean_name(reason)
    if not reason:
        raise invalid(_("Say why, for the author."), {"reason": [_("Required.")]})
    kind = "flags" if offer.review_reason == "flags" else "refused"
    offer.review_reason = reason[:300]
    end(offer, "refused")
    strike(actor, offer, kind, offer.review_reason)


def strike(actor: User, offer: Offer, kind: str, reason: str) -> Strike | None:
    """A strike against the offer's author, dated, with the reason they are told; at the
    configured thresholds their posts go to review, then they are marked as a spammer."""
    if offer.author_id is None:
        return None
    now = utcnow()
    author_id = offer.author_id
    row = Strike(
        user_id=author_id,
        offer_id=offer.id,
        kind=kind,
        reason=reason[:300],
        moderator_id=actor.id,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    record = standing(author_id)
    record.strikes += 1
    cfg = current_app.config
    days = int(cfg["OFFERS_STRIKE_WINDOW_DAYS"])
    count = active_strikes(author_id, now)
    notify(
        [author_id],
        kind="offer_strike",
        subject=f"offer:{offer.id}:strike",
        text=_l(
            "A moderator refused your post “%(title)s”: %(reason)s. This is a strike"
            " (%(count)d in the last %(days)d days).",
            title=offer.title,
            reason=row.reason,
            count=count,
            days=days,
        ),
        url=offer_path(offer.id),
    )
    if count >= int(cfg["OFFERS_STRIKES_TO_SPAMMER"]) and not record.spammer:
        record.spammer = True
        _hide_offers_of(author_id)
        notify(
            [author_id],
            kind="offer_spammer",
            subject=f"offers:spammer:{row.id}",
            text=_l(
                "After %(count)d strikes in %(days)d days, your offers are hidden and you can"
                " no longer post on the board.",
                count=count,
                days=days,
            ),
            url="/offers/mine",
        )
    elif count == int(cfg["OFFERS_STRIKES_TO_REVIEW"]):
        notify(
            [author_id],
            kind="offer_under_review",
            subject=f"offers:under_review:{row.id}",
            text=_l(
                "After %(count)d strikes in %(days)d days, your next posts will be read by a"
                " moderator before they are published.",
                count=count,
                days=days,
            ),
            url="/offers/mine",
        )
    return row


#: A moderator's decisions on a post of the review queue.
REVIEW_ACTIONS = ("approve", "refuse", "spammer")


def review(actor: User, offer: Offer, action: str, reason: str = "") -> None:
    """A moderator's decision on a post (pages and API): publish it, refuse it with a reason
    the author sees, or mark its author as a spammer (their offers hidden; the post, if it
    waits for review, refused)."""
    if not is_moderator(actor):
        raise ApiError(403, "forbidden", _("Only moderators can do this."))
    if action not in REVIEW_ACTIONS:
        raise invalid(_("Choose a decision."), {"action": [_("Not valid.")]})
    if action == "spammer" and offer.author_id:
        mark_spammer(actor, offer.author_id)
        if offer.status == "review":
            decide(actor, offer, False, reason or _("Spam"))
        return
    decide(actor, offer, action == "approve", reason)


def mark_spammer(actor: User, user_id: int) -> int:
    """Hide every offer of a person and stop their posting; returns how many were hidden."""
    if not is_moderator(actor):
        raise ApiError(403, "forbidden", _("Only moderators can do this."))
    standing(user_id).spammer = True
    return _hide_offers_of(user_id)


def _hide_offers_of(user_id: int) -> int:
    ids = list(
        db.session.scalars(
            select(Offer.id).where(Offer.author_id == user_id, Offer.hidden.is_(False))
        )
    )
    db.session.execute(update(Offer).where(Offer.id.in_(ids)).values(hidden=True))
    for oid in ids:
        events.closed(oid)
    return len(ids)


def flag(actor: User, offer: Offer, reason: str) -> int:
    """A reader reports the offer; at :data:`FLAGS_TO_REVIEW` flags since it was (last)
    published it goes back to review."""
    if offer.author_id == actor.id:
        raise ApiError(409, "conflict", _("This is your own offer."))
    if offer.status != "published":
        raise ApiError(409, "offer_closed", _("This offer is no longer available."))
    if db.session.scalar(
        select(Flag.id).where(Flag.offer_id == offer.id, Flag.user_id == actor.id)
    ):
        raise _reported_already()
    row = Flag(offer_id=offer.id, user_id=actor.id, reason=clean_name(reason or "")[:300])
    if not insert_once(row):  # a concurrent request of the same person came first
        raise _reported_already()
    count = (
        db.session.scalar(
            select(func.count(Flag.id))
            .join(Offer, Offer.id == Flag.offer_id)
            .where(Flag.offer_id == offer.id, standing_flag())
        )
        or 0
    )
    if count >= FLAGS_TO_REVIEW:
        offer.status, offer.review_reason = "review", "flags"
        events.closed(offer.id)
    return count


def _reported_already() -> ApiError:
    return ApiError(409, "conflict", _("You already reported this offer."))
