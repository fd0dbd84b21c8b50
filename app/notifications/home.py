"""A person's unread notifications on their home page (a fixed number of queries)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from app.i18n import ago_filter
from app.notifications.services import recent
from app.plugins import HomeItem, HomeSection

SHOWN = 5


def latest_notifications(user: Any) -> HomeSection | None:
    if user is None:
        return None
    unread = [n for n in recent(user.id, limit=20) if n.read_at is None][:SHOWN]
    return HomeSection(
        title=_("Notifications"),
        icon="bell",
        items=[HomeItem(n.sentence(), n.url, ago_filter(n.created_at)) for n in unread],
        empty=_("Nothing new."),
        more_url=url_for("notifications.notifications_page"),
        more_label=_("All notifications"),
    )
