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
from app.realtime import AuthenticatedNamespace, recheck_rooms_after_commit, user_room
from app.sockets import Ack, handler, int_field, ok
from projects import access, queries, serialize, services
from projects.models import NAMESPACE


class ProjectsNamespace(AuthenticatedNamespace):
    @handler
    def on_project_watch(self, user: User, data: dict[str, Any]) -> Ack:
        project = access.access_project(user, int_field(data, "project_id"), "view")
        join_room(services.project_room(project.id))
        known = queries.project_associations([project])
        return ok(project=serialize.serialize_project(project, known=known))

    @handler
    def on_project_unwatch(self, _user: User, data: dict[str, Any]) -> Ack:
        leave_room(services.project_room(int_field(data, "project_id")))
        return ok()


def drop_lost_watchers(_sender: Any, association_id: int, user_id: int, **_kw: Any) -> None:  # noqa: ARG001
    """After a membership change commits, the person's sockets (on every process) leave the
    project rooms they lost."""
    recheck_rooms_after_commit(user_room(user_id), NAMESPACE)
