"""Forums on the home page: how many forums, the latest discussions for visitors, and the
discussions with replies a person has not read yet (watched, opened before, or new).

Each function runs a fixed number of queries, whatever the data (app.plugins).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.i18n import ago_filter, bdi_filter
from app.plugins import HomeItem, HomeSection, Registry
from directory import member_ids_select, member_list_visible
from forums import queries, serialize

SHOWN = 5


def _meta(topic: dict[str, Any]) -> Markup:
    poster = topic["last_poster"] or topic["author"]
    when = ago_filter(topic["last_post_at"])
    return Markup("{} · {}").format(bdi_filter(poster["display_name"]), when) if poster else when


def _item(topic: dict[str, Any], badge: str = "") -> HomeItem:
    url = url_for("forums.topic", topic_id=topic["id"])
    return HomeItem(topic["title"], url, _meta(topic), badge)


def latest_topics(user: Any) -> HomeSection | None:
    """Visitors: the discussions with the latest replies."""
    if user is not None:
        return None
    rows = queries.latest_topics(SHOWN)
    return HomeSection(
        title=_("Latest discussions"),
        icon="chat-square-text",
        items=[_item(serialize.topic_dict(t, a, p)) for t, a, p, _r in rows],
        empty=_("No discussion yet: start the first one."),
        more_url=url_for("forums.index"),
        more_label=_("All forums"),
    )


def unread_topics(user: Any) -> HomeSection | None:
    """People: the discussions with replies they have not read, newest first."""
    if user is None:
        return None
    unread = queries.unread_topics(user, 1, SHOWN)
    return HomeSection(
        title=_("New replies for you"),
        icon="chat-square-text",
        items=[
            _item(t, str(t["unread_count"]) if t["unread_count"] else "") for t in unread["items"]
        ],
        empty=_("You have read everything. Follow a discussion to hear of its replies."),
        more_url=url_for("forums.unread") if unread["total"] > SHOWN else url_for("forums.index"),
        more_label=_("All unread discussions") if unread["total"] > SHOWN else _("All forums"),
    )


def members_topics(association_id: int, viewer: Any) -> HomeSection | None:
    """An association's page: the latest discussions its members started that ``viewer`` may
    read (none shown when its members are private to ``viewer``: the list would reveal them)."""
    if not member_list_visible(viewer, association_id):
        return None
    rows = queries.members_topics(member_ids_select(association_id), viewer, SHOWN)
    if not rows:
        return None
    return HomeSection(
        title=_("Its members in the forums"),
        icon="chat-square-text",
        items=[
            HomeItem(
                title,
                url_for("forums.topic", topic_id=topic_id),
                Markup("{} · {}").format(bdi_filter(name), ago_filter(last_post_at)),
            )
            for topic_id, title, last_post_at, name in rows
        ],
    )


def register_home(reg: Registry) -> None:
    reg.home_counts.append((30, lambda: str(_l("Forums")), queries.count_forums, "forums.index"))
    reg.home_sections.append((30, unread_topics))
    reg.home_sections.append((30, latest_topics))
    reg.association_sections.append((50, members_topics))
