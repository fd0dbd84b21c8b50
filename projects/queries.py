"""Reads of projects for pages and the API, each a fixed number of SQL queries (lists preload
what their rows show). Who may see what is decided in ``projects.access``; the history's
reads are in ``projects.history``, the calendar feeds' in ``projects.feeds``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.db import db
from directory import Association, get_associations, user_memberships
from projects import access, logic
from projects.models import Activity, Milestone, Project, ProjectAssociation, ProjectComment


def project_list(actor: User | None, association_id: int | None = None) -> Select[Any]:
    """The API's list: projects ``actor`` may view (of ``association_id`` when given), newest
    first, their milestones preloaded for the progress roll-up."""
    query = access.visible_projects(actor)
    if association_id:
        query = query.where(
            Project.id.in_(
                select(ProjectAssociation.project_id).where(
                    ProjectAssociation.association_id == association_id
                )
            )
        )
    return query.options(selectinload(Project.milestones))


def comments(project: Project, limit: int = 100) -> list[ProjectComment]:
    """The project's first ``limit`` comments, oldest first, with their authors (two queries)."""
    return list(
        db.session.scalars(
            select(ProjectComment)
            .options(selectinload(ProjectComment.author))
            .where(ProjectComment.project_id == project.id)
            .order_by(ProjectComment.id)
            .limit(limit)
        )
    )


def approved_associations() -> list[Association]:
    """Every approved association by name (what a platform admin may make own a project)."""
    return list(
        db.session.scalars(
            select(Association).where(Association.status == "approved").order_by(Association.name)
        )
    )


def editable_associations(user: User) -> list[Association]:
    """The associations ``user`` may make own a project, by name: every approved one for a
    platform admin, else the approved ones where they are admin or coordinator (a pending or
    suspended association owns nothing). Two queries, whatever the number of memberships."""
    if user.is_admin:
        return approved_associations()
    ids = [m.association_id for m in user_memberships(user.id) if m.role in access.EDITOR_ROLES]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Association)
            .where(Association.id.in_(ids), Association.status == "approved")
            .order_by(Association.name, Association.id)
        )
    )


def stored_project(actor: User | None, project_id: int) -> Project:
    """The project as stored now (nothing kept from what this request loaded before), for
    ``actor``: the page shown again after a refused edit."""
    db.session.expire_all()
    return access.access_project(actor, project_id)


# ---------------------------------------------------------------- home page blocks


def count_public_projects() -> int:
    return int(
        db.session.scalar(select(func.count(Project.id)).where(Project.visibility == "public")) or 0
    )


def active_public_projects(limit: int) -> list[Project]:
    """Public projects under way, newest first, their milestones preloaded (one query each)."""
    return list(
        db.session.scalars(
            access.visible_projects(None).where(Project.status == "active").limit(limit)
        ).all()
    )


def coming_milestones(
    user: User, today: dt.date, days: int, limit: int
) -> list[Row[Milestone, str]]:
    """``(milestone, project title)`` of ``user``'s associations' projects, open and due by
    ``today + days`` (or late), soonest first."""
    mine = access.member_projects(user).with_only_columns(Project.id).order_by(None)
    return list(
        db.session.execute(
            select(Milestone, Project.title)
            .join(Project, Project.id == Milestone.project_id)
            .where(
                Milestone.project_id.in_(mine),
                Milestone.status.in_(("planned", "in_progress")),
                Milestone.due_on <= today + dt.timedelta(days=days),
            )
            .order_by(Milestone.due_on, Milestone.id)
            .limit(limit)
        ).all()
    )


def coming_activities(
    user: User, now: dt.datetime, days: int, limit: int
) -> list[Row[Activity, str]]:
    """``(activity, project title)`` of ``user``'s associations' projects, not over and
    starting within ``days``, soonest first."""
    mine = access.member_projects(user).with_only_columns(Project.id).order_by(None)
    return list(
        db.session.execute(
            select(Activity, Project.title)
            .join(Project, Project.id == Activity.project_id)
            .where(
                Activity.project_id.in_(mine),
                Activity.ends_at >= now,
                Activity.starts_at <= now + dt.timedelta(days=days),
            )
            .order_by(Activity.starts_at, Activity.id)
            .limit(limit)
        ).all()
    )


def association_projects(
    association_id: int, viewer: User | None, limit: int
) -> list[Row[int, str, dt.date, dt.date]]:
    """``(id, title, starts_on, ends_on)`` of the projects ``association_id`` shares that
    ``viewer`` may see, newest first: columns, not entities (on every association page)."""
    query = (
        select(Project.id, Project.title, Project.starts_on, Project.ends_on)
        .join(ProjectAssociation, ProjectAssociation.project_id == Project.id)
        .where(ProjectAssociation.association_id == association_id)
        .order_by(Project.starts_on.desc(), Project.id.desc())
        .limit(limit)
    )
    visible = access.visible_clause(viewer)
    return list(db.session.execute(query if visible is None else query.where(visible)).all())


def progress_of(project_ids: list[int]) -> dict[int, int]:
    """The progress roll-up of each of ``project_ids`` (one query of milestone columns)."""
    weights: dict[int, list[logic.Weighted]] = {pid: [] for pid in project_ids}
    for project_id, status, progress, weight in db.session.execute(
        select(Milestone.project_id, Milestone.status, Milestone.progress, Milestone.weight).where(
            Milestone.project_id.in_(project_ids)
        )
    ):
        weights.setdefault(project_id, []).append(logic.Weighted(status, progress, weight))
    return {pid: logic.rollup_progress(items) for pid, items in weights.items()}


def project_associations(projects: Iterable[Project]) -> dict[int, Association]:
    """The owners and invited associations of ``projects``, by id, in one query (what
    ``serialize.serialize_project`` names them by)."""
    return get_associations(
        aid for p in projects for aid in (*p.association_ids, *p.invited_association_ids)
    )
