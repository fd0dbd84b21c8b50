"""The ``/projects`` Socket.IO namespace: watch a project page, receive its changes.

Client -> server ``project_watch {project_id}`` (acked ``{"ok": true, "project": {...}}`` or
``{"ok": false, "error": {...}}``) joins the project's room after the same access check as the
API; ``project_unwatch {project_id}`` leaves it. Server -> client: ``project_updated
{project}``, ``milestone_updated {milestone, progress}``, ``activity_updated {activity}``.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room, leave_room

from app.accounts.models import User
from app.db import db
from app.realtime import AuthenticatedNamespace, recheck_rooms_after_commit, user_room
from app.sockets import Ack, handler, int_field, ok
from projects import access, services
from projects.models import NAMESPACE, Project


class ProjectsNamespace(AuthenticatedNamespace):
    @handler
    def on_project_watch(self, user: User, data: dict[str, Any]) -> Ack:
        project = access.access_project(user, int_field(data, "project_id"), "view")
        join_room(services.project_room(project.id))
        return ok(project=services.serialize_project(project))

    @handler
    def on_project_unwatch(self, _user: User, data: dict[str, Any]) -> Ack:
        leave_room(services.project_room(int_field(data, "project_id")))
        return ok()


def may_watch(user_id: int, room: str) -> bool:
    """Whether ``user_id`` may still receive the events of the project room ``room``."""
    user = db.session.get(User, user_id)
    project = db.session.get(Project, int(room.split(":", 1)[1]))
    return user is not None and project is not None and access.abilities(user, project)["view"]


def drop_lost_watchers(_sender: Any, association_id: int, user_id: int, **_kw: Any) -> None:  # noqa: ARG001
    """After a membership change commits, the person's sockets (on every process) leave the
    project rooms they lost."""
    recheck_rooms_after_commit(user_room(user_id), NAMESPACE)
