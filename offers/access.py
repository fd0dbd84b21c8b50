"""Who may see and change what on the board: :func:`get_offer` and :func:`get_claim` are the
only way to load an offer or a claim for an actor (one they may not see answers 404, so its
existence does not leak); :func:`may_edit`, :func:`is_moderator` and :func:`may_vouch` are the
rules the pages show as buttons and the services check before writing."""

from __future__ import annotations

from app.accounts.models import User
from app.api import not_found
from app.db import db
from directory import membership_role, user_memberships
from offers.models import Claim, Offer, Standing
from offers.queries import active_strikes, claim_of


def is_moderator(actor: User | None) -> bool:
    return actor is not None and actor.is_admin


def may_edit(actor: User | None, offer: Offer) -> bool:
    return actor is not None and offer.live and (offer.author_id == actor.id or is_moderator(actor))


def may_vouch(actor: User | None) -> bool:
    """Association administrators and vouched people without a strike that still counts may
    vouch for someone."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    row = db.session.get(Standing, actor.id)
    if row is not None and row.vouched_by_id is not None and active_strikes(actor.id) == 0:
        return True
    return any(m.role == "admin" for m in user_memberships(actor.id))


def may_refer(actor: User | None, association_id: int) -> bool:
    """The administrators of an association give, list and revoke its "known to us" codes."""
    return actor is not None and membership_role(actor.id, association_id) == "admin"


def get_offer(offer_id: int, actor: User | None) -> Offer:
    """An offer the actor may read: published ones for all; the author's and moderators' in
    any state; nothing of a purged offer."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.purged_at is not None:
        raise not_found()
    mine = actor is not None and (offer.author_id == actor.id or is_moderator(actor))
    if mine:
        return offer
    if offer.status in ("published", "paused") and not offer.hidden:
        return offer
    if actor is not None and offer.status == "consumed" and claim_of(offer.id, actor.id):
        return offer
    raise not_found()


def get_claim(claim_id: int, actor: User) -> Claim:
    row = db.session.get(Claim, claim_id)
    if row is None:
        raise not_found()
    offer = db.session.get(Offer, row.offer_id)
    if row.claimant_id != actor.id and (offer is None or offer.author_id != actor.id):
        raise not_found()
    return row
