"""Who may see, comment on and edit a project: the only way to load one.

- ``view``: public projects for everybody; ``network`` ones for every signed-in person;
  ``members`` ones for members (any role) of an owning association. Platform administrators
  see everything.
- ``comment``: members (any role) of an owning association, and platform administrators.
- ``edit``: admins and coordinators of an owning association, and platform administrators.
- A suspended association gives its people no write right: ``comment`` and ``edit`` count only
  memberships of owning associations that are not suspended (a project owned only by suspended
  associations is read-only for their members and staff; platform administrators still edit).
- Admins and coordinators of an association invited to co-own the project may ``view`` it (to
  accept or decline the invitation).

A project the actor may not view answers 404 (its existence is not revealed); one they may
view but not comment on or edit answers 403. ``may_watch`` answers the same question for a
socket that watches a project's room.
"""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.api import ApiError, not_found
from app.db import db
from directory import get_association, get_associations, membership_role, user_memberships
from projects.models import Activity, Milestone, Project, ProjectAssociation

Need = Literal["view", "comment", "edit"]
EDITOR_ROLES = ("admin", "coordinator")


def is_suspended(association_id: int) -> bool:
    association = get_association(association_id)
    return association is not None and association.status == "suspended"


def roles_in(actor: User | None, project: Project, *, active_only: bool = False) -> set[str]:
    """The actor's roles across the project's owning associations (``active_only``: leaving
    out suspended associations, which give no write right)."""
    if actor is None:
        return set()
    owning = set(project.association_ids)
    mine = [m for m in user_memberships(actor.id) if m.association_id in owning]
    if active_only and mine:  # their associations' status, in one query
        known = get_associations(m.association_id for m in mine)
        mine = [
            m for m in mine if (a := known.get(m.association_id)) is None or a.status != "suspended"
        ]
    return {m.role for m in mine}


def invited_staff_of(actor: User | None, project: Project) -> list[int]:
    """Invited associations of ``project`` where ``actor`` is admin or coordinator."""
    if actor is None or not project.invitations:
        return []
    invited = set(project.invited_association_ids)
    return sorted(
        m.association_id
        for m in user_memberships(actor.id)
        if m.association_id in invited and m.role in EDITOR_ROLES
    )


def abilities(actor: User | None, project: Project) -> dict[str, bool]:
    """``{"view", "comment", "edit"}`` flags of ``actor`` on ``project``."""
    if actor is not None and actor.is_admin:
        return {"view": True, "comment": True, "edit": True}
    roles = roles_in(actor, project)
    active = roles_in(actor, project, active_only=True) if roles else set()
    view = (
        project.visibility == "public"
        or (project.visibility == "network" and actor is not None)
        or bool(roles)
        or bool(invited_staff_of(actor, project))
    )
    return {"view": view, "comment": bool(active), "edit": bool(active & set(EDITOR_ROLES))}


def check(actor: User | None, project: Project | None, need: Need = "view") -> Project:
    """``project`` if ``actor`` has ``need`` on it; 404 when invisible, else 401/403."""
    if project is None:
        raise not_found()
    can = abilities(actor, project)
    if not can["view"]:
        raise not_found()
    if not can[need]:
        if actor is None:
            raise ApiError(401, "unauthorized", "Please sign in.")
        if roles_in(actor, project) and not roles_in(actor, project, active_only=True):
            raise ApiError(
                403,
                "suspended",
                _("Your association is suspended: its projects are read-only for you."),
            )
        message = (
            "Only members of the project's associations may comment."
            if need == "comment"
            else "Only admins and coordinators of the project's associations may edit it."
        )
        raise ApiError(403, "forbidden", message)
    return project


def access_project(actor: User | None, project_id: int, need: Need = "view") -> Project:
    """Load a project for ``actor`` with ``need`` (404 when invisible, 403 when not allowed)."""
    return check(actor, db.session.get(Project, project_id), need)


def access_invitation(actor: User, project_id: int, association_id: int) -> Project:
    """The project inviting ``association_id``, for an admin or coordinator of that association
    (only they may accept or decline: consent is theirs). 404 when there is no such invitation
    or the actor may not see the project, 403 when they see it but do not speak for it."""
    project = db.session.get(Project, project_id)
    if project is None or association_id not in project.invited_association_ids:
        raise not_found()
    if membership_role(actor.id, association_id) not in EDITOR_ROLES:
        if abilities(actor, project)["view"]:
            raise ApiError(
                403,
                "forbidden",
                _("Only admins and coordinators of the invited association may answer."),
            )
        raise not_found()
    return project


def access_milestone(actor: User | None, milestone_id: int, need: Need = "view") -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        raise not_found()
    check(actor, milestone.project, need)
    return milestone


def access_activity(actor: User | None, activity_id: int, need: Need = "view") -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise not_found()
    check(actor, activity.project, need)
    return activity


def member_association_ids(actor: User | None) -> list[int]:
    if actor is None:
        return []
    return sorted({m.association_id for m in user_memberships(actor.id)})


def visible_clause(actor: User | None) -> ColumnElement[bool] | None:
    """The condition on ``Project`` of the projects ``actor`` may view; None: every one."""
    if actor is not None and actor.is_admin:
        return None
    conditions: list[ColumnElement[bool]] = [Project.visibility == "public"]
    if actor is not None:
        conditions.append(Project.visibility == "network")
        owned = member_association_ids(actor)
        if owned:
            conditions.append(
                Project.id.in_(
                    select(ProjectAssociation.project_id).where(
                        ProjectAssociation.association_id.in_(owned)
                    )
                )
            )
    return or_(*conditions)


def visible_projects(actor: User | None) -> Select[Any]:
    """A query of the projects ``actor`` may view (newest first)."""
    # milestones for the progress roll-up of each listed project, in one query
    query = select(Project).options(selectinload(Project.milestones))
    visible = visible_clause(actor)
    if visible is not None:
        query = query.where(visible)
    return query.order_by(Project.starts_on.desc(), Project.id.desc())


def member_projects(actor: User) -> Select[Any]:
    """Projects of the associations ``actor`` belongs to (their personal calendar feed)."""
    owned = member_association_ids(actor)
    return (
        select(Project)
        .where(
            Project.id.in_(
                select(ProjectAssociation.project_id).where(
                    ProjectAssociation.association_id.in_(owned or [-1])
                )
            )
        )
        .order_by(Project.id)
    )


def may_watch(user_id: int, room: str) -> bool:
    """Whether ``user_id`` may still receive the events of the project room ``room``."""
    user = db.session.get(User, user_id)
    project = db.session.get(Project, int(room.split(":", 1)[1]))
    return user is not None and project is not None and abilities(user, project)["view"]
