"""HTML forms of knowledge pages (Flask-WTF: CSRF token included, errors beside the fields).

The editor's values go through the API schema of the same write
(``library.knowledge.schemas``), whose reasons are shown beside their fields; the service's
refusals (no title, a text too long) are too (``app.edge.errors_beside_fields``). The fields
keep the text as typed, so that a refused form or a preview shows it again unchanged.
"""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.edge import SchemaForm
from library.knowledge.models import LANGS, TITLE_MAX, VISIBILITIES
from library.knowledge.schemas import PageCreateSchema, PagePatchSchema
from library.labels import VISIBILITY_LABELS

#: each language named in itself
LANG_LABELS = {"ar": "العربية", "fr": "Français", "en": "English", "ary": "الدارجة"}


class PageForm(SchemaForm):
    """A new page: its title and text, the direction it reads in (radio buttons the page
    draws), its language and audience, and whether it is offered as a template."""

    schema: ClassVar[type[ma.Schema]] = PageCreateSchema

    title = StringField(
        _l("Title"), id="kp-title", render_kw={"required": True, "maxlength": TITLE_MAX}
    )
    body = TextAreaField(_l("Text"), id="kp-body", render_kw={"rows": 14})
    direction = StringField(_l("Writing direction"), default="auto")
    lang = SelectField(
        _l("Language"),
        id="kp-lang",
        choices=[SelectChoice(code, LANG_LABELS[code]) for code in LANGS],
        default="ar",
        validate_choice=False,
    )
    visibility = SelectField(
        _l("Who can read it"), id="kp-visibility", default="members", validate_choice=False
    )
    template = BooleanField(_l("Offer this page as a template for new pages"), id="kp-template")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visibility.choices = [SelectChoice(v, VISIBILITY_LABELS[v]) for v in VISIBILITIES]

    def _raw(self) -> dict[str, Any]:
        """The title and text even when empty (the service says a title is required, and an
        edit may empty the text); whether it is a template, ticked or not."""
        raw = super()._raw()
        raw.pop("version", None)
        return {
            **raw,
            "title": self.title.data or "",
            "body": self.body.data or "",
            "template": bool(self.template.data),
        }


class PageEditForm(PageForm):
    """A page's edit: the same fields and ``version``, the one the editor loaded (a page saved
    by someone else since is not overwritten)."""

    schema = PagePatchSchema

    version = HiddenField()
