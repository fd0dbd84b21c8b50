"""The library on a person's home page: the legal deadlines of the associations they run,
overdue ones first (a fixed number of queries, whatever the data: app.plugins)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.db import utcnow
from app.i18n import bdi_filter, date_filter, local_day
from app.plugins import HomeItem, HomeSection, Registry
from directory import user_memberships
from library import queries
from library.labels import obligation_label

SHOWN = 5
#: Deadlines shown this many days ahead (overdue ones always).
AHEAD_DAYS = 30


def legal_deadlines(user: Any) -> HomeSection | None:
    if user is None:
        return None
    run = {
        m.association_id: m.association_name for m in user_memberships(user.id) if m.role == "admin"
    }
    if not run:
        return None  # members who run nothing have no deadlines to keep
    today = local_day(utcnow())
    due = queries.open_obligations_due(list(run), today + dt.timedelta(days=AHEAD_DAYS), SHOWN)
    items = []
    for ob in due:
        meta: Markup = escape(_("%(association)s · due %(date)s")) % {
            "association": bdi_filter(run[ob.association_id]),
            "date": date_filter(ob.due_at),
        }
        url = url_for("library.calendar", association_id=ob.association_id)
        items.append(
            HomeItem(
                obligation_label(ob), url, meta, _("late") if ob.state(today) == "overdue" else ""
            )
        )
    first = next(iter(run))
    return HomeSection(
        title=_("Legal deadlines"),
        icon="calendar-check",
        items=items,
        empty=_("No deadline in the coming month for the associations you run."),
        more_url=url_for("library.calendar", association_id=first) if len(run) == 1 else "",
        more_label=_("Open the legal calendar"),
    )


def register_home(reg: Registry) -> None:
    reg.home_sections.append((12, legal_deadlines))
