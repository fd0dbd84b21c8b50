"""The directory on the home page: live figures, the newest associations for visitors, and
"my associations" (with the join requests waiting for their administrators) for people.

Each function runs a fixed number of queries, whatever the data (app.plugins).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.plugins import HomeItem, HomeSection, Registry
from directory import queries
from directory.models import Association
from directory.routes import ROLE_LABELS

SHOWN = 5


def _place_and_field(association: Association, locale: str) -> str:
    parts = [association.city.label(locale)] if association.city else []
    if association.fields:
        parts.append(association.fields[0].label(locale))
    return " · ".join(parts)


def _url(association_id: int) -> str:
    return url_for("directory.show_association", association_id=association_id)


def newest_associations(user: Any) -> HomeSection | None:
    """Visitors: the associations approved last (city and first field as the meta line)."""
    if user is not None:
        return None
    locale = str(get_locale() or "ar")
    newest = queries.newest_associations(SHOWN)
    return HomeSection(
        title=_("New in the directory"),
        icon="buildings",
        items=[
            HomeItem(a.name, _url(a.id), _place_and_field(a, locale), avatar=a.name) for a in newest
        ],
        empty=_("No association is listed yet: register yours."),
        more_url=url_for("directory.index"),
        more_label=_("Browse the directory"),
    )


def my_associations(user: Any) -> HomeSection | None:
    """People: their associations with their role, the join requests waiting for them as an
    administrator (badge), and their own requests still waiting."""
    if user is None:
        return None
    rows = queries.memberships_with_names(user.id)
    led = [row.id for row in rows if row.status == "approved" and row.role == "admin"]
    waiting = queries.pending_counts(led)
    items = []
    for row in rows:
        if row.status == "pending":
            items.append(
                HomeItem(row.name, _url(row.id), _("Your request is waiting"), avatar=row.name)
            )
            continue
        badge = ""
        url = _url(row.id)
        if waiting.get(row.id):
            badge = _("To answer: %(num)d", num=waiting[row.id])
            url = url_for("directory.manage_members", association_id=row.id)
        items.append(
            HomeItem(row.name, url, str(ROLE_LABELS.get(row.role, row.role)), badge, row.name)
        )
    return HomeSection(
        title=_("My associations"),
        icon="people",
        items=items,
        empty=_("You are not in an association yet: find yours in the directory and ask to join."),
        more_url=url_for("directory.index"),
        more_label=_("Browse the directory"),
    )


def profile_associations(person: Any, viewer: Any) -> HomeSection | None:
    """A profile's associations: those whose member list the viewer may read (public lists,
    or the viewer's own associations; platform admins see all)."""
    rows = queries.profile_associations(person.id)
    private = [row.id for row in rows if row.members_visibility == "members"]
    shared: set[int] = set()
    if private and viewer is not None and not viewer.is_admin:
        shared = queries.approved_among(viewer.id, private)
    admin = viewer is not None and viewer.is_admin
    shown = [r for r in rows if r.members_visibility != "members" or admin or r.id in shared]
    if not shown:
        return None
    return HomeSection(
        title=_("Associations"),
        icon="buildings",
        items=[
            HomeItem(r.name, _url(r.id), str(ROLE_LABELS.get(r.role, r.role)), avatar=r.name)
            for r in shown
        ],
    )


def register_home(reg: Registry) -> None:
    reg.home_counts.append(
        (10, lambda: str(_l("Associations")), queries.count_associations, "directory.index")
    )
    reg.home_counts.append((20, lambda: str(_l("Cities")), queries.count_cities, "directory.index"))
    reg.home_sections.append((10, my_associations))
    reg.home_sections.append((20, newest_associations))
    reg.profile_sections.append((10, profile_associations))
