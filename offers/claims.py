"""Asking for an offer and what follows: claims (first come, chosen by the author, or drawn by
lot), the author's answers, a beneficiary's thanks and an association's "known to us"
referrals. Every function takes the actor, raises :class:`~app.api.ApiError` before writing
and flushes; the caller commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.models import User
from app.api import ApiError, invalid, not_found
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.plugins import registry
from app.security import secret_digest
from app.text import clean_name, clean_text
from directory import membership_role
from offers.models import Claim, Offer, Referral, Thanks
from offers.queries import claim_of
from offers.rules import CLAIM_RULES, refuse
from offers.services import claim_subject, end, offer_path, standing

#: The lottery's fair-chance window after publication.
LOTTERY_WINDOW = dt.timedelta(hours=24)


def claim(
    actor: User, offer: Offer, answers: dict[str, Any], pickup: str, referral: str = ""
) -> Claim:
    """Ask for an offer (with an association's "known to us" code if given); first come
    takes a place at once."""
    if offer.kind != "offer":
        raise ApiError(
            409, "conflict", _("A blood request is answered by giving blood, not by a request.")
        )
    if offer.status != "published" or offer.hidden or offer.places_left < 1:
        raise ApiError(409, "offer_closed", _("This offer is no longer available."))
    if offer.author_id == actor.id:
        raise ApiError(409, "conflict", _("This is your own offer."))
    if claim_of(offer.id, actor.id) is not None:
        raise _asked_already()
    pickup = clean_name(pickup or "")[:200]
    clean_answers = {str(k)[:40]: bool(v) for k, v in (answers or {}).items()}
    hits = CLAIM_RULES.check(pickup)
    if hits:
        raise refuse(hits)
    row = Claim(
        offer_id=offer.id, claimant_id=actor.id, answers=clean_answers, pickup_proposal=pickup
    )
    if not insert_once(row):  # a concurrent request of the same person came first
        raise _asked_already()
    if referral:
        use_referral(actor, row, referral.strip())
    if offer.allocation == "first_come":
        _take_place(offer, row)
    elif offer.author_id is not None:
        _notify(
            offer.author_id,
            offer,
            "offer_claim",
            _l("Someone asked for your offer “%(title)s”", title=offer.title),
            actor.id,
        )
    return row


def _asked_already() -> ApiError:
    return ApiError(409, "conflict", _("You already asked for this offer."))


def _take_place(offer: Offer, row: Claim) -> None:
    """Take one place atomically: exactly one of two racing acceptances gets the last one."""
    now = utcnow()
    result = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.places_left > 0, Offer.status == "published")
        .values(places_left=Offer.places_left - 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "offer_closed", _("This offer is no longer available."))
    db.session.refresh(offer)
    row.status, row.decided_at = "accepted", now
    _notify(
        row.claimant_id,
        offer,
        "offer_accepted",
        _l("Your request for “%(title)s” was accepted", title=offer.title),
        offer.author_id,
    )
    if offer.places_left == 0:
        end(offer, "consumed", now)


def accept(actor: User, row: Claim) -> Claim:
    offer = _own_offer(actor, row)
    if row.status != "pending":
        raise ApiError(409, "conflict", _("This request was already answered."))
    _take_place(offer, row)
    return row


def _own_offer(actor: User, row: Claim) -> Offer:
    offer = db.session.get(Offer, row.offer_id)
    if offer is None:
        raise not_found()
    if offer.author_id != actor.id:
        if row.claimant_id == actor.id:
            raise ApiError(403, "forbidden", _("Only the author of the offer answers requests."))
        raise not_found()
    return offer


def conversation(actor: User, row: Claim) -> tuple[int, str]:
    """The conversation where the two parties of an accepted request agree on the details,
    without sharing a number: messaging's, about this request, so the purge deletes it with
    the offer. Its id and page."""
    offer = db.session.get(Offer, row.offer_id)
    if offer is None or offer.purged_at is not None or offer.author_id is None:
        raise not_found()
    if row.status not in ("accepted", "received"):
        raise ApiError(
            409, "not_accepted", _("You can write to each other once the request is accepted.")
        )
    chat = registry().subject_chat
    if chat is None:
        raise not_found()
    conversation_id, url = chat(
        actor, claim_subject(offer.id, row.id), offer.title, [offer.author_id, row.claimant_id]
    )
    row.conversation_id = conversation_id
    return conversation_id, url


def decline(actor: User, row: Claim) -> Claim:
    offer = _own_offer(actor, row)
    if row.status != "pending":
        raise ApiError(409, "conflict", _("This request was already answered."))
    row.status, row.decided_at = "declined", utcnow()
    _notify(
        row.claimant_id,
        offer,
        "offer_declined",
        _l("Your request for “%(title)s” was not kept", title=offer.title),
        actor.id,
    )
    return row


def mark(actor: User, row: Claim, outcome: str) -> Claim:
    """The author records that the person came (``received``) or did not (``no_show``)."""
    _own_offer(actor, row)
    if row.status != "accepted":
        raise ApiError(409, "conflict", _("Only an accepted request can be marked."))
    row.status, row.decided_at = outcome, utcnow()
    if outcome == "no_show":
        standing(row.claimant_id).no_shows += 1
    return row


def draw(offer: Offer) -> tuple[str, list[int]]:
    """The lottery: a seed made of the offer's id and publication time, the pending claims in
    id order, and ``places_left`` of them drawn. Running it again gives the same draw."""
    seed = f"{offer.id}:{offer.published_at.isoformat() if offer.published_at else ''}"
    pending = sorted(
        db.session.scalars(
            select(Claim.id).where(Claim.offer_id == offer.id, Claim.status == "pending")
        )
    )
    rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest(), 16))
    winners = sorted(rng.sample(pending, min(offer.places_left, len(pending))))
    return seed, winners


def run_lotteries(now: dt.datetime) -> int:
    """Draw the offers whose fair-chance window has passed (the ``offers.lottery`` job)."""
    due = db.session.scalars(
        select(Offer).where(
            Offer.allocation == "lottery",
            Offer.status == "published",
            Offer.published_at <= now - LOTTERY_WINDOW,
        )
    ).all()
    drawn = 0
    for offer in due:
        seed, winners = draw(offer)
        if not winners:
            continue
        current_app.logger.info(
            "offers: lottery of offer %s seed=%s winners=%s", offer.id, seed, winners
        )
        offer.hits = [*offer.hits, {"code": "LOTTERY", "seed": seed, "winners": winners}]
        for claim_id in winners:
            row = db.session.get(Claim, claim_id)
            if row is not None and offer.status == "published":
                _take_place(offer, row)
        drawn += 1
    return drawn


def _notify(user_id: int | None, offer: Offer, kind: str, text: Any, actor_id: int | None) -> None:
    if user_id is None:
        return
    notify(
        [user_id],
        kind=kind,
        subject=f"offer:{offer.id}:{kind}:{user_id}",
        text=text,
        url=offer_path(offer.id),
        actor_id=actor_id,
    )


# --- gratitude and referrals ---------------------------------------------------------------


THANKS_MAX = 500


def thank(actor: User, offer: Offer, text: str) -> Thanks:
    """A beneficiary's public thanks (an accepted or received request only); checked for
    contact data and health details like a claim."""
    row = claim_of(offer.id, actor.id)
    if row is None or row.status not in ("accepted", "received"):
        raise ApiError(
            403, "forbidden", _("Only someone who received this offer can thank for it.")
        )
    text = clean_text(text or "").strip()[:THANKS_MAX]
    if not text:
        raise invalid(_("Write a few words."), {"text": [_("Required.")]})
    hits = CLAIM_RULES.check(text)
    if hits:
        raise refuse(hits)
    if db.session.scalar(
        select(Thanks.id).where(Thanks.offer_id == offer.id, Thanks.user_id == actor.id)
    ):
        raise _thanked_already()
    thanks = Thanks(
        offer_id=offer.id,
        user_id=actor.id,
        support_type=offer.support_type,
        province_id=offer.province_id,
        text=text,
    )
    if not insert_once(thanks):  # a concurrent request of the same person came first
        raise _thanked_already()
    return thanks


def _thanked_already() -> ApiError:
    return ApiError(409, "conflict", _("You already thanked for this offer."))


def _association_admin(actor: User, association_id: int) -> None:
    if membership_role(actor.id, association_id) != "admin":
        raise ApiError(403, "forbidden", _("Only an administrator of the association can do this."))


def make_referral(actor: User, association_id: int, user_id: int) -> str:
    """An association administrator's one-use "known to us" token for a person."""
    _association_admin(actor, association_id)
    if db.session.get(User, user_id) is None:
        raise not_found()
    token = secrets.token_urlsafe(12)
    db.session.add(
        Referral(
            association_id=association_id,
            user_id=user_id,
            token_hash=secret_digest(token),
            hint=token[-4:],
            created_by_id=actor.id,
        )
    )
    db.session.flush()
    return token


def revoke_referral(actor: User, association_id: int, referral_id: int) -> Referral:
    """An administrator of the association that gave a code makes it unusable. Only an unused
    code can be revoked: a used one already went with a request that its author may have
    accepted on that basis, and stays as it was (409). Revoking a revoked code changes
    nothing."""
    _association_admin(actor, association_id)
    row = db.session.get(Referral, referral_id)
    if row is None or row.association_id != association_id:
        raise not_found()
    if row.revoked_at is not None:
        return row
    done = db.session.execute(
        update(Referral)
        .where(Referral.id == row.id, Referral.used_at.is_(None), Referral.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    if done.rowcount != 1 and row.revoked_at is None:  # type: ignore[attr-defined]
        raise _used_cannot_revoke()
    return row


def _used_cannot_revoke() -> ApiError:
    return ApiError(
        409,
        "referral_used",
        _(
            "This code was already used: it cannot be revoked. The request it went with keeps"
            " the mention that your association knows the person."
        ),
    )


def use_referral(actor: User, row: Claim, token: str) -> None:
    """Attach a referral to the person's own claim; a token works once, for its person, and
    not once its association revoked it."""
    referral = db.session.scalar(
        select(Referral).where(Referral.token_hash == secret_digest(token))
    )
    if referral is None or referral.user_id != actor.id:
        raise invalid(_("This referral code is not valid."), {"referral_token": [_("Not valid.")]})
    if referral.revoked_at is None and referral.used_at is None:
        taken = db.session.execute(
            update(Referral)
            .where(
                Referral.id == referral.id,
                Referral.used_at.is_(None),
                Referral.revoked_at.is_(None),
            )
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(referral)
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            row.referral_association_id = referral.association_id
            return
    if referral.revoked_at is not None:
        raise invalid(
            _("This referral code was withdrawn by the association that gave it."),
            {"referral_token": [_("Withdrawn by the association.")]},
        )
    raise ApiError(409, "conflict", _("This referral code was already used."))
