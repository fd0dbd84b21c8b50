"""Everything that changes projects. Each function takes an explicit ``actor`` (already
checked by ``projects.access``), validates, records history, and queues live events that
are sent after the caller's commit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.api import ApiError
from app.db import db, utcnow
from app.notifications import notify
from app.realtime import emit_after_commit, recheck_rooms_after_commit
from app.security import new_secret, secret_digest
from app.text import clean_name, clean_text
from directory import association_member_ids, get_association, membership_role
from projects import logic
from projects.access import EDITOR_ROLES
from projects.models import (
    Activity,
    CalendarFeed,
    Milestone,
    MilestoneDependency,
    Project,
    ProjectAssociation,
    ProjectChange,
    ProjectComment,
)

NAMESPACE = "/projects"
MAX_ASSOCIATIONS = 20


def project_room(project_id: int) -> str:
    return f"project:{project_id}"


def today() -> dt.date:
    return utcnow().date()


def invalid(
    message: str, fields: dict[str, list[str]], code: str = "validation_failed"
) -> ApiError:
    return ApiError(422, code, message, fields)


# ---------------------------------------------------------------- history


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def record(
    project: Project,
    actor: User | None,
    entity: str,
    entity_id: int,
    field: str,
    old: Any = None,
    new: Any = None,
) -> None:
    db.session.add(
        ProjectChange(
            project_id=project.id,
            actor_id=actor.id if actor else None,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old_value=_text(old),
            new_value=_text(new),
        )
    )


def _apply(
    obj: Any, changes: dict[str, Any], project: Project, actor: User | None, entity: str
) -> list[str]:
    """Set attributes, recording each real change; returns the changed field names."""
    changed = []
    for name, value in changes.items():
        if name in ("description", "location") and isinstance(value, str):
            value = clean_text(value)
        old = getattr(obj, name)
        if old == value:
            continue
        setattr(obj, name, value)
        record(project, actor, entity, obj.id, name, old, value)
        changed.append(name)
    return changed


def history(
    project: Project, limit: int = 200, before_id: int | None = None
) -> list[ProjectChange]:
    query = select(ProjectChange).where(ProjectChange.project_id == project.id)
    if before_id is not None:
        query = query.where(ProjectChange.id < before_id)
    return list(db.session.scalars(query.order_by(ProjectChange.id.desc()).limit(limit)))


# ---------------------------------------------------------------- serialization


def milestone_flags(milestone: Milestone, on: dt.date | None = None) -> dict[str, bool]:
    day = on or today()
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
        "starts_at": activity.starts_at.isoformat(),
        "ends_at": activity.ends_at.isoformat(),
    }


def project_progress(project: Project) -> int:
    return logic.rollup_progress(
        logic.Weighted(m.status, m.progress, m.weight) for m in project.milestones
    )


def associations_of(project: Project) -> list[dict[str, Any]]:
    out = []
    for aid in project.association_ids:
        assoc = get_association(aid)
        out.append(
            {"id": aid, "name": assoc.name if assoc else "", "slug": assoc.slug if assoc else ""}
        )
    return out


def serialize_project(project: Project, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": project.id,
        "title": project.title,
        "description": project.description,
        "association_ids": project.association_ids,
        "associations": associations_of(project),
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
        "actor_name": change.actor.display_name if change.actor else None,
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
        "author_name": comment.author.display_name if comment.author else None,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
    }


# ---------------------------------------------------------------- live events


def _emit_project(project: Project) -> None:
    emit_after_commit(
        "project_updated",
        {"project": serialize_project(project)},
        to=project_room(project.id),
        namespace=NAMESPACE,
    )


def _emit_milestone(milestone: Milestone, deleted: bool = False) -> None:
    project = milestone.project
    payload = serialize_milestone(milestone)
    payload["deleted"] = deleted
    emit_after_commit(
        "milestone_updated",
        {"milestone": payload, "progress": project_progress(project)},
        to=project_room(project.id),
        namespace=NAMESPACE,
    )
    _emit_project(project)


def _emit_activity(activity: Activity, deleted: bool = False) -> None:
    payload = serialize_activity(activity)
    payload["deleted"] = deleted
    emit_after_commit(
        "activity_updated",
        {"activity": payload},
        to=project_room(activity.project_id),
        namespace=NAMESPACE,
    )


# ---------------------------------------------------------------- projects


def _check_associations(actor: User, association_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(association_ids))
    if not ids:
        raise invalid(_("Choose at least one association."), {"association_ids": [_("Required.")]})
    if len(ids) > MAX_ASSOCIATIONS:
        raise invalid(_("Too many associations."), {"association_ids": [_("At most 20.")]})
    for aid in ids:
        assoc = get_association(aid)
        if assoc is None or assoc.status != "approved":
            raise invalid(
                _("Unknown association."),
                {"association_ids": [_("No approved association with id %(id)s.", id=aid)]},
            )
    if not actor.is_admin and not any(
        membership_role(actor.id, aid) in EDITOR_ROLES for aid in ids
    ):
        raise ApiError(
            403,
            "forbidden",
            _("Only admins and coordinators of one of these associations may create a project."),
        )
    return ids


def _title(value: str) -> str:
    title = clean_name(value)
    if not title:
        raise invalid(_("The title is empty."), {"title": [_("Required.")]})
    return title


def _check_project_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise invalid(
            _("The project cannot end before it starts."),
            {"ends_on": [_("Must be on or after the start date.")]},
            code="due_before_start",
        )


def create_project(actor: User, data: dict[str, Any]) -> Project:
    ids = _check_associations(actor, data["association_ids"])
    _check_project_dates(data["starts_on"], data["ends_on"])
    project = Project(
        title=_title(data["title"]),
        description=clean_text(data.get("description", "")),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        visibility=data.get("visibility", "members"),
        status=data.get("status", "active"),
        created_by_id=actor.id,
    )
    project.owners = [
        ProjectAssociation(association_id=aid, position=i) for i, aid in enumerate(ids)
    ]
    db.session.add(project)
    db.session.flush()
    record(project, actor, "project", project.id, "created", None, project.title)
    return project


def update_project(actor: User, project: Project, changes: dict[str, Any]) -> Project:
    changes = dict(changes)
    new_ids = changes.pop("association_ids", None)
    starts = changes.get("starts_on", project.starts_on)
    ends = changes.get("ends_on", project.ends_on)
    _check_project_dates(starts, ends)
    if "title" in changes:
        changes["title"] = _title(changes["title"])
    _apply(project, changes, project, actor, "project")
    if new_ids is not None:
        ids = list(dict.fromkeys(new_ids))
        if ids != project.association_ids:
            _check_associations(actor, ids)
            if not actor.is_admin and not any(
                membership_role(actor.id, aid) in EDITOR_ROLES for aid in ids
            ):  # pragma: no cover - _check_associations raised already
                raise ApiError(403, "forbidden")
            old = project.association_ids
            project.owners.clear()
            db.session.flush()
            project.owners.extend(
                ProjectAssociation(association_id=aid, position=i) for i, aid in enumerate(ids)
            )
            record(project, actor, "project", project.id, "association_ids", old, ids)
    db.session.flush()
    # first: watchers who may no longer see the project (made private, owners changed) leave
    recheck_rooms_after_commit(project_room(project.id), NAMESPACE)
    _emit_project(project)
    return project


def add_comment(actor: User, project: Project, body: str) -> ProjectComment:
    body = clean_text(body)
    if not body:
        raise invalid(_("Write something."), {"body": [_("Required.")]})
    comment = ProjectComment(project_id=project.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    record(project, actor, "comment", comment.id, "created", None, body[:200])
    return comment


def comments(project: Project, limit: int = 100) -> list[ProjectComment]:
    return list(
        db.session.scalars(
            select(ProjectComment)
            .where(ProjectComment.project_id == project.id)
            .order_by(ProjectComment.id)
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- milestones


def _member_ids(project: Project) -> set[int]:
    ids: set[int] = set()
    for aid in project.association_ids:
        ids.update(association_member_ids(aid))
    return ids


def _set_dependencies(
    actor: User, project: Project, milestone: Milestone, depends_on: Iterable[int]
) -> None:
    wanted = list(dict.fromkeys(depends_on))
    by_id = {m.id: m for m in project.milestones}
    for pred_id in wanted:
        if pred_id == milestone.id:
            raise invalid(
                _("A milestone cannot depend on itself."),
                {"depends_on": [_("A milestone cannot depend on itself.")]},
                code="dependency_loop",
            )
        if pred_id not in by_id:
            raise invalid(
                _("Dependencies must be milestones of the same project."),
                {"depends_on": [_("Milestone %(id)s is not part of this project.", id=pred_id)]},
                code="wrong_project",
            )
    edges = {m.id: m.depends_on for m in project.milestones if m.id != milestone.id}
    if logic.would_create_cycle(edges, milestone.id, wanted):
        raise invalid(
            _("These dependencies would make a loop."),
            {"depends_on": [_("These dependencies would make a loop.")]},
            code="dependency_loop",
        )
    old = milestone.depends_on
    if sorted(wanted) == old:
        return
    milestone.predecessors = [MilestoneDependency(predecessor_id=pid) for pid in wanted]
    record(project, actor, "milestone", milestone.id, "depends_on", old, sorted(wanted))


def _check_milestone_dates(starts_on: dt.date | None, due_on: dt.date) -> None:
    if logic.check_dates(starts_on, due_on):
        raise invalid(
            _("A milestone cannot be due before it starts."),
            {"due_on": [_("Must be on or after the start date.")]},
            code="due_before_start",
        )


def _after_status(actor: User | None, milestone: Milestone, old_status: str) -> None:
    project = milestone.project
    if milestone.status == "done" and old_status != "done":
        milestone.completed_at = utcnow()
        milestone.progress = 100
        notify(
            _member_ids(project),
            kind="projects.milestone_done",
            subject=f"milestone:{milestone.id}",
            text=_(
                "Milestone completed: %(title)s (%(project)s)",
                title=milestone.title,
                project=project.title,
            ),
            url=f"/projects/{project.id}#milestone-{milestone.id}",
            actor_id=actor.id if actor else None,
            data={"project_id": project.id, "milestone_id": milestone.id},
        )
    elif milestone.status != "done" and old_status == "done":
        milestone.completed_at = None


def add_milestone(actor: User, project: Project, data: dict[str, Any]) -> Milestone:
    _check_milestone_dates(data.get("starts_on"), data["due_on"])
    milestone = Milestone(
        project=project,
        title=_title(data["title"]),
        description=clean_text(data.get("description", "")),
        starts_on=data.get("starts_on"),
        due_on=data["due_on"],
        status=data.get("status", "planned"),
        progress=data.get("progress", 0),
        weight=data.get("weight", 1),
    )
    db.session.add(milestone)
    db.session.flush()
    record(project, actor, "milestone", milestone.id, "created", None, milestone.title)
    if data.get("depends_on"):
        _set_dependencies(actor, project, milestone, data["depends_on"])
    _after_status(actor, milestone, "planned")
    db.session.flush()
    _emit_milestone(milestone)
    return milestone


def update_milestone(actor: User, milestone: Milestone, changes: dict[str, Any]) -> Milestone:
    project = milestone.project
    changes = dict(changes)
    depends_on = changes.pop("depends_on", None)
    starts = changes.get("starts_on", milestone.starts_on)
    due = changes.get("due_on", milestone.due_on)
    _check_milestone_dates(starts, due)
    if "title" in changes:
        changes["title"] = _title(changes["title"])
    if changes.get("status") == "done":
        changes["progress"] = 100
    old_status = milestone.status
    old_due = milestone.due_on
    _apply(milestone, changes, project, actor, "milestone")
    if depends_on is not None:
        _set_dependencies(actor, project, milestone, depends_on)
    if milestone.due_on != old_due:
        milestone.overdue_notified_at = None
    _after_status(actor, milestone, old_status)
    db.session.flush()
    _emit_milestone(milestone)
    return milestone


def delete_milestone(actor: User, milestone: Milestone) -> None:
    project = milestone.project
    record(project, actor, "milestone", milestone.id, "deleted", milestone.title, None)
    _emit_milestone(milestone, deleted=True)
    project.milestones.remove(milestone)
    db.session.delete(milestone)
    db.session.flush()
    _emit_project(project)


# ---------------------------------------------------------------- activities


def _check_activity(
    project: Project, starts_at: dt.datetime, ends_at: dt.datetime, milestone_id: int | None
) -> None:
    if ends_at < starts_at:
        raise invalid(
            _("An activity cannot end before it starts."),
            {"ends_at": [_("Must be after the start.")]},
            code="due_before_start",
        )
    if milestone_id is not None:
        milestone = db.session.get(Milestone, milestone_id)
        if milestone is None or milestone.project_id != project.id:
            raise invalid(
                _("The milestone must belong to this project."),
                {
                    "milestone_id": [
                        _("Milestone %(id)s is not part of this project.", id=milestone_id)
                    ]
                },
                code="wrong_project",
            )


def add_activity(actor: User, project: Project, data: dict[str, Any]) -> Activity:
    _check_activity(project, data["starts_at"], data["ends_at"], data.get("milestone_id"))
    activity = Activity(
        project=project,
        title=_title(data["title"]),
        description=clean_text(data.get("description", "")),
        location=data.get("location", ""),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        milestone_id=data.get("milestone_id"),
    )
    db.session.add(activity)
    db.session.flush()
    record(project, actor, "activity", activity.id, "created", None, activity.title)
    _emit_activity(activity)
    return activity


def update_activity(actor: User, activity: Activity, changes: dict[str, Any]) -> Activity:
    project = activity.project
    starts = changes.get("starts_at", activity.starts_at)
    ends = changes.get("ends_at", activity.ends_at)
    milestone_id = changes.get("milestone_id", activity.milestone_id)
    _check_activity(project, starts, ends, milestone_id if "milestone_id" in changes else None)
    if "title" in changes:
        changes = {**changes, "title": _title(changes["title"])}
    _apply(activity, changes, project, actor, "activity")
    db.session.flush()
    _emit_activity(activity)
    return activity


def delete_activity(actor: User, activity: Activity) -> None:
    project = activity.project
    record(project, actor, "activity", activity.id, "deleted", activity.title, None)
    _emit_activity(activity, deleted=True)
    project.activities.remove(activity)
    db.session.delete(activity)
    db.session.flush()


# ---------------------------------------------------------------- overdue notifications


def notify_due(on: dt.date | None = None) -> list[Milestone]:
    """Notify members of milestones that became overdue; each milestone once per due date.

    Meant for cron (``jam3ia notify-due``); the caller commits. Events are queued with
    ``emit_after_commit``, whose flush uses the context-free ``socketio.emit(..., to=room)``.
    """
    day = on or today()
    candidates = db.session.scalars(
        select(Milestone)
        .where(
            Milestone.due_on < day,
            Milestone.status.in_(logic.OPEN_STATUSES),
            Milestone.overdue_notified_at.is_(None),
        )
        .order_by(Milestone.id)
        # fresh values even in a long-lived session (the due date is part of the subject)
        .execution_options(populate_existing=True)
    ).all()
    now = utcnow()
    for milestone in candidates:
        project = milestone.project
        notify(
            _member_ids(project),
            kind="projects.milestone_overdue",
            subject=f"milestone:{milestone.id}:due:{milestone.due_on.isoformat()}",
            text=_(
                "Milestone overdue: %(title)s (%(project)s)",
                title=milestone.title,
                project=project.title,
            ),
            url=f"/projects/{project.id}#milestone-{milestone.id}",
            data={"project_id": project.id, "milestone_id": milestone.id},
        )
        milestone.overdue_notified_at = now
        _emit_milestone(milestone)
    return list(candidates)


# ---------------------------------------------------------------- calendar feeds


def regenerate_feed(user: User) -> str:
    """A new secret calendar URL token for ``user`` (the old one stops working)."""
    secret = new_secret()
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, secret_hash=secret_digest(secret))
        db.session.add(feed)
    else:
        feed.secret_hash = secret_digest(secret)
        feed.created_at = utcnow()
    return secret


def revoke_feed(user: User) -> bool:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        return False
    db.session.delete(feed)
    return True


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_user(secret: str) -> User | None:
    if not secret or len(secret) > 200:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.secret_hash == secret_digest(secret))
    )
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.is_active else None
