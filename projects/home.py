"""Projects on the home page: how many are public, the active ones for visitors, and what is
coming up for a person (milestones due and activities of their associations' projects).

Each function runs a fixed number of queries, whatever the data (app.plugins).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select

from app.db import db, utcnow
from app.i18n import bdi_filter, date_filter, datetime_filter
from app.plugins import HomeItem, HomeSection, Registry
from projects import access, logic, queries, serialize
from projects.models import Activity, Milestone, Project, ProjectAssociation

SHOWN = 5
#: Activities of the next two weeks and milestones due in the next month (or late).
ACTIVITY_DAYS = 14
MILESTONE_DAYS = 30


def count_public_projects() -> int:
    return int(
        db.session.scalar(select(func.count(Project.id)).where(Project.visibility == "public")) or 0
    )


def active_projects(user: Any) -> HomeSection | None:
    """Visitors: public projects under way, with their progress."""
    if user is not None:
        return None
    projects = db.session.scalars(
        access.visible_projects(None).where(Project.status == "active").limit(SHOWN)
    ).all()
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
    mine = access.member_projects(user).with_only_columns(Project.id).order_by(None)
    now = utcnow()
    today = queries.today()
    milestones = db.session.execute(
        select(Milestone, Project.title)
        .join(Project, Project.id == Milestone.project_id)
        .where(
            Milestone.project_id.in_(mine),
            Milestone.status.in_(("planned", "in_progress")),
            Milestone.due_on <= today + dt.timedelta(days=MILESTONE_DAYS),
        )
        .order_by(Milestone.due_on, Milestone.id)
        .limit(SHOWN)
    ).all()
    activities = db.session.execute(
        select(Activity, Project.title)
        .join(Project, Project.id == Activity.project_id)
        .where(
            Activity.project_id.in_(mine),
            Activity.ends_at >= now,
            Activity.starts_at <= now + dt.timedelta(days=ACTIVITY_DAYS),
        )
        .order_by(Activity.starts_at, Activity.id)
        .limit(SHOWN)
    ).all()
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
    visible = access.visible_projects(viewer).with_only_columns(Project.id).order_by(None)
    projects = db.session.execute(
        select(Project.id, Project.title, Project.starts_on, Project.ends_on)
        .join(ProjectAssociation, ProjectAssociation.project_id == Project.id)
        .where(ProjectAssociation.association_id == association_id, Project.id.in_(visible))
        .order_by(Project.starts_on.desc(), Project.id.desc())
        .limit(SHOWN)
    ).all()
    if not projects:
        return None
    weights: dict[int, list[logic.Weighted]] = {}
    for project_id, status, progress, weight in db.session.execute(
        select(Milestone.project_id, Milestone.status, Milestone.progress, Milestone.weight).where(
            Milestone.project_id.in_([p.id for p in projects])
        )
    ):
        weights.setdefault(project_id, []).append(logic.Weighted(status, progress, weight))
    items = [
        HomeItem(
            title,
            url_for("projects.show_project", project_id=project_id),
            Markup("{} – {}").format(date_filter(starts_on), date_filter(ends_on)),
            f"{logic.rollup_progress(weights.get(project_id, []))}%",
        )
        for project_id, title, starts_on, ends_on in projects
    ]
    return HomeSection(title=_("Its projects"), icon="kanban", items=items)


def register_home(reg: Registry) -> None:
    reg.home_counts.append(
        (40, lambda: str(_l("Projects")), count_public_projects, "projects.list_projects")
    )
    reg.home_sections.append((40, coming_up))
    reg.home_sections.append((40, active_projects))
    reg.association_sections.append((40, association_projects))
