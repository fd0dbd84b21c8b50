"""HTML forms of activity reports (Flask-WTF: CSRF token included, errors beside the fields).

The report form's values go through the API schema of the same write
(``library.reports.schemas``), whose reasons are shown beside their fields; the service's
refusals (a photo that is not the association's) are too (``app.edge.errors_beside_fields``).
The fields keep the text as typed, so that a refused form shows it again unchanged. The
attendance grid and the photos keep the names the page has always posted
(``count-<band>-<sex>``, ``photos``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import DateInput

from app.edge import SchemaForm
from library.reports.models import AGE_BANDS, COUNT_MAX, SEXES, TITLE_MAX
from library.reports.schemas import ReportCreateSchema, ReportPatchSchema


def count_name(band: str, sex: str) -> str:
    """The input of one cell of the attendance grid."""
    return f"count-{band}-{sex}"


def _count(text: str) -> bool:
    """Whether ``text`` is a count the grid takes: a whole number from 0 to COUNT_MAX (in any
    script's digits, not too long to read)."""
    return text.isdecimal() and len(text) <= len(str(COUNT_MAX)) and int(text) <= COUNT_MAX


class AttendanceField(Field):
    """The attendance grid: a count per age band and sex, each its own input
    (:func:`count_name`, drawn by the page). Its data is the text typed per input name (an
    absent input counts 0); :meth:`counts` gives the API's ``{band: {sex: count}}``."""

    def process(  # WTForms' signature; the grid has no filters
        self,
        formdata: Any,
        data: Any = unset_value,
        extra_filters: Any = None,  # noqa: ARG002
    ) -> None:
        self.process_errors: list[str] = []
        if formdata is not None:
            self.data = {
                count_name(b, s): (formdata.get(count_name(b, s)) or "0").strip()
                for b in AGE_BANDS
                for s in SEXES
            }
            return
        given = data if isinstance(data, dict) else {}
        self.data = {
            count_name(b, s): str(given.get(b, {}).get(s, 0)) for b in AGE_BANDS for s in SEXES
        }

    def pre_validate(self, form: Any) -> None:  # noqa: ARG002  (WTForms' signature)
        if not all(_count(text) for text in self.data.values()):
            raise ValidationError(_("Write a whole number between 0 and %(max)d.", max=COUNT_MAX))

    def counts(self) -> dict[str, dict[str, int]]:
        return {b: {s: int(self.data[count_name(b, s)]) for s in SEXES} for b in AGE_BANDS}


class PhotosField(SelectMultipleField):
    """The library photos chosen (the page draws one checkbox per photo), posted as
    ``photos``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, validate_choice=False, **kwargs)
        self.name = "photos"


class ReportForm(SchemaForm):
    """A new report, maybe of a project activity (``activity_id``, kept hidden)."""

    schema: ClassVar[type[ma.Schema]] = ReportCreateSchema

    title = StringField(
        _l("Title"),
        id="rp-title",
        validators=[DataRequired(message=_l("A title is required."))],
        render_kw={"required": True, "maxlength": TITLE_MAX},
    )
    held_on = StringField(
        _l("Date of the activity"),
        id="rp-held-on",
        widget=DateInput(),
        render_kw={"required": True},
    )
    attendance = AttendanceField(_l("Who came (counts only, never names)"), id="rp-attendance")
    outputs = TextAreaField(
        _l("What the activity produced"), id="rp-outputs", render_kw={"rows": 4}
    )
    lessons = TextAreaField(_l("Lessons learned"), id="rp-lessons", render_kw={"rows": 4})
    photo_document_ids = PhotosField(_l("Photos from the library"), id="rp-photos")
    activity_id = HiddenField()

    def _raw(self) -> dict[str, Any]:
        """The API's data: the texts even when emptied, the counts, the photos chosen (none
        when every box is unticked)."""
        raw: dict[str, Any] = {
            "title": self.title.data or "",
            "outputs": self.outputs.data or "",
            "lessons": self.lessons.data or "",
            "photo_document_ids": [v for v in self.photo_document_ids.data or [] if v.strip()],
        }
        for name in ("held_on", "activity_id"):
            value = self[name].data
            if isinstance(value, str) and value.strip():
                raw[name] = value.strip()
        if not self.attendance.errors:
            raw["attendance"] = self.attendance.counts()
        return raw


class ReportEditForm(ReportForm):
    """A report's edit: the same fields and ``version``, the one the editor loaded (a report
    saved by someone else since is not overwritten)."""

    schema = ReportPatchSchema

    version = HiddenField()
