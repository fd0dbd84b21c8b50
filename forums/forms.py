"""HTML forms of the forums (Flask-WTF: CSRF token included). The services check the text
(``clean_title``, ``clean_body``, a flag's reason); their refusals are shown beside these
fields (``app.edge.errors_beside_fields``). A form whose write the API also takes goes
through the API's schema first (``app.edge.SchemaForm``: one set of rules)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.edge import SchemaForm
from forums.models import DESCRIPTION_MAX, FLAG_REASONS, NAME_MAX, REASON_MAX, TITLE_MAX
from forums.schemas import ForumCreateSchema

#: the languages a forum is named and described in, as its form shows them
FORUM_LANGUAGES = (("ar", "العربية"), ("fr", "Français"), ("en", "English"))


def _name() -> StringField:
    return StringField(_l("Name"), render_kw={"maxlength": NAME_MAX})


def _description() -> TextAreaField:
    return TextAreaField(_l("Description"), render_kw={"maxlength": DESCRIPTION_MAX})


class ForumForm(SchemaForm):
    """A new forum (platform admins), named and described in each of
    :data:`FORUM_LANGUAGES`; the API's rules (``ForumCreateSchema``), then the service's (a
    name in one language at least)."""

    schema = ForumCreateSchema

    name_ar = _name()
    description_ar = _description()
    name_fr = _name()
    description_fr = _description()
    name_en = _name()
    description_en = _description()


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


FLAG_REASON_LABELS = {
    "spam": _l("Spam"),
    "offensive": _l("Offensive"),
    "off_topic": _l("Off topic"),
    "other": _l("Something else"),
}


class FlagForm(FlaskForm):
    """A flag under a post, in the post's folded panel (``_post.html``). Its fields are named
    after the post (:meth:`of_post`): a refused flag is drawn again in its post's panel, open,
    with the text kept and each reason beside its field."""

    #: choices (:data:`FLAG_REASONS`, in the reader's language) set as the form is made
    reason = SelectField(_l("Reason"))
    details = StringField(_l("Details"), render_kw={"maxlength": REASON_MAX})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = [SelectChoice(k, str(FLAG_REASON_LABELS[k])) for k in FLAG_REASONS]
        self.post_id: int | None = None

    def of_post(self, post_id: int) -> FlagForm:
        """This form as the one of post ``post_id`` (its fields' ids, which its labels and
        reasons point to, unique on the topic page)."""
        self.post_id = post_id
        for field in (self.reason, self.details):
            field.id = field.label.field_id = f"{field.name}-{post_id}"
        return self
