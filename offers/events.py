"""The ``/offers`` Socket.IO namespace: an open feed hears new and ended offers live.

Client -> server ``feed_watch {filters: {type?, province?, city?}}`` (acked ``{"ok": true,
"room": ...}``) joins the room of those filters, leaving the previous one; server -> client
``offer_new {offer}`` when an offer matching them is published and ``offer_closed {id}``
when an offer leaves the feed (given, withdrawn, expired, paused, hidden). Like every
namespace, it takes signed-in sockets only (a visitor's feed page reloads instead); what it
sends is what the public feed shows, after the commit that made it true.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_socketio import join_room, leave_room, rooms

from app.accounts.models import User
from app.api import invalid
from app.realtime import AuthenticatedNamespace
from app.sockets import Ack, handler, ok
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


class OffersNamespace(AuthenticatedNamespace):
    """A signed-in socket watches one combination of filters at a time."""

    @handler
    def on_feed_watch(self, _user: User, data: dict[str, Any]) -> Ack:
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
