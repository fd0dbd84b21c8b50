"""HTML forms of projects (Flask-WTF: CSRF token included, errors beside the fields).

Their rules are the API's: each form's values go through the API schema of the same write
(``projects.schemas``), whose reasons are shown beside their fields; the service's refusals
are too (``app.edge.errors_beside_fields``). The fields keep the text as typed, so that a
refused form shows it again unchanged.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import DateInput, DateTimeLocalInput, NumberInput

from app.edge import SchemaForm
from app.i18n import local_today
from projects import logic
from projects.models import COMMENT_MAX
from projects.schemas import (
    ActivityCreateSchema,
    CommentCreateSchema,
    MilestoneCreateSchema,
    MilestonePatchSchema,
    ProjectCreateSchema,
    ProjectPatchSchema,
)


def _draft(name: str, form: SchemaForm) -> dict[str, Any]:
    """A refused form drawn by hand in a page (``{"form", "values", "errors"}``): what was
    typed, and each field's reasons (the form's own under ``_``)."""
    errors = {n: list(f.errors) for n, f in form._fields.items() if f.errors}
    if form.form_errors:
        errors["_"] = [str(e) for e in form.form_errors]
    return {
        "form": name,
        "values": {n: f.data for n, f in form._fields.items() if n != "csrf_token"},
        "errors": errors,
    }


class ProjectForm(SchemaForm):
    """A new project (its associations: the ones the person may speak for, set by the page)."""

    schema = ProjectCreateSchema

    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    association_ids = SelectMultipleField(_l("Associations"), validate_choice=False)
    starts_on = StringField(_l("Starts on"))
    ends_on = StringField(_l("Ends on"))
    visibility = StringField(_l("Who can see it"))


class ProjectEditForm(SchemaForm):
    """The project page's edit form (a refused one is shown again through the page's
    ``draft``)."""

    schema = ProjectPatchSchema

    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    starts_on = StringField(_l("Starts on"))
    ends_on = StringField(_l("Ends on"))
    visibility = StringField(_l("Who can see it"))
    status = StringField(_l("Status"))

    def draft(self) -> dict[str, Any]:
        """The page's ``draft`` of this refused edit: what was typed, the reasons."""
        return _draft("project", self)


class MilestoneForm(SchemaForm):
    """A new milestone on the project page."""

    schema = MilestoneCreateSchema

    title = StringField(_l("Title"), id="nm-title", render_kw={"required": True, "maxlength": 200})
    description = TextAreaField(_l("Description"), id="nm-description")
    starts_on = StringField(_l("Starts on"), id="nm-start", widget=DateInput())
    due_on = StringField(
        _l("Due on"), id="nm-due", widget=DateInput(), render_kw={"required": True}
    )
    weight = StringField(
        _l("Weight"), id="nm-weight", widget=NumberInput(min=1, max=100), default="1"
    )
    #: choices (the project's milestones) set by the page
    depends_on = SelectMultipleField(_l("Starts after"), id="nm-deps", validate_choice=False)

    def offer_milestones(self, choices: list[tuple[str, str]]) -> None:
        """The project's milestones (id, title) it may start after."""
        self.depends_on.choices = choices

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = logic.date_window(local_today())
        for name in ("starts_on", "due_on"):
            self[name].render_kw = {
                **(self[name].render_kw or {}),
                "min": low.isoformat(),
                "max": high.isoformat(),
            }


class MilestoneEditForm(SchemaForm):
    """A milestone's update form (drawn by ``_milestones.html`` inside its item, which the
    live refresh redraws: a refused one is shown again through the page's ``draft``)."""

    schema = MilestonePatchSchema

    status = StringField(_l("Status"))
    progress = StringField(_l("Progress (0-100)"))
    starts_on = StringField(_l("Starts on"))
    due_on = StringField(_l("Due on"))
    weight = StringField(_l("Weight"))
    depends_on = SelectMultipleField(_l("Starts after"), validate_choice=False)

    def draft(self, milestone_id: int) -> dict[str, Any]:
        """The page's ``draft`` of this refused update: what was typed, the reasons."""
        return _draft(f"milestone-{milestone_id}", self)


class ActivityForm(SchemaForm):
    """A new activity on the project page."""

    schema = ActivityCreateSchema
    local_times = frozenset({"starts_at", "ends_at"})

    title = StringField(_l("Title"), id="na-title", render_kw={"required": True, "maxlength": 200})
    starts_at = StringField(
        _l("Starts at"), id="na-start", widget=DateTimeLocalInput(), render_kw={"required": True}
    )
    ends_at = StringField(
        _l("Ends at"), id="na-end", widget=DateTimeLocalInput(), render_kw={"required": True}
    )
    location = StringField(_l("Place"), id="na-location", render_kw={"maxlength": 300})
    description = TextAreaField(_l("Description"), id="na-description")
    #: choices (no milestone, then the project's milestones) set by the page
    milestone_id = SelectField(_l("For milestone"), id="na-milestone", validate_choice=False)

    def offer_milestones(self, choices: list[tuple[str, str]]) -> None:
        """The project's milestones (id, title) it may be for, or none."""
        self.milestone_id.choices = [("", "—"), *choices]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = logic.date_window(local_today())
        for name in ("starts_at", "ends_at"):
            self[name].render_kw = {
                **(self[name].render_kw or {}),
                "min": f"{low.isoformat()}T00:00",
                "max": f"{high.isoformat()}T23:59",
            }


class CommentForm(SchemaForm):
    """A comment at the foot of the project page."""

    schema = CommentCreateSchema

    body = TextAreaField(
        _l("Your comment"),
        id="comment-body",
        render_kw={"required": True, "maxlength": COMMENT_MAX},
    )
