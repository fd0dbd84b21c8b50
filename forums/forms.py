"""HTML forms of the forums (Flask-WTF: CSRF token included). The services check the text
(``clean_title``, ``clean_body``, a flag's reason); their refusals are shown beside these
fields (``app.edge.errors_beside_fields``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from forums.models import FLAG_REASONS, TITLE_MAX


class TopicForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    body = TextAreaField(_l("Message (Markdown)"), render_kw={"required": True})


class ReplyForm(FlaskForm):
    """The reply at the foot of a topic page; a refused reply is drawn again with its text."""

    body = TextAreaField(
        _l("Your reply (Markdown; @username mentions someone)"),
        id="reply-body",
        render_kw={"required": True},
    )
    quote_post_id = HiddenField()
    page = HiddenField()


class PostEditForm(FlaskForm):
    """A post's edit page; the title only for a topic's first post. ``version`` is the one
    the editor loaded, so a conflict is not saved over blindly."""

    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    body = TextAreaField(_l("Message (Markdown)"), render_kw={"required": True})
    version = HiddenField()


class FlagForm(FlaskForm):
    """A flag under a post (drawn by ``_post.html``; its refusal is flashed at the post)."""

    reason = SelectField(choices=list(FLAG_REASONS))
    details = StringField()
