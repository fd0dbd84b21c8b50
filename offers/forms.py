"""HTML forms of offers (Flask-WTF: CSRF token included, errors beside the fields)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from offers.labels import DELIVERY_LABELS
from offers.models import BODY_MAX, DELIVERY_MODES, TITLE_MAX


class OfferEditForm(FlaskForm):
    """What the author may change once an offer is out: its words, where, how, until when.
    The rest (type, city, places, audience) would make it another offer: post a new one."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Details"), validators=[Length(max=BODY_MAX)])
    area_hint = StringField(
        _l("Neighbourhood or landmark (optional)"), validators=[Length(max=120)]
    )
    delivery_mode = RadioField(
        _l("How does the person get it?"),
        choices=[SelectChoice(m, DELIVERY_LABELS[m]) for m in DELIVERY_MODES],
        validators=[Optional()],
    )
    ends_on = DateField(_l("Available until (optional)"), validators=[Optional()])

    def changes(self, kind: str) -> dict[str, Any]:
        """The fields as the service takes them (a blood request has no delivery mode)."""
        data: dict[str, Any] = {
            "title": self.title.data or "",
            "body": self.body.data or "",
            "area_hint": self.area_hint.data or "",
            "ends_on": self.ends_on.data,
        }
        if kind != "blood_request" and self.delivery_mode.data:
            data["delivery_mode"] = self.delivery_mode.data
        return data
