"""What the open feeds hear, queued by the services and sent after the commit: ``offer_new``
to the rooms of the filters an offer matches, ``offer_closed`` to every watching socket. The
rooms are joined in :mod:`offers.events` (the ``/offers`` namespace), by visitors' sockets
too: nothing sent here may say more than the public feed."""

from __future__ import annotations

from itertools import product
from typing import Any

from app.realtime import emit_after_commit
from offers.serialize import serialize_offer

NAMESPACE = "/offers"
#: Every watching socket: where ``offer_closed`` goes (any offer may be on any open feed).
CLOSED = "offers-closed"


def room(support_type: Any = None, province: Any = None, city: Any = None) -> str:
    """The room of one combination of filters (``*`` where a filter is not set)."""
    return f"offers:{support_type or '*'}:{province or '*'}:{city or '*'}"


def rooms_of(offer: Any) -> list[str]:
    """Every room whose filters the offer matches."""
    return [
        room(t, p, c)
        for t, p, c in product(
            (offer.support_type, None), (offer.province_id, None), (offer.city_id, None)
        )
    ]


def published(offer: Any) -> None:
    """A published offer (flushed: it has its id) reaches the feeds it matches, as an item of
    the public feed (``GET /api/v1/offers`` for a visitor): visitors' sockets hear it too."""

    emit_after_commit(
        "offer_new",
        {"offer": serialize_offer(offer, None, full=False)},
        to=rooms_of(offer),
        namespace=NAMESPACE,
    )


def closed(offer_id: int) -> None:
    """The offer leaves every open feed."""
    emit_after_commit("offer_closed", {"id": offer_id}, to=CLOSED, namespace=NAMESPACE)
