"""Reads of projects for pages and the API, each a fixed number of SQL queries (lists preload
what their rows show). Who may see what is decided in ``projects.access``; the history's
reads are in ``projects.history``, the calendar feeds' in ``projects.feeds``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.db import db, utcnow
from app.i18n import local_day
from directory import Association
from projects import access
from projects.models import Project, ProjectAssociation, ProjectComment


def today() -> dt.date:
    """Today in the reader's zone (the platform's outside a request)."""
    return local_day(utcnow())


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


def stored_project(actor: User | None, project_id: int) -> Project:
    """The project as stored now (nothing kept from what this request loaded before), for
    ``actor``: the page shown again after a refused edit."""
    db.session.expire_all()
    return access.access_project(actor, project_id)
