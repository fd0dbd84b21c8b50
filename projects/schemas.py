"""Request and response schemas of the projects API (they feed the OpenAPI document).

Dates are ISO ``YYYY-MM-DD``; date-times are ISO 8601 with an offset (a naive value is taken
as UTC) and are answered in UTC.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask_babel import gettext as _

from app.api import Id
from app.db import utcnow
from projects.logic import EARLIEST_DATE, STATUSES, YEARS_AHEAD, date_window
from projects.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    LOCATION_MAX,
    PROJECT_STATUSES,
    TITLE_MAX,
    VISIBILITIES,
)

V = ma.validate
ID = Id()


def in_window(value: dt.date) -> None:
    """Dates (and date-times, by their UTC day) within :func:`projects.logic.date_window`."""
    day = value.astimezone(dt.UTC).date() if isinstance(value, dt.datetime) else value
    low, high = date_window(utcnow().date())
    if not low <= day <= high:
        raise ma.ValidationError(
            _(
                "Choose a date between %(min)s and %(max)s.",
                min=low.isoformat(),
                max=high.isoformat(),
            )
        )


WINDOW = f"between {EARLIEST_DATE.isoformat()} and {YEARS_AHEAD} years from today"


def _date(required: bool = False, allow_none: bool = False, note: str = "") -> ma.fields.Date:
    return ma.fields.Date(
        required=required,
        allow_none=allow_none,
        validate=in_window,
        metadata={"description": f"{note}{'; ' if note else ''}{WINDOW}"},
    )


def _title(required: bool) -> ma.fields.String:
    return ma.fields.String(
        required=required,
        validate=[V.Length(min=1, max=TITLE_MAX), V.Regexp(r".*\S", error="Must not be blank.")],
        metadata={"description": f"1-{TITLE_MAX} characters"},
    )


def _description() -> ma.fields.String:
    return ma.fields.String(
        validate=V.Length(max=DESCRIPTION_MAX),
        metadata={"description": f"Markdown, at most {DESCRIPTION_MAX} characters"},
    )


def _datetime(required: bool) -> ma.fields.AwareDateTime:
    return ma.fields.AwareDateTime(
        required=required,
        default_timezone=dt.UTC,
        validate=in_window,
        metadata={"description": f"ISO 8601; naive values are UTC; {WINDOW}"},
    )


class ProjectCreateSchema(ma.Schema):
    title = _title(True)
    description = _description()
    association_ids = ma.fields.List(
        ID,
        required=True,
        validate=V.Length(min=1, max=20),
        metadata={
            "description": "associations (1-20); the caller must be admin or coordinator of at "
            "least one; those they do not speak for are invited (they co-own it once one of "
            "their admins or coordinators accepts)"
        },
    )
    starts_on = _date(required=True)
    ends_on = _date(required=True, note="on or after starts_on")
    visibility = ma.fields.String(
        load_default="members",
        validate=V.OneOf(VISIBILITIES),
        metadata={"description": "public, network (signed-in people) or members"},
    )
    status = ma.fields.String(validate=V.OneOf(PROJECT_STATUSES))


class ProjectPatchSchema(ma.Schema):
    title = _title(False)
    description = _description()
    association_ids = ma.fields.List(
        ID,
        validate=V.Length(min=1, max=20),
        metadata={
            "description": "wanted owners: new ones are invited (they join when one of their "
            "admins or coordinators accepts); an owner is removed only by itself (leaving) or "
            "a platform admin (403 owner_consent_required); never zero owners (422 last_owner)"
        },
    )
    starts_on = _date()
    ends_on = _date()
    visibility = ma.fields.String(validate=V.OneOf(VISIBILITIES))
    status = ma.fields.String(validate=V.OneOf(PROJECT_STATUSES))
    version = ma.fields.Integer(
        validate=V.Range(min=1, max=999_999_999),
        metadata={
            "description": "the version the editor loaded (or send If-Match); 409 "
            "edit_conflict when someone saved in between"
        },
    )


class MilestoneCreateSchema(ma.Schema):
    title = _title(True)
    description = _description()
    starts_on = _date(allow_none=True)
    due_on = _date(required=True, note="on or after starts_on")
    weight = ma.fields.Integer(validate=V.Range(min=1, max=100), metadata={"description": "1-100"})
    status = ma.fields.String(validate=V.OneOf(STATUSES))
    progress = ma.fields.Integer(validate=V.Range(min=0, max=100))
    depends_on = ma.fields.List(
        ID,
        validate=V.Length(max=50),
        metadata={"description": "finish-to-start predecessors (milestones of the same project)"},
    )


class MilestonePatchSchema(ma.Schema):
    title = _title(False)
    description = _description()
    starts_on = _date(allow_none=True)
    due_on = _date()
    weight = ma.fields.Integer(validate=V.Range(min=1, max=100))
    status = ma.fields.String(
        validate=V.OneOf(STATUSES),
        metadata={
            "description": "planned, in_progress, done (progress becomes 100) or cancelled "
            "(left out of the roll-up)"
        },
    )
    progress = ma.fields.Integer(validate=V.Range(min=0, max=100))
    depends_on = ma.fields.List(ID, validate=V.Length(max=50))
    version = ma.fields.Integer(
        validate=V.Range(min=1, max=999_999_999),
        metadata={
            "description": "the version the editor loaded (or send If-Match); 409 "
            "edit_conflict when someone saved in between"
        },
    )


class ActivityCreateSchema(ma.Schema):
    title = _title(True)
    description = _description()
    location = ma.fields.String(validate=V.Length(max=LOCATION_MAX))
    starts_at = _datetime(True)
    ends_at = _datetime(True)
    milestone_id = Id(allow_none=True)


class ActivityPatchSchema(ma.Schema):
    title = _title(False)
    description = _description()
    location = ma.fields.String(validate=V.Length(max=LOCATION_MAX))
    starts_at = _datetime(False)
    ends_at = _datetime(False)
    milestone_id = Id(allow_none=True)


class CommentCreateSchema(ma.Schema):
    body = ma.fields.String(
        required=True,
        validate=V.Length(min=1, max=COMMENT_MAX),
        metadata={"description": f"Markdown, at most {COMMENT_MAX} characters"},
    )


class ProjectListArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=V.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=20, validate=V.Range(min=1, max=100))
    association_id = ID


class HistoryArgsSchema(ma.Schema):
    before_id = ID
    limit = ma.fields.Integer(load_default=100, validate=V.Range(min=1, max=500))


# ------------------------------------------------------------------ responses


class WarningSchema(ma.Schema):
    code = ma.fields.String()
    predecessor_id = ma.fields.Integer()
    message = ma.fields.String()


class MilestoneSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String()
    starts_on = ma.fields.String(allow_none=True, metadata={"format": "date"})
    due_on = ma.fields.String(metadata={"format": "date"})
    status = ma.fields.String()
    progress = ma.fields.Integer()
    effective_progress = ma.fields.Integer(metadata={"description": "100 when done"})
    weight = ma.fields.Integer()
    version = ma.fields.Integer(metadata={"description": "edit counter (also the ETag)"})
    depends_on = ma.fields.List(ma.fields.Integer())
    overdue = ma.fields.Boolean()
    due_soon = ma.fields.Boolean(metadata={"description": "open and due within 7 days"})
    warnings = ma.fields.List(ma.fields.Nested(WarningSchema))
    completed_at = ma.fields.String(allow_none=True)
    updated_at = ma.fields.String(allow_none=True)


class ActivitySchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    milestone_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    location = ma.fields.String()
    starts_at = ma.fields.String(metadata={"format": "date-time"})
    ends_at = ma.fields.String(metadata={"format": "date-time"})


class AssociationRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String()


class ProjectSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String()
    association_ids = ma.fields.List(ma.fields.Integer())
    associations = ma.fields.List(ma.fields.Nested(AssociationRefSchema))
    invited_association_ids = ma.fields.List(
        ma.fields.Integer(),
        metadata={"description": "associations invited to co-own it, not yet answered"},
    )
    invitations = ma.fields.List(ma.fields.Nested(AssociationRefSchema))
    version = ma.fields.Integer(metadata={"description": "edit counter (also the ETag)"})
    starts_on = ma.fields.String(metadata={"format": "date"})
    ends_on = ma.fields.String(metadata={"format": "date"})
    visibility = ma.fields.String()
    status = ma.fields.String()
    progress = ma.fields.Integer(
        metadata={
            "description": "weighted roll-up 0-100 of milestones (cancelled excluded, "
            "done counts 100)"
        }
    )
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.String()
    updated_at = ma.fields.String(allow_none=True)


class ProjectDetailSchema(ProjectSchema):
    milestones = ma.fields.List(ma.fields.Nested(MilestoneSchema))
    activities = ma.fields.List(ma.fields.Nested(ActivitySchema))
    overdue_count = ma.fields.Integer()
    can = ma.fields.Dict(metadata={"description": "{view, comment, edit} for the caller"})


class ChangeSchema(ma.Schema):
    id = ma.fields.Integer()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.String(allow_none=True)
    created_at = ma.fields.String()
    entity = ma.fields.String(metadata={"description": "project, milestone, activity or comment"})
    entity_id = ma.fields.Integer()
    field = ma.fields.String(metadata={"description": "a field name, created or deleted"})
    from_ = ma.fields.String(data_key="from", attribute="from", allow_none=True)
    to = ma.fields.String(allow_none=True)


class HistorySchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ChangeSchema))


class CommentSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    author_id = ma.fields.Integer(allow_none=True)
    author_name = ma.fields.String(allow_none=True)
    body = ma.fields.String()
    body_html = ma.fields.String()
    created_at = ma.fields.String()


class CommentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CommentSchema))


class CalendarFeedSchema(ma.Schema):
    url = ma.fields.String(allow_none=True, metadata={"description": "secret; shown once"})
    active = ma.fields.Boolean()
