"""JSON endpoints of projects: thin, ``access_*`` then ``services.*`` (writes) or ``queries.*``
(reads), answered with ``serialize.*``; a write endpoint is one transaction (``@transactional``:
committed when it returns, nothing kept when it raises)."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.accounts.auth import get_current_user, require_user
from app.api import expected_version, make_blueprint, not_found, page_schema, paginate
from app.db import transactional
from app.ics import ics_response
from app.limits import rate_limit
from app.markdown import render_markdown
from app.urls import public_base, public_host
from projects import access, feeds, history, queries, serialize, services
from projects.ics import build_calendar
from projects.schemas import (
    ActivityCreateSchema,
    ActivityPatchSchema,
    ActivitySchema,
    CalendarFeedSchema,
    CommentCreateSchema,
    CommentListSchema,
    CommentSchema,
    HistoryArgsSchema,
    HistorySchema,
    MilestoneCreateSchema,
    MilestonePatchSchema,
    MilestoneSchema,
    ProjectCreateSchema,
    ProjectDetailSchema,
    ProjectListArgsSchema,
    ProjectPatchSchema,
    ProjectSchema,
)

blp = make_blueprint("projects", __name__, "Shared projects: milestones, activities, timeline")


def detail(project: Any) -> dict[str, Any]:
    data = serialize.serialize_project(
        project, known=queries.project_associations([project]), full=True
    )
    data["can"] = access.abilities(get_current_user(), project)
    return data


def comment_payload(comment: Any) -> dict[str, Any]:
    data = serialize.serialize_comment(comment)
    data["body_html"] = str(render_markdown(comment.body))
    return data


@blp.route("/projects")
@blp.arguments(ProjectListArgsSchema, location="query")
@blp.response(200, page_schema(ProjectSchema))
def list_projects(args: dict[str, Any]) -> dict[str, Any]:
    """Projects the caller may see (public ones for everybody), newest first."""
    query = queries.project_list(get_current_user(), args.get("association_id"))
    page = paginate(query, args["page"], args["per_page"])
    page["items"] = serialize.serialize_projects(
        page["items"], queries.project_associations(page["items"])
    )
    return page


@blp.route("/projects", methods=["POST"])
@rate_limit("project_write")
@blp.arguments(ProjectCreateSchema)
@blp.response(201, ProjectDetailSchema)
@transactional
def create_project(data: dict[str, Any]) -> dict[str, Any]:
    """Create a project owned by ``association_ids`` (admin or coordinator of one of them)."""
    actor = require_user()
    project = services.create_project(actor, data)
    return detail(project)


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


@blp.route("/projects/<int:project_id>")
@blp.response(200, ProjectDetailSchema, headers={"ETag": {"description": "the version"}})
def get_project(project_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """A project with its milestones, activities and overall ``progress``; ``ETag`` and
    ``version`` name the version to send back with an edit (``If-Match``)."""
    project = access.access_project(get_current_user(), project_id)
    return detail(project), etag(project.version)


@blp.route("/projects/<int:project_id>", methods=["PATCH"])
@blp.arguments(ProjectPatchSchema)
@blp.response(200, ProjectDetailSchema, headers={"ETag": {"description": "the new version"}})
@blp.alt_response(409, description="edit_conflict: saved by someone else since `version`")
@transactional
def patch_project(data: dict[str, Any], project_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Edit a project (admins and coordinators of an owning association). With ``If-Match``
    or ``version``, a stale edit answers 409 ``edit_conflict``. ``association_ids``: new
    associations are invited, an owner leaves only by its own decision (or a platform admin's)."""
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    expected = expected_version(data.pop("version", None))
    services.update_project(actor, project, data, expected)
    return detail(project), etag(project.version)


@blp.route("/projects/<int:project_id>/invitations/<int:association_id>/accept", methods=["POST"])
@blp.response(200, ProjectDetailSchema)
@transactional
def accept_invitation(project_id: int, association_id: int) -> dict[str, Any]:
    """An admin or coordinator of the invited association accepts: it becomes an owner."""
    actor = require_user()
    project = access.access_invitation(actor, project_id, association_id)
    services.answer_invitation(actor, project, association_id, accept=True)
    return detail(project)


@blp.route("/projects/<int:project_id>/invitations/<int:association_id>/decline", methods=["POST"])
@blp.response(200, ProjectDetailSchema)
@transactional
def decline_invitation(project_id: int, association_id: int) -> dict[str, Any]:
    """An admin or coordinator of the invited association declines the invitation."""
    actor = require_user()
    project = access.access_invitation(actor, project_id, association_id)
    services.answer_invitation(actor, project, association_id, accept=False)
    return detail(project)


@blp.route("/projects/<int:project_id>/milestones", methods=["POST"])
@rate_limit("project_write")
@blp.arguments(MilestoneCreateSchema)
@blp.response(201, MilestoneSchema)
@transactional
def create_milestone(data: dict[str, Any], project_id: int) -> dict[str, Any]:
    """Add a milestone."""
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    milestone = services.add_milestone(actor, project, data)
    return serialize.serialize_milestone(milestone)


@blp.route("/milestones/<int:milestone_id>")
@blp.response(200, MilestoneSchema, headers={"ETag": {"description": "the version"}})
def get_milestone(milestone_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """One milestone (with its flags and dependency warnings); ``ETag`` is its ``version``."""
    milestone = access.access_milestone(get_current_user(), milestone_id)
    return serialize.serialize_milestone(milestone), etag(milestone.version)


@blp.route("/milestones/<int:milestone_id>", methods=["PATCH"])
@blp.arguments(MilestonePatchSchema)
@blp.response(200, MilestoneSchema, headers={"ETag": {"description": "the new version"}})
@blp.alt_response(409, description="edit_conflict: saved by someone else since `version`")
@transactional
def patch_milestone(
    data: dict[str, Any], milestone_id: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """Update status, progress, dates, weight, dependencies... A broken finish-to-start
    dependency is reported in ``warnings``; a loop is refused (422 ``dependency_loop``). With
    ``If-Match`` or ``version``, a stale edit answers 409 ``edit_conflict``."""
    actor = require_user()
    milestone = access.access_milestone(actor, milestone_id, "edit")
    expected = expected_version(data.pop("version", None))
    services.update_milestone(actor, milestone, data, expected)
    return serialize.serialize_milestone(milestone), etag(milestone.version)


@blp.route("/milestones/<int:milestone_id>", methods=["DELETE"])
@blp.response(204)
@transactional
def delete_milestone(milestone_id: int) -> None:
    """Delete a milestone (its dependencies go with it; linked activities are kept)."""
    actor = require_user()
    milestone = access.access_milestone(actor, milestone_id, "edit")
    services.delete_milestone(actor, milestone)


@blp.route("/projects/<int:project_id>/activities", methods=["POST"])
@rate_limit("project_write")
@blp.arguments(ActivityCreateSchema)
@blp.response(201, ActivitySchema)
@transactional
def create_activity(data: dict[str, Any], project_id: int) -> dict[str, Any]:
    """Schedule an activity (workshop, caravan, meeting), optionally for a milestone."""
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    activity = services.add_activity(actor, project, data)
    return serialize.serialize_activity(activity)


@blp.route("/activities/<int:activity_id>")
@blp.response(200, ActivitySchema)
def get_activity(activity_id: int) -> dict[str, Any]:
    return serialize.serialize_activity(access.access_activity(get_current_user(), activity_id))


@blp.route("/activities/<int:activity_id>", methods=["PATCH"])
@blp.arguments(ActivityPatchSchema)
@blp.response(200, ActivitySchema)
@transactional
def patch_activity(data: dict[str, Any], activity_id: int) -> dict[str, Any]:
    actor = require_user()
    activity = access.access_activity(actor, activity_id, "edit")
    services.update_activity(actor, activity, data)
    return serialize.serialize_activity(activity)


@blp.route("/activities/<int:activity_id>", methods=["DELETE"])
@blp.response(204)
@transactional
def delete_activity(activity_id: int) -> None:
    actor = require_user()
    activity = access.access_activity(actor, activity_id, "edit")
    services.delete_activity(actor, activity)


@blp.route("/projects/<int:project_id>/comments")
@blp.response(200, CommentListSchema)
def list_comments(project_id: int) -> dict[str, Any]:
    project = access.access_project(get_current_user(), project_id)
    return {"items": [comment_payload(c) for c in queries.comments(project)]}


@blp.route("/projects/<int:project_id>/comments", methods=["POST"])
@rate_limit("project_write")
@blp.arguments(CommentCreateSchema)
@blp.response(201, CommentSchema)
@transactional
def create_comment(data: dict[str, Any], project_id: int) -> dict[str, Any]:
    """Comment on a project (members of an owning association)."""
    actor = require_user()
    project = access.access_project(actor, project_id, "comment")
    comment = services.add_comment(actor, project, data["body"])
    return comment_payload(comment)


@blp.route("/projects/<int:project_id>/history")
@blp.arguments(HistoryArgsSchema, location="query")
@blp.response(200, HistorySchema)
def project_history(args: dict[str, Any], project_id: int) -> dict[str, Any]:
    """Who changed what, when (newest first): ``{entity, entity_id, field, from, to}``."""
    project = access.access_project(get_current_user(), project_id)
    changes = history.changes(project, limit=args["limit"], before_id=args.get("before_id"))
    return {"items": [serialize.serialize_change(c) for c in changes]}


@blp.route("/projects/<int:project_id>/calendar.ics")
@blp.doc(responses={"200": {"description": "text/calendar (RFC 5545)"}})
def project_calendar(project_id: int) -> Response:
    """iCalendar feed of the project's milestones (all-day) and activities (UTC)."""
    project = access.access_project(get_current_user(), project_id)
    body = build_calendar([project], name=project.title, host=public_host(), base_url=public_base())
    return ics_response(body, f"project-{project.id}.ics")


@blp.route("/calendar/<string:secret>.ics")
@blp.doc(responses={"200": {"description": "text/calendar (RFC 5545)"}})
def user_calendar(secret: str) -> Response:
    """The secret per-user feed: every project of the user's associations."""
    user = feeds.feed_user(secret)
    if user is None:
        raise not_found()
    body = build_calendar(
        feeds.feed_projects(user), name="jam3ia", host=public_host(), base_url=public_base()
    )
    return ics_response(body, "jam3ia.ics")


@blp.route("/me/calendar")
@blp.response(200, CalendarFeedSchema)
def calendar_feed_state() -> dict[str, Any]:
    """Whether the caller has a secret calendar URL (the URL itself is shown only once)."""
    user = require_user()
    return {"url": None, "active": feeds.feed_of(user) is not None}


@blp.route("/me/calendar", methods=["POST"])
@blp.response(201, CalendarFeedSchema)
@transactional
def calendar_feed_regenerate() -> dict[str, Any]:
    """Create or replace the caller's secret calendar URL (the previous one stops working)."""
    user = require_user()
    secret = feeds.regenerate_feed(user)
    return {"url": feeds.feed_url(secret), "active": True}


@blp.route("/me/calendar", methods=["DELETE"])
@blp.response(204)
@transactional
def calendar_feed_revoke() -> None:
    """Revoke the caller's secret calendar URL."""
    user = require_user()
    feeds.revoke_feed(user)
