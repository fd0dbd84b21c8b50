"""The ``/offers`` Socket.IO namespace: an open feed hears new and ended offers live.

Client -> server ``feed_watch {filters: {type?, province?, city?}}`` (acked ``{"ok": true,
"room": ...}``) joins the room of those filters, leaving the previous one; server -> client
``offer_new {offer}`` when an offer matching them is published and ``offer_closed {id}``
when an offer leaves the feed (given, withdrawn, expired, paused, hidden).

The board's wall is public, so the namespace is a :class:`~app.realtime.PublicNamespace`:
a visitor's socket (no credential) connects too and may only ``feed_watch`` (read-only: it
joins feed rooms, nothing it sends writes), counted against the ``feed_watch`` rate limit per
address and under the per-address socket cap; signed-in sockets are served as on any
namespace. What it sends is what the public feed shows, to visitors and signed-in readers
alike (``offer_new`` carries the offer as a feed item for nobody in particular), after the
commit that made it true.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_socketio import join_room, leave_room, rooms

from app.accounts.models import User
from app.api import invalid
from app.realtime import PublicNamespace
from app.sockets import Ack, ok, public
from offers.live import CLOSED, room
from offers.models import SUPPORT_TYPES


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


class OffersNamespace(PublicNamespace):
    """A socket, a visitor's too, watches one combination of filters at a time."""

    @public("feed_watch")
    def on_feed_watch(self, _user: User | None, data: dict[str, Any]) -> Ack:
        filters = data.get("filters")
        filters = filters if isinstance(filters, dict) else {}
        support_type = filters.get("type")
        if support_type not in (None, "", *SUPPORT_TYPES, "blood"):
            raise invalid(_("Unknown type."), {"type": ["invalid"]})
        target = room(
            support_type or None, _int(filters.get("province")), _int(filters.get("city"))
        )
        for previous in rooms():
            if previous.startswith("offers:") and previous != target:
                leave_room(previous)
        join_room(target)
        join_room(CLOSED)
        return ok(room=target)
