"""The ``/projects`` Socket.IO namespace: watch a project page, receive its changes.

Client -> server ``project_watch {project_id}`` (acked ``{"ok": true, "project": {...}}`` or
``{"ok": false, "error": {...}}``) joins the project's room after the same access check as the
API; ``project_unwatch {project_id}`` leaves it. Server -> client: ``project_updated
{project}``, ``milestone_updated {milestone, progress}``, ``activity_updated {activity}``.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room, leave_room

from app.api import ApiError
from app.db import db
from app.realtime import AuthenticatedNamespace, recheck_rooms, user_room
from projects import access, services
from projects.models import Project

Ack = dict[str, Any]


def _error(code: str, message: str) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message, "fields": {}}}


def _project_id(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    value = data.get("project_id")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


class ProjectsNamespace(AuthenticatedNamespace):
    def on_project_watch(self, data: Any = None) -> Ack:
        user = self.user()
        if user is None:
            return _error("unauthorized", "Please sign in.")
        project_id = _project_id(data)
        if project_id is None:
            return _error("validation_failed", "project_id must be a positive integer.")
        try:
            project = access.access_project(user, project_id, "view")
        except ApiError as error:
            return _error(error.error_code, error.message or "Not found.")
        join_room(services.project_room(project.id))
        return {"ok": True, "project": services.serialize_project(project)}

    def on_project_unwatch(self, data: Any = None) -> Ack:
        project_id = _project_id(data)
        if project_id is None:
            return _error("validation_failed", "project_id must be a positive integer.")
        leave_room(services.project_room(project_id))
        return {"ok": True}


def may_watch(user_id: int, room: str) -> bool:
    """Whether ``user_id`` may still receive the events of the project room ``room``."""
    from app.accounts.models import User

    user = db.session.get(User, user_id)
    project = db.session.get(Project, int(room.split(":", 1)[1]))
    return user is not None and project is not None and access.abilities(user, project)["view"]


def drop_lost_watchers(_sender: Any, association_id: int, user_id: int, **_kw: Any) -> None:  # noqa: ARG001
    """After a membership change, the person's sockets (on every process) leave the project
    rooms they lost."""
    recheck_rooms(user_room(user_id), NAMESPACE)


NAMESPACE = services.NAMESPACE
