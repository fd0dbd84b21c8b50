"""The chat pages. Reading and sending work with plain forms; ``chat.js`` makes them live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.accounts.auth import login_required, require_user
from app.accounts.models import User
from app.accounts.queries import ids_by_username
from app.api import MAX_ID, ApiError, id_arg, invalid
from app.edge import attempt, flash_refusal, form_status, submit
from app.limits import rate_limit
from messaging import access, queries, serialize, services
from messaging.forms import SendForm, StartForm
from messaging.models import Conversation, ConversationMember

bp = Blueprint(
    "messaging",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/messaging",
)

T = TypeVar("T")

PAGE_SIZE = 50
#: the most messages one fragment carries (a catch-up pages through the rest)
FRAGMENT_LIMIT = 200


def _conversation_or_404(
    user: User, conversation_id: int
) -> tuple[Conversation, ConversationMember]:
    try:
        return access.access_conversation(user, conversation_id)
    except ApiError:
        abort(404)


@bp.route("/chat")
@login_required
def chat_home() -> ResponseReturnValue:
    """The conversation list; ``?with=<user id>`` opens the new-conversation form with that
    person filled in (profiles and member lists link here)."""
    user = require_user()
    preselected = queries.messageable(user, id_arg("with"))
    start = StartForm(formdata=None, usernames=preselected.username if preselected else "")
    return _chat_page(user, None, None, start=start, preselected=preselected)


def _chat_page(
    user: User,
    conversation: Conversation | None,
    member: ConversationMember | None,
    *,
    start: StartForm | None = None,
    send: SendForm | None = None,
    preselected: Any = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The chat page: the list, the open conversation if any, and the two forms (a refused
    one as it was posted, with the reason beside its field)."""
    start = start or StartForm(formdata=None)
    conversations = queries.list_conversations(user)
    current = None
    messages: list[Any] = []
    more = False
    names: dict[int, str] = {}
    if conversation is not None and member is not None:
        before = id_arg("before_id")
        messages, more = queries.list_messages(conversation, before_id=before, limit=PAGE_SIZE)
        if messages and before is None:  # opening a conversation reads it, as in any chat app
            last_id = messages[-1].id
            attempt(lambda: services.mark_read(user, conversation, member, last_id))
        current = next((c for c in conversations if c["id"] == conversation.id), None)
        if current is None:
            current = queries.summarize(conversation, user, unread=0, last=None)
        names = {m["user_id"]: m["display_name"] for m in current["members"]}
        send = send or SendForm(formdata=None, client_id=services.new_client_id())
    return render_template(
        "messaging/chat.html",
        conversations=conversations,
        current=current,
        messages=[serialize.serialize_message(m) for m in messages],
        names=names,
        has_more=more,
        start=start,
        send=send,
        unread_total=queries.unread_total(user.id),
        preselected=preselected,
        open_new=request.args.get("new") == "1",
    ), status


@bp.route("/chat/people")
@login_required
@rate_limit("people_search")
def people() -> ResponseReturnValue:
    """The people picker: up to ten people the user may message, by name or username."""
    user = require_user()
    return jsonify(people=queries.people_to_message(user, request.args.get("q", "")))


@bp.route("/chat/<int:conversation_id>")
@login_required
def chat_conversation(conversation_id: int) -> ResponseReturnValue:
    user = require_user()
    conversation, member = _conversation_or_404(user, conversation_id)
    return _chat_page(user, conversation, member)


@bp.route("/chat/<int:conversation_id>/messages")
@login_required
def message_items(conversation_id: int) -> ResponseReturnValue:
    """Messages as the page shows them, for ``chat.js`` (catch-up after ``after_id``, or the
    newest before ``before_id``): ``{html, has_more}``, in the reader's language and zone."""
    user = require_user()
    conversation, _member = _conversation_or_404(user, conversation_id)
    after = request.args.get("after_id", type=int)
    if after is not None and not 0 <= after <= MAX_ID:
        after = None
    limit = min(max(request.args.get("limit", PAGE_SIZE, type=int), 1), FRAGMENT_LIMIT)
    messages, more = queries.list_messages(
        conversation, after_id=after, before_id=id_arg("before_id"), limit=limit
    )
    return jsonify(html=_message_html(conversation, messages), has_more=more)


@bp.route("/chat/<int:conversation_id>/messages/<int:message_id>")
@login_required
def message_item(conversation_id: int, message_id: int) -> ResponseReturnValue:
    """One message as the page shows it (after an edit or a deletion): ``{html}``."""
    user = require_user()
    try:
        message, conversation = access.access_message(user, message_id)
    except ApiError:
        abort(404)
    if conversation.id != conversation_id:
        abort(404)
    return jsonify(html=_message_html(conversation, [message]))


@bp.route("/chat/list")
@login_required
def conversation_items() -> ResponseReturnValue:
    """The conversation list as the page shows it, for ``chat.js``: ``{html, unread_total}``;
    ``?current=<id>`` marks the open one."""
    user = require_user()
    html = render_template(
        "messaging/_conversations.html",
        conversations=queries.list_conversations(user),
        current_id=id_arg("current"),
    )
    return jsonify(html=html, unread_total=queries.unread_total(user.id))


def _message_html(conversation: Any, messages: list[Any]) -> str:
    names = {u.id: u.public_name for _m, u in queries.member_users(conversation)}
    return render_template(
        "messaging/_messages.html",
        messages=[serialize.serialize_message(m) for m in messages],
        names=names,
    )


@bp.route("/chat/<int:conversation_id>/send", methods=["POST"])
@login_required
@rate_limit("chat_send")
def send_form(conversation_id: int) -> ResponseReturnValue:
    """The no-JavaScript composer. Refused (empty, too long, blocked), the conversation is
    drawn again with the text kept and the reason beside it."""
    user = require_user()
    conversation, member = _conversation_or_404(user, conversation_id)
    form = SendForm()
    sent = submit(
        form,
        _worded(
            lambda: services.send_message(
                user, conversation, form.body.data or "", form.client_id.data, member
            )
        ),
        whole="body",
    )
    if sent and sent.ok:
        return redirect(url_for("messaging.chat_conversation", conversation_id=conversation_id))
    return _chat_page(user, conversation, member, send=form, status=form_status(form, sent))


@bp.route("/chat/new", methods=["POST"])
@login_required
@rate_limit("conversation_start")
def start_form() -> ResponseReturnValue:
    """Start a chat by usernames (comma separated; a title makes it a group), or with an
    association's team (``association_id``). Refused (an unknown username, nobody), the chat
    page is drawn again with what was typed and the reason beside its field."""
    user = require_user()
    form = StartForm()
    association_id = id_arg("association_id", request.form)
    if association_id is not None:  # "Write to the association" on its page: its inbox
        if not form.validate_on_submit():
            return _chat_page(user, None, None, start=form, status=form_status(form))
        started = attempt(lambda: services.start_conversation(user, [], None, association_id))
        if started.error is not None:
            flash_refusal(started.error)
            return redirect(url_for("messaging.chat_home"))
    else:

        def start() -> tuple[Conversation, bool]:
            names = form.names()
            found = ids_by_username(names)
            if names and found.keys() != {n.lower() for n in names}:
                unknown = _unknown([n for n in names if n.lower() not in found])
                raise invalid(unknown, {"usernames": [unknown]})
            return services.start_conversation(
                user, sorted(set(found.values())), form.title.data or None
            )

        by_name = submit(form, _worded(start), whole="usernames")
        if by_name is None or by_name.value is None:
            return _chat_page(user, None, None, start=form, status=form_status(form, by_name))
        started = by_name
    assert started.value is not None
    conversation, _created = started.value
    return redirect(url_for("messaging.chat_conversation", conversation_id=conversation.id))


def _unknown(names: list[str]) -> str:
    return str(_("Unknown username: %(names)s", names=", ".join(names)))


#: the form field a refusal's field is typed in
_FORM_FIELDS = {"member_ids": "usernames"}


def _in_words(error: ApiError) -> ApiError:
    """The refusal as the forms show it: messaging's per-field reasons are codes (the API's
    ``{"body": ["empty"]}``), so each field it names carries the translated message instead."""
    fields = {_FORM_FIELDS.get(name, name): [error.message or ""] for name in error.fields}
    return ApiError(error.code or 422, error.error_code, error.message, fields)


def _worded(write: Callable[[], T]) -> Callable[[], T]:
    """``write`` refusing in the forms' words (:func:`_in_words`)."""

    def run() -> T:
        try:
            return write()
        except ApiError as error:
            raise _in_words(error) from error

    return run
