"""HTML forms of the directory (Flask-WTF: CSRF token included, errors beside the fields).

The association form's rules are the API's (``directory.schemas``): after the fields' own
checks, the values go through the same schema, whose reasons are shown beside their fields;
the service's refusals (an unknown city or field) are too (``app.edge.errors_beside_fields``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app.edge import SchemaForm
from directory.models import DESCRIPTION_MAX, NAME_MAX
from directory.schemas import FOUNDED_MIN, AssociationInSchema, AssociationPatchSchema, founded_max

MESSAGE_MAX = 1000

#: the text fields, as the page names them (and the API)
TEXT_KEYS = ("name", "name_alt", "description", "address", "email", "phone", "website")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class AssociationForm(SchemaForm):
    """Register an association (the name required); :class:`AssociationEditForm` edits one."""

    schema: ClassVar[type[ma.Schema]] = AssociationInSchema
    partial = False

    name = StringField(
        _l("Name (Arabic or French)"),
        filters=[_strip],
        render_kw={"required": True, "maxlength": NAME_MAX},
    )
    name_alt = StringField(_l("Name in the other script (optional)"), filters=[_strip])
    description = TextAreaField(
        _l("Description"), filters=[_strip], validators=[Length(max=DESCRIPTION_MAX)]
    )
    #: choices (code, label in the reader's language) set by the page; the service refuses
    #: an unknown code beside this field
    fields = SelectMultipleField(_l("Fields of activity"), validate_choice=False)
    #: the city's code; the page lists the cities by region (the service checks the code)
    city = SelectField(_l("City"), validate_choice=False)
    address = StringField(_l("Address"), filters=[_strip])
    member_count = IntegerField(_l("Number of members"), validators=[Optional()])
    #: its bounds are the schema's (this year when the form is checked, not when the code
    #: loaded); the page shows them as the input's min and max
    founded_year = IntegerField(_l("Year founded"), validators=[Optional()])
    email = StringField(_l("Email"), filters=[_strip])
    phone = StringField(_l("Phone"), filters=[_strip])
    website = StringField(_l("Website"), filters=[_strip])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.founded_year.render_kw = {"min": FOUNDED_MIN, "max": founded_max()}
        self._cleared: dict[str, Any] = {}

    def _sent(self, name: str) -> bool:
        """Whether the submitted form has this field at all (an edit leaves out the others)."""
        return bool(self[name].raw_data)

    def _raw(self) -> dict[str, Any]:
        """The values for the schema; (an edit) the fields the person emptied are kept aside,
        cleared after the schema (:meth:`_loaded`)."""
        raw: dict[str, Any] = {}
        cleared: dict[str, Any] = {}
        for key in TEXT_KEYS:
            value = self[key].data or ""
            if value:
                raw[key] = value
            elif self.partial and key != "name" and self._sent(key):
                cleared[key] = ""
        for key in ("member_count", "founded_year"):
            if self[key].data is not None:
                raw[key] = self[key].data
        if self.partial and self.founded_year.data is None and self._sent("founded_year"):
            cleared["founded_year"] = None
        raw["fields"] = [code for code in self.fields.data or [] if code]
        if self.city.data:
            raw["city"] = self.city.data
        self._cleared = cleared
        return raw

    def _loaded(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, **self._cleared}


class AssociationEditForm(AssociationForm):
    """Edit an association: every field optional, an emptied one cleared, ``version`` for the
    stale guard (the version the editor loaded)."""

    schema = AssociationPatchSchema
    partial = True

    version = HiddenField()
    #: choices (value, label in the reader's language) set by the page
    members_visibility = SelectField(
        _l("Who can see the member list"), validators=[Optional()], validate_choice=False
    )

    def _raw(self) -> dict[str, Any]:
        raw = super()._raw()
        if self.members_visibility.data:
            raw["members_visibility"] = self.members_visibility.data
        return raw


class JoinForm(FlaskForm):
    """Ask to join an association, with a word for its administrators."""

    message = TextAreaField(
        _l("Message (optional)"),
        filters=[_strip],
        validators=[Length(max=MESSAGE_MAX)],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 2, "dir": "auto"},
    )


class DecisionForm(FlaskForm):
    """A platform administrator's decision on an association; the reason goes to its
    submitter (the button pressed says which decision)."""

    reason = TextAreaField(filters=[_strip], validators=[Length(max=MESSAGE_MAX)])
