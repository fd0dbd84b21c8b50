"""Projects, milestones, activities, changes and comments as the dictionaries the API answers
and the ``/projects`` namespace pushes (one shape for both), with the figures they carry: a
milestone's flags and dependency warnings, a project's progress roll-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from app.i18n import local_today
from projects import logic
from projects.models import Activity, Milestone, Project, ProjectChange, ProjectComment


def milestone_flags(milestone: Milestone, on: dt.date | None = None) -> dict[str, bool]:
    day = on or local_today()
    return {
        "overdue": logic.is_overdue(milestone.status, milestone.due_on, day),
        "due_soon": logic.is_due_soon(milestone.status, milestone.due_on, day),
    }


def dependency_warnings(project: Project) -> dict[int, list[int]]:
    spans = {m.id: logic.Span(m.id, m.starts_on, m.due_on, m.status) for m in project.milestones}
    edges = {m.id: m.depends_on for m in project.milestones}
    return logic.broken_dependencies(spans, edges)


def serialize_milestone(
    milestone: Milestone, broken: dict[int, list[int]] | None = None
) -> dict[str, Any]:
    if broken is None:
        broken = dependency_warnings(milestone.project)
    warnings = [
        {
            "code": "dependency_broken",
            "predecessor_id": pred,
            "message": _("Starts before a milestone it depends on is due."),
        }
        for pred in broken.get(milestone.id, [])
    ]
    return {
        "id": milestone.id,
        "project_id": milestone.project_id,
        "title": milestone.title,
        "description": milestone.description,
        "starts_on": milestone.starts_on.isoformat() if milestone.starts_on else None,
        "due_on": milestone.due_on.isoformat(),
        "status": milestone.status,
        "progress": milestone.progress,
        "effective_progress": logic.effective_progress(milestone.status, milestone.progress),
        "weight": milestone.weight,
        "version": milestone.version,
        "depends_on": milestone.depends_on,
        **milestone_flags(milestone),
        "warnings": warnings,
        "completed_at": milestone.completed_at.isoformat() if milestone.completed_at else None,
        "updated_at": milestone.updated_at.isoformat() if milestone.updated_at else None,
    }


def serialize_activity(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "project_id": activity.project_id,
        "milestone_id": activity.milestone_id,
        "title": activity.title,
        "description": activity.description,
        "location": activity.location,
        # in UTC, as stored: a time just typed in another zone reads as it will once saved
        "starts_at": activity.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": activity.ends_at.astimezone(dt.UTC).isoformat(),
    }


def project_progress(project: Project) -> int:
    return logic.rollup_progress(
        logic.Weighted(m.status, m.progress, m.weight) for m in project.milestones
    )


def associations_of(
    project: Project, known: Mapping[int, Any], ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Id, name and slug of the project's owners (or of ``ids``), from ``known``
    (``queries.project_associations``)."""
    out = []
    for aid in project.association_ids if ids is None else ids:
        assoc = known.get(aid)
        out.append(
            {"id": aid, "name": assoc.name if assoc else "", "slug": assoc.slug if assoc else ""}
        )
    return out


def serialize_projects(projects: list[Project], known: Mapping[int, Any]) -> list[dict[str, Any]]:
    """A page of projects (milestones preloaded by the caller's query; their owners and
    invited associations ``known``: ``queries.project_associations``)."""
    return [serialize_project(p, known=known) for p in projects]


def serialize_project(
    project: Project, *, known: Mapping[int, Any], full: bool = False
) -> dict[str, Any]:
    """A project; ``known`` holds its owners and invited associations
    (``queries.project_associations``)."""
    data: dict[str, Any] = {
        "id": project.id,
        "title": project.title,
        "description": project.description,
        "association_ids": project.association_ids,
        "associations": associations_of(project, known),
        "invited_association_ids": project.invited_association_ids,
        "invitations": associations_of(project, known, project.invited_association_ids),
        "version": project.version,
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "visibility": project.visibility,
        "status": project.status,
        "progress": project_progress(project),
        "created_by_id": project.created_by_id,
        "created_at": project.created_at.isoformat(),
        "updated_at": project.updated_at.isoformat() if project.updated_at else None,
    }
    if full:
        broken = dependency_warnings(project)
        data["milestones"] = [serialize_milestone(m, broken) for m in project.milestones]
        data["activities"] = [serialize_activity(a) for a in project.activities]
        data["overdue_count"] = sum(1 for m in data["milestones"] if m["overdue"])
    return data


def serialize_change(change: ProjectChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "actor_id": change.actor_id,
        "actor_name": change.actor.public_name if change.actor else None,
        "created_at": change.created_at.isoformat(),
        "entity": change.entity,
        "entity_id": change.entity_id,
        "field": change.field,
        "from": change.old_value,
        "to": change.new_value,
    }


def serialize_comment(comment: ProjectComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "project_id": comment.project_id,
        "author_id": comment.author_id,
        "author_name": comment.author.public_name if comment.author else None,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
    }
