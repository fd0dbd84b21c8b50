"""HTML forms of the chat (Flask-WTF: CSRF token included). ``chat.js`` sends through the
socket instead; these are what a page without JavaScript posts, and what a refusal draws again
with the text kept and the reason beside its field (``app.edge.errors_beside_fields``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from messaging.services import MAX_TITLE


class SendForm(FlaskForm):
    """The composer; ``client_id`` is made when the page is drawn, so a resubmitted form is
    stored once."""

    body = TextAreaField(_l("Message"), id="chat-body")
    client_id = HiddenField()


class StartForm(FlaskForm):
    """A new conversation by usernames (comma separated; a title makes it a group), or an
    association's inbox (``association_id``, the button on its page)."""

    usernames = StringField(_l("Usernames (comma separated)"), id="chat-usernames")
    title = StringField(
        _l("Group title (optional)"), id="chat-title", render_kw={"maxlength": MAX_TITLE}
    )
    association_id = HiddenField()

    def names(self) -> list[str]:
        """The usernames typed, trimmed, at most fifty."""
        return [n.strip() for n in (self.usernames.data or "").split(",") if n.strip()][:50]
