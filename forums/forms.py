"""HTML forms of the forums (Flask-WTF: CSRF token included). The services check the text
(``clean_title``, ``clean_body``); their refusals are shown beside these fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from forums.models import TITLE_MAX


class TopicForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    body = TextAreaField(_l("Message (Markdown)"), render_kw={"required": True})
