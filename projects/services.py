"""Everything that changes projects. Each function takes an explicit ``actor`` (already
checked by ``projects.access``), validates, records history, and queues live events that
are sent after the commit. Services flush, never commit: the edge that called them (a page's
``attempt``, an endpoint's ``@transactional``, the job's ``transaction()``) commits.

Reads are in ``projects.queries`` (the history's in ``projects.history``), the API and push
dictionaries in ``projects.serialize``, the personal calendar feed in ``projects.feeds``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.api import ApiError, check_version, invalid
from app.db import db, for_update, utcnow
from app.i18n import local_today
from app.notifications import notify
from app.realtime import emit_after_commit, recheck_rooms_after_commit
from app.text import clean_name, clean_text
from directory import (
    approved_association_roles,
    association_member_ids,
    get_association,
    membership_role,
)
from projects import logic, queries
from projects.access import EDITOR_ROLES
from projects.models import (
    NAMESPACE,
    Activity,
    Milestone,
    MilestoneDependency,
    Project,
    ProjectAssociation,
    ProjectChange,
    ProjectComment,
    ProjectInvitation,
)
from projects.serialize import (
    project_progress,
    serialize_activity,
    serialize_milestone,
    serialize_project,
)

MAX_ASSOCIATIONS = 20


def project_room(project_id: int) -> str:
    """The Socket.IO room the writes below push a project's changes to (watchers join it)."""
    return f"project:{project_id}"


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


# ---------------------------------------------------------------- live events


def _emit_project(project: Project) -> None:
    emit_after_commit(
        "project_updated",
        {"project": serialize_project(project, known=queries.project_associations([project]))},
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


def _check_associations(actor: User, association_ids: list[int]) -> dict[int, str | None]:
    """The associations named (once each, in order), each with the actor's role in it: all
    approved, read in one query."""
    ids = list(dict.fromkeys(association_ids))
    if not ids:
        raise invalid(_("Choose at least one association."), {"association_ids": [_("Required.")]})
    if len(ids) > MAX_ASSOCIATIONS:
        raise invalid(_("Too many associations."), {"association_ids": [_("At most 20.")]})
    roles = approved_association_roles(actor.id, ids)
    for aid in ids:
        if aid not in roles:
            raise invalid(
                _("Unknown association."),
                {"association_ids": [_("No approved association with id %(id)s.", id=aid)]},
            )
    if not actor.is_admin and not any(roles[aid] in EDITOR_ROLES for aid in ids):
        raise ApiError(
            403,
            "forbidden",
            _("Only admins and coordinators of one of these associations may create a project."),
        )
    return {aid: roles[aid] for aid in ids}


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
    """Create a project. It is owned by the listed associations the actor speaks for (admin or
    coordinator; a platform admin speaks for all); the others are invited, as with an edit."""
    roles = _check_associations(actor, data["association_ids"])
    _check_project_dates(data["starts_on"], data["ends_on"])
    invited = [aid for aid in roles if not actor.is_admin and roles[aid] not in EDITOR_ROLES]
    ids = [aid for aid in roles if aid not in invited]
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
    if invited:
        _change_owners(actor, project, ids + invited)
    return project


def lock_project(project: Project) -> None:
    """Serialize the writes to one project, before the reads their checks depend on.

    SQLite: the database write lock (``BEGIN IMMEDIATE``); PostgreSQL: the project's row lock.
    The project's own row and collections are read again, so checks see the latest commit
    (its version, owners and invitations as a concurrent write left them, not as this request
    first loaded them: the row is fetched, which is what refreshes the copy in the session).
    """
    db.session.scalars(
        for_update(select(Project).where(Project.id == project.id)).execution_options(
            populate_existing=True
        )
    ).one()


def update_project(
    actor: User, project: Project, changes: dict[str, Any], expected_version: int | None = None
) -> Project:
    """Edit a project's fields (409 ``edit_conflict`` when ``expected_version`` is stale).

    ``association_ids`` is the wanted list of owners: associations not yet owners are invited
    (they join when one of their admins or coordinators accepts), owners left out are removed
    only with their consent (the caller is their admin or coordinator: leaving) or by a
    platform administrator; a project never ends up without an owner.
    """
    lock_project(project)
    check_version(project.version, expected_version)
    changes = dict(changes)
    new_ids = changes.pop("association_ids", None)
    starts = changes.get("starts_on", project.starts_on)
    ends = changes.get("ends_on", project.ends_on)
    _check_project_dates(starts, ends)
    if "title" in changes:
        changes["title"] = _title(changes["title"])
    if _apply(project, changes, project, actor, "project"):
        project.bump_version()
    if new_ids is not None:
        _change_owners(actor, project, list(dict.fromkeys(new_ids)))
    db.session.flush()
    # first: watchers who may no longer see the project (made private, owners changed) leave
    recheck_rooms_after_commit(project_room(project.id), NAMESPACE)
    _emit_project(project)
    return project


def _may_speak_for(actor: User, association_id: int) -> bool:
    return membership_role(actor.id, association_id) in EDITOR_ROLES


def _change_owners(actor: User, project: Project, wanted: list[int]) -> None:
    current = project.association_ids
    invited = project.invited_association_ids
    removed = [aid for aid in current if aid not in wanted]
    added = [aid for aid in wanted if aid not in current and aid not in invited]
    withdrawn = [aid for aid in invited if aid not in wanted]
    for aid in removed:
        if not actor.is_admin and not _may_speak_for(actor, aid):
            raise ApiError(
                403,
                "owner_consent_required",
                _(
                    "Only the association itself (or a platform administrator) may remove it "
                    "from the project's owners: ask it to leave the project."
                ),
                fields={"association_ids": [_("Association %(id)s is an owner.", id=aid)]},
            )
    if len(removed) == len(current):
        raise invalid(
            _("A project keeps at least one owning association."),
            {"association_ids": [_("Keep at least one current owner.")]},
            code="last_owner",
        )
    if len(current) - len(removed) + len(invited) - len(withdrawn) + len(added) > MAX_ASSOCIATIONS:
        raise invalid(_("Too many associations."), {"association_ids": [_("At most 20.")]})
    for aid in added:
        assoc = get_association(aid)
        if assoc is None or assoc.status != "approved":
            raise invalid(
                _("Unknown association."),
                {"association_ids": [_("No approved association with id %(id)s.", id=aid)]},
            )
    if removed:
        project.owners[:] = [o for o in project.owners if o.association_id not in removed]
        record(
            project,
            actor,
            "project",
            project.id,
            "association_ids",
            current,
            [aid for aid in current if aid not in removed],
        )
    if withdrawn:
        project.invitations[:] = [
            i for i in project.invitations if i.association_id not in withdrawn
        ]
        record(
            project,
            actor,
            "project",
            project.id,
            "invitations",
            invited,
            [aid for aid in invited if aid not in withdrawn],
        )
    for aid in added:
        project.invitations.append(ProjectInvitation(association_id=aid, invited_by_id=actor.id))
        record(project, actor, "project", project.id, "invited", None, aid)
        notify(
            association_member_ids(aid, roles=EDITOR_ROLES),
            kind="projects.invited",
            subject=f"project:{project.id}:invited:{aid}",
            text=_l(
                "Your association is invited to co-own the project %(title)s.", title=project.title
            ),
            url=f"/projects/{project.id}#owners",
            actor_id=actor.id,
            data={"project_id": project.id, "association_id": aid},
        )


def leave_project(actor: User, project: Project, association_id: int) -> Project:
    """``association_id`` stops owning ``project`` (its admin or coordinator, or a platform
    administrator, decides); refused when it is the last owner."""
    lock_project(project)
    if association_id not in project.association_ids:
        raise invalid(
            _("This association does not own the project."),
            {"association_id": [_("Not an owner.")]},
        )
    _change_owners(
        actor,
        project,
        [aid for aid in project.association_ids if aid != association_id]
        + project.invited_association_ids,
    )
    db.session.flush()
    recheck_rooms_after_commit(project_room(project.id), NAMESPACE)
    _emit_project(project)
    return project


def answer_invitation(actor: User, project: Project, association_id: int, accept: bool) -> Project:
    """An admin or coordinator of the invited association accepts (it becomes an owner) or
    declines the invitation. The caller checked that with ``access.access_invitation``."""
    lock_project(project)
    invitation = next((i for i in project.invitations if i.association_id == association_id), None)
    if invitation is None:
        # answered by a concurrent request (a double click, two of its admins at once): the
        # first answer stands, and this one is done if it asked the same
        if accept == (association_id in project.association_ids):
            return project
        raise ApiError(404, "not_found", _("There is no pending invitation for this association."))
    if accept:
        assoc = get_association(association_id)
        if assoc is None or assoc.status != "approved":
            raise ApiError(
                403, "suspended", _("Only an approved association may co-own a project.")
            )
        old = project.association_ids
        position = max((o.position for o in project.owners), default=-1) + 1
        project.owners.append(ProjectAssociation(association_id=association_id, position=position))
        record(
            project, actor, "project", project.id, "association_ids", old, [*old, association_id]
        )
    else:
        record(project, actor, "project", project.id, "declined", association_id, None)
    project.invitations.remove(invitation)
    db.session.flush()
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


# ---------------------------------------------------------------- milestones


def _member_ids(project: Project) -> set[int]:
    ids: set[int] = set()
    for aid in project.association_ids:
        ids.update(association_member_ids(aid))
    return ids


def _dependency_edges(project: Project) -> dict[int, list[int]]:
    """``{milestone: predecessors}`` of ``project`` as stored now (not the session's copy:
    called after :func:`lock_project`, it sees every committed edit)."""
    edges: dict[int, list[int]] = {
        mid: []
        for mid in db.session.scalars(
            select(Milestone.id).where(Milestone.project_id == project.id)
        )
    }
    rows = db.session.execute(
        select(MilestoneDependency.successor_id, MilestoneDependency.predecessor_id)
        .join(Milestone, Milestone.id == MilestoneDependency.successor_id)
        .where(Milestone.project_id == project.id)
    )
    for successor, predecessor in rows:
        edges.setdefault(successor, []).append(predecessor)
    return edges


def _set_dependencies(
    actor: User, project: Project, milestone: Milestone, depends_on: Iterable[int]
) -> None:
    """Replace ``milestone``'s predecessors; the caller holds :func:`lock_project`, so the
    loop check reads what no concurrent edit can change before this one commits."""
    wanted = list(dict.fromkeys(depends_on))
    stored = _dependency_edges(project)
    for pred_id in wanted:
        if pred_id == milestone.id:
            raise invalid(
                _("A milestone cannot depend on itself."),
                {"depends_on": [_("A milestone cannot depend on itself.")]},
                code="dependency_loop",
            )
        if pred_id not in stored:
            raise invalid(
                _("Dependencies must be milestones of the same project."),
                {"depends_on": [_("Milestone %(id)s is not part of this project.", id=pred_id)]},
                code="wrong_project",
            )
    edges = {mid: preds for mid, preds in stored.items() if mid != milestone.id}
    if logic.would_create_cycle(edges, milestone.id, wanted):
        raise invalid(
            _("These dependencies would make a loop."),
            {"depends_on": [_("These dependencies would make a loop.")]},
            code="dependency_loop",
        )
    old = sorted(stored.get(milestone.id, []))
    if sorted(wanted) == old:
        return
    # the rows of kept predecessors stay: replacing them all would insert (successor,
    # predecessor) again before the old row's delete (the unit of work inserts first); the
    # collection is as stored (update_milestone refreshed it under the lock)
    milestone.predecessors[:] = [
        *(dep for dep in milestone.predecessors if dep.predecessor_id in wanted),
        *(
            MilestoneDependency(predecessor_id=pid)
            for pid in wanted
            if pid not in milestone.depends_on
        ),
    ]
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
            text=_l(
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
    lock_project(project)
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


def update_milestone(
    actor: User,
    milestone: Milestone,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Milestone:
    """Apply an editor's changes (409 ``edit_conflict`` when ``expected_version`` is stale)."""
    project = milestone.project
    lock_project(project)
    db.session.refresh(milestone)
    check_version(milestone.version, expected_version)
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
    old_deps = milestone.depends_on
    changed = _apply(milestone, changes, project, actor, "milestone")
    if depends_on is not None:
        _set_dependencies(actor, project, milestone, depends_on)
    if changed or milestone.depends_on != old_deps:
        milestone.bump_version()
    if milestone.due_on != old_due:
        milestone.overdue_notified_at = None
    _after_status(actor, milestone, old_status)
    db.session.flush()
    _emit_milestone(milestone)
    return milestone


def delete_milestone(actor: User, milestone: Milestone) -> None:
    project = milestone.project
    lock_project(project)
    record(project, actor, "milestone", milestone.id, "deleted", milestone.title, None)
    payload = serialize_milestone(milestone)
    payload["deleted"] = True
    project.milestones.remove(milestone)
    db.session.delete(milestone)
    db.session.flush()
    # one milestone_updated (deleted) with the progress without it, then one project_updated
    emit_after_commit(
        "milestone_updated",
        {"milestone": payload, "progress": project_progress(project)},
        to=project_room(project.id),
        namespace=NAMESPACE,
    )
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
    day = on or local_today()
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
            text=_l(
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
