"""Beneficiary cards, collection with the card and its PIN, witnessed proxies.

A card carries an opaque random token (its QR code, or typed as ``XXXX-XXXX-XXXX``) and a
four-digit PIN; both are kept only as keyed digests (HMAC with the token key), so the
database alone gives neither. Five wrong PINs in a row lock the card; reissuing a card
revokes the one before it. Like :mod:`aid.services`: explicit ``actor`` (checked by
:mod:`aid.access`), flush, never commit. A wrong PIN is *returned* as the refusal rather than
raised, so that the edge commits the counted attempt before it answers."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from aid import kits, services
from aid.models import (
    PIN_ATTEMPTS,
    PROXY_RELATIONS,
    Card,
    Distribution,
    Entitlement,
    Household,
)
from app.api import ApiError, invalid
from app.db import db, for_update, utcnow
from app.privacy import keyed_token
from directory import membership_role

#: no 0/O, 1/I/L: a token read aloud or typed from a worn card stays unambiguous
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TOKEN_LENGTH = 12
PIN_LENGTH = 4


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _n in range(TOKEN_LENGTH))


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"


def format_token(token: str) -> str:
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def normalise_token(raw: str) -> str:
    return "".join(c for c in (raw or "").upper() if c.isalnum())


def token_digest(token: str) -> str:
    return keyed_token("aid_card", normalise_token(token))


def pin_digest(card_token_digest: str, pin: str) -> str:
    return keyed_token("aid_card_pin", f"{card_token_digest}:{(pin or '').strip()}")


def current_card(household_id: int) -> Card | None:
    """The household's card in use (active or locked), if any."""
    return db.session.scalar(
        select(Card)
        .where(Card.household_id == household_id, Card.status == "active")
        .order_by(Card.id.desc())
        .limit(1)
    )


def issue_card(actor: Any, household: Household) -> tuple[Card, str, str]:
    """A new card for a verified household, its token and PIN returned once (printed on the
    card, never stored in clear); the card before it, if any, stops working."""
    if household.status != "verified":
        raise ApiError(409, "not_verified", _("Only a verified household gets a card."))
    db.session.execute(for_update(select(Household.id).where(Household.id == household.id))).all()
    now = utcnow()
    db.session.execute(
        update(Card)
        .where(Card.household_id == household.id, Card.status == "active")
        .values(status="revoked", revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token, pin = new_token(), new_pin()
    digest = token_digest(token)
    card = Card(
        association_id=household.association_id,
        household_id=household.id,
        token_digest=digest,
        pin_digest=pin_digest(digest, pin),
        status="active",
        failed_attempts=0,
        issued_by_id=actor.id,
        issued_at=now,
    )
    db.session.add(card)
    db.session.flush()
    return card, token, pin


def find_card(association_id: int, token: str) -> Card:
    """The association's card with this token, locked until the commit (two scans of one
    card are taken one after the other)."""
    if len(normalise_token(token)) != TOKEN_LENGTH:
        raise invalid(_("A card number has 12 letters and digits."), "token")
    card: Card | None = db.session.scalars(
        for_update(select(Card).where(Card.token_digest == token_digest(token)))
    ).first()
    if card is None or card.association_id != association_id:
        raise ApiError(
            422,
            "unknown_card",
            _("This card is not one of this association's cards."),
            {"token": [_("Check the card number.")]},
        )
    if card.status == "revoked":
        raise ApiError(
            409,
            "card_revoked",
            _("This card was replaced by a new one: it no longer works."),
            {"token": [_("Ask for the household's new card.")]},
        )
    return card


def check_pin(card: Card, pin: str) -> ApiError | None:
    """None when the PIN matches (the count of wrong ones starts again); else the refusal,
    the wrong attempt counted and the card locked at the fifth."""
    if card.locked_at is not None:
        return ApiError(
            409,
            "card_locked",
            _("This card is locked after too many wrong PINs: the association issues a new one."),
            {"pin": [_("Card locked.")]},
        )
    if hmac.compare_digest(pin_digest(card.token_digest, pin), card.pin_digest):
        if card.failed_attempts:
            card.failed_attempts = 0
            db.session.flush()
        return None
    card.failed_attempts = (card.failed_attempts or 0) + 1
    if card.failed_attempts >= PIN_ATTEMPTS:
        card.locked_at = utcnow()
        db.session.flush()
        return ApiError(
            409,
            "card_locked",
            _("Wrong PIN: the card is now locked. The association issues a new one."),
            {"pin": [_("Card locked.")]},
        )
    db.session.flush()
    left = PIN_ATTEMPTS - card.failed_attempts
    return ApiError(
        422,
        "wrong_pin",
        ngettext(
            "Wrong PIN: %(num)d attempt left before the card is locked.",
            "Wrong PIN: %(num)d attempts left before the card is locked.",
            left,
        ),
        {"pin": [_("Check the PIN printed on the card.")]},
    )


def is_team_member(user_id: int | None, association_id: int) -> bool:
    return membership_role(user_id, association_id) is not None


def check_witness(actor: Any, association_id: int, witness_id: int | None) -> int:
    """A second member of the association's team, not the person handing over."""
    if not witness_id or not is_team_member(witness_id, association_id):
        raise invalid(_("Choose a member of the association's team as witness."), "witness_id")
    if witness_id == actor.id:
        raise invalid(_("The witness is someone other than you."), "witness_id")
    return witness_id


def check_proxy(actor: Any, association_id: int, proxy: dict[str, Any] | None) -> dict[str, Any]:
    """The proxy's name, relation and witness, checked; empty when the household collects."""
    if not proxy or not (proxy.get("name") or "").strip():
        if proxy and (proxy.get("relation") or proxy.get("witness_id")):
            raise invalid(_("Write the name of the person collecting."), "proxy_name")
        return {}
    if proxy.get("relation") not in PROXY_RELATIONS:
        raise invalid(_("Say how the person is related to the household."), "proxy_relation")
    return {
        "proxy_name": proxy["name"].strip(),
        "proxy_relation": proxy["relation"],
        "witness_id": check_witness(actor, association_id, proxy.get("witness_id")),
    }


def collect_with_card(
    actor: Any,
    distribution: Distribution,
    token: str,
    pin: str,
    proxy: dict[str, Any] | None = None,
) -> tuple[Entitlement | None, ApiError | None]:
    """Hand over to the holder of the card and its PIN (or their witnessed proxy): the
    household's place at this distribution (given now if it has none, under the frequency
    limit), the slot's count and the ledger's out lines, all or nothing. A wrong PIN is
    returned as ``(None, refusal)`` with the attempt counted."""
    card = find_card(distribution.association_id, token)
    refusal = check_pin(card, pin)
    if refusal is not None:
        return None, refusal
    who = check_proxy(actor, distribution.association_id, proxy)
    household = db.session.get(Household, card.household_id)
    if household is None or household.status != "verified":
        raise ApiError(409, "not_verified", _("Only a verified household can receive aid."))
    entitlement = db.session.scalar(
        select(Entitlement).where(
            Entitlement.distribution_id == distribution.id,
            Entitlement.household_id == household.id,
        )
    )
    if entitlement is None:
        entitlement, _code = kits.entitle(actor, distribution, household.id)
    # another distribution of the category already handed over within the limit's interval
    kits.check_frequency(distribution, household.id, ("collected",))
    row = services.hand_over(actor, entitlement, card_id=card.id, **who)
    kits.take_out(actor, distribution, row)
    return row, None
