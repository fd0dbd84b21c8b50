"""Projects on the home page: how many are public, the active ones for visitors, and what is
coming up for a person (milestones due and activities of their associations' projects).

Each block runs a fixed number of queries, whatever the data (app.plugins); the reads are in
``projects.queries``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.db import utcnow
from app.i18n import bdi_filter, date_filter, datetime_filter, local_today
from app.plugins import HomeItem, HomeSection, Registry
from projects import queries, serialize

SHOWN = 5
#: Activities of the next two weeks and milestones due in the next month (or late).
ACTIVITY_DAYS = 14
MILESTONE_DAYS = 30


def active_projects(user: Any) -> HomeSection | None:
    """Visitors: public projects under way, with their progress."""
    if user is not None:
        return None
    projects = queries.active_public_projects(SHOWN)
    items = []
    for project in projects:
        progress = serialize.project_progress(project)
        meta = Markup("{} – {}").format(
            date_filter(project.starts_on), date_filter(project.ends_on)
        )
        items.append(
            HomeItem(
                project.title,
                url_for("projects.show_project", project_id=project.id),
                meta,
                f"{progress}%",
            )
        )
    return HomeSection(
        title=_("Projects under way"),
        icon="kanban",
        items=items,
        empty=_("No public project yet."),
        more_url=url_for("projects.list_projects"),
        more_label=_("All projects"),
    )


def coming_up(user: Any) -> HomeSection | None:
    """People: milestones due soon (or late) and activities of the next days, soonest first."""
    if user is None:
        return None
    now = utcnow()
    today = local_today()
    milestones = queries.coming_milestones(user, today, MILESTONE_DAYS, SHOWN)
    activities = queries.coming_activities(user, now, ACTIVITY_DAYS, SHOWN)
    dated: list[tuple[dt.datetime, HomeItem]] = []
    for milestone, project_title in milestones:
        late = milestone.due_on < today
        url = url_for("projects.show_project", project_id=milestone.project_id)
        meta = escape(_("%(project)s · due %(date)s")) % {
            "project": bdi_filter(project_title),
            "date": date_filter(milestone.due_on),
        }
        due = dt.datetime.combine(milestone.due_on, dt.time(), dt.UTC)
        dated.append(
            (
                due,
                HomeItem(
                    milestone.title,
                    f"{url}#milestone-{milestone.id}",
                    meta,
                    _("late") if late else "",
                ),
            )
        )
    for activity, project_title in activities:
        url = url_for("projects.show_project", project_id=activity.project_id)
        meta = Markup("{} · {}").format(
            bdi_filter(project_title), datetime_filter(activity.starts_at)
        )
        dated.append(
            (activity.starts_at, HomeItem(activity.title, f"{url}#activity-{activity.id}", meta))
        )
    dated.sort(key=lambda pair: pair[0])
    return HomeSection(
        title=_("Coming up"),
        icon="calendar-event",
        items=[item for _when, item in dated[:SHOWN]],
        empty=_("Nothing due in your associations' projects in the coming weeks."),
        more_url=url_for("projects.list_projects"),
        more_label=_("All projects"),
    )


def association_projects(association_id: int, viewer: Any) -> HomeSection | None:
    """An association's page: the projects it shares that ``viewer`` may see, with progress.
    Columns, not entities: this block is on every association page (bench/load.py)."""
    projects = queries.association_projects(association_id, viewer, SHOWN)
    if not projects:
        return None
    progress = queries.progress_of([p.id for p in projects])
    items = [
        HomeItem(
            title,
            url_for("projects.show_project", project_id=project_id),
            Markup("{} – {}").format(date_filter(starts_on), date_filter(ends_on)),
            f"{progress[project_id]}%",
        )
        for project_id, title, starts_on, ends_on in projects
    ]
    return HomeSection(title=_("Its projects"), icon="kanban", items=items)


def register_home(reg: Registry) -> None:
    reg.home_counts.append(
        (40, lambda: str(_l("Projects")), queries.count_public_projects, "projects.list_projects")
    )
    reg.home_sections.append((40, coming_up))
    reg.home_sections.append((40, active_projects))
    reg.association_sections.append((40, association_projects))
