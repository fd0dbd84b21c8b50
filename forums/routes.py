"""Forum pages (server-rendered, working without JavaScript; live updates on top)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import MAX_ID, ApiError, expected_version, id_arg
from app.db import transaction
from app.edge import form_action, form_status, submit
from app.limits import rate_limit
from forums import access, queries, serialize, services
from forums import moderation as moderating
from forums.forms import (
    FORUM_LANGUAGES,
    FlagForm,
    ForumForm,
    PostEditForm,
    ReplyForm,
    TopicForm,
)
from forums.models import REACTIONS
from forums.reading import topic_detail
from forums.text import locale

bp = Blueprint(
    "forums",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/forums",
)

REACTION_LABELS = {
    "like": _l("Like"),
    "love": _l("Love"),
    "laugh": _l("Funny"),
    "wow": _l("Wow"),
    "thanks": _l("Thanks"),
    "celebrate": _l("Congratulations"),
}


@bp.app_template_filter("reaction_label")
def _reaction_label(kind: str) -> str:
    """A reaction's name in the reader's language (button titles, screen readers)."""
    return _reaction_labels(locale()).get(kind, kind)


@lru_cache(maxsize=16)
def _reaction_labels(language: str) -> dict[str, str]:
    """The names in ``language``, translated once."""
    with force_locale(language):
        return {kind: str(label) for kind, label in REACTION_LABELS.items()}


PER_PAGE = 20


@bp.context_processor
def _flag_forms() -> dict[str, Any]:
    """``flag_form(post_id)``: the flag form ``_post.html`` draws under a post (the topic
    page's and its live fragments'): the refused one of this post, else an empty one."""

    def flag_form(post_id: int, refused: FlagForm | None = None) -> FlagForm:
        if refused is not None and refused.post_id == post_id:
            return refused
        return FlagForm(formdata=None).of_post(post_id)

    return {"flag_form": flag_form}


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


@bp.route("/forums")
def index() -> ResponseReturnValue:
    viewer = get_current_user()
    forums = queries.forum_index(viewer, locale())
    can_moderate = viewer is not None and access.moderated_forum_ids(viewer) != set()
    return render_template("forums/index.html", forums=forums, can_moderate=can_moderate)


@bp.route("/forums/new", methods=["GET", "POST"])
@login_required
def new_forum() -> ResponseReturnValue:
    """Platform admins add a forum, named and described in Arabic, French and English."""
    user = require_user()
    if not user.is_admin:
        abort(403)
    form = ForumForm()
    created = submit(form, lambda: services.create_forum(user, form.changes).id)
    if created and created.value is not None:
        return redirect(url_for("forums.forum", forum_id=created.value))
    if created and created.error and created.error.message and form.errors:
        # the three languages' fields are long on a phone: the refusal shown beside one of
        # them is also said on top (one shown beside none is flashed already)
        form.form_errors.append(created.error.message)
    return render_template(
        "forums/new_forum.html", form=form, languages=FORUM_LANGUAGES
    ), form_status(form, created)


@bp.route("/forums/<int:forum_id>")
def forum(forum_id: int) -> ResponseReturnValue:
    viewer = get_current_user()
    forum_obj = access.access_forum(forum_id)
    topics = queries.list_topics(viewer, forum_obj, _page(), PER_PAGE)
    watching = viewer is not None and queries.watching_forum(viewer, forum_id)
    return render_template(
        "forums/forum.html",
        forum=serialize.forum_dict(forum_obj, locale()),
        topics=topics,
        watching=watching,
        pages=_page_count(topics["total"], PER_PAGE),
    )


def _page_count(total: int, per_page: int) -> int:
    return max(1, (total + per_page - 1) // per_page)


@bp.route("/forums/<int:forum_id>/new", methods=["GET", "POST"])
@login_required
@rate_limit("post", methods=["POST"])
def new_topic(forum_id: int) -> ResponseReturnValue:
    user = require_user()
    forum_obj = access.access_forum(forum_id)
    form = TopicForm()

    def create() -> tuple[int, bool]:
        topic, post = services.create_topic(user, forum_obj, form.title.data, form.body.data)
        return topic.id, post.pending

    created = submit(form, create)
    if created and created.value is not None:
        topic_id, pending = created.value
        if pending:
            flash(_("Thank you! Your topic will appear once a moderator approves it."), "success")
        return redirect(url_for("forums.topic", topic_id=topic_id))
    return render_template(
        "forums/new_topic.html", forum=serialize.forum_dict(forum_obj, locale()), form=form
    ), form_status(form, created)


@bp.route("/forums/unread")
@login_required
def unread() -> ResponseReturnValue:
    topics = queries.unread_topics(require_user(), _page(), PER_PAGE)
    return render_template(
        "forums/unread.html", topics=topics, pages=_page_count(topics["total"], PER_PAGE)
    )


@bp.route("/topics/<int:topic_id>")
def topic(topic_id: int) -> ResponseReturnValue:
    viewer = get_current_user()
    topic_obj = access.access_topic(viewer, topic_id)
    form = None  # a visitor is asked to sign in, not shown the reply form
    if viewer is not None:
        form = ReplyForm(formdata=None, quote_post_id=id_arg("quote") or "", page=_page())
    return _topic_page(viewer, topic_obj, _page(), form)


def _topic_page(
    viewer: Any,
    topic_obj: Any,
    page: int,
    form: ReplyForm | None,
    status: int = 200,
    refused_flag: FlagForm | None = None,
) -> ResponseReturnValue:
    """A topic's page with its reply form (a refused reply: its text and the reason), and a
    refused flag in its post's panel, open (:func:`flag`)."""
    with transaction():  # the read mark the visit moves
        detail = topic_detail(viewer, topic_obj, page, PER_PAGE, True)
    quote = None
    quote_id = _int(form.quote_post_id.data, 0) if form is not None else 0
    if 1 <= quote_id <= MAX_ID and viewer is not None:
        try:
            qpost, _qtopic = access.access_post(viewer, quote_id)
            quote = {"id": qpost.id, "number": qpost.number}
        except ApiError:
            quote = None
    forums_list: list[dict[str, Any]] = []
    if detail["can_moderate"]:
        forums_list = [{"id": f.id, "name": f.label(locale())} for f in queries.all_forums()]
    return render_template(
        "forums/topic.html",
        topic=detail["topic"],
        forum=detail["forum"],
        posts=detail["posts"],
        watching=detail["watching"],
        last_read=detail["last_read_number"],
        can_moderate=detail["can_moderate"],
        pages=_page_count(detail["posts"]["total"], PER_PAGE),
        page=page,
        quote=quote,
        form=form,
        reactions=REACTIONS,
        all_forums=forums_list,
        refused_flag=refused_flag,
    ), status


@bp.route("/topics/<int:topic_id>/items")
def post_items(topic_id: int) -> ResponseReturnValue:
    """Posts numbered above ``after_number`` as the topic page shows them, for ``topic.js``
    (a live reply, the catch-up after a reconnect): ``{html, last_number, has_more}``."""
    viewer = get_current_user()
    topic_obj = access.access_topic(viewer, topic_id)
    after = min(max(request.args.get("after_number", 0, type=int), 0), 2**31)
    posts = queries.posts_after(viewer, topic_obj, after, PER_PAGE + 1)
    more, posts = len(posts) > PER_PAGE, posts[:PER_PAGE]
    last = max((p["number"] for p in posts), default=after)
    return jsonify(html=_posts_html(viewer, topic_obj, posts), last_number=last, has_more=more)


@bp.route("/posts/<int:post_id>/item")
def post_item(post_id: int) -> ResponseReturnValue:
    """One post as the topic page shows it now (after an edit, a reaction, moderation)."""
    viewer = get_current_user()
    post, topic_obj = access.access_post(viewer, post_id)
    posts = [queries.one_post(viewer, post, topic_obj)]
    return jsonify(html=_posts_html(viewer, topic_obj, posts))


def _posts_html(viewer: Any, topic_obj: Any, posts: list[dict[str, Any]]) -> str:
    return render_template(
        "forums/_posts.html",
        posts=posts,
        topic=topic_obj,
        page_of=lambda number: queries.page_of(number, PER_PAGE),
        can_moderate=access.is_moderator(viewer, topic_obj.forum_id) if viewer else False,
    )


@bp.route("/topics/<int:topic_id>/reply", methods=["POST"])
@login_required
@rate_limit("post")
def reply(topic_id: int) -> ResponseReturnValue:
    """A reply from the topic page's form. Refused (empty, too long, the topic locked), the
    page is drawn again with the text kept and the reason beside it."""
    user = require_user()
    topic_obj = access.access_topic(user, topic_id)
    form = ReplyForm()
    page = min(max(_int(form.page.data, 1), 1), 100_000)
    quote_id = id_arg("quote_post_id", request.form)

    def write() -> tuple[int, bool]:
        replying = access.access_topic(user, topic_id, "reply")
        post = services.reply(user, replying, form.body.data, quote_id)
        return post.number, post.pending

    written = submit(form, write, whole="body")
    if written is None or written.value is None:
        return _topic_page(user, topic_obj, page, form, form_status(form, written))
    number, pending = written.value
    if pending:
        flash(_("Thank you! Your reply will appear once a moderator approves it."), "success")
    page = queries.page_of(number, PER_PAGE)
    return redirect(url_for("forums.topic", topic_id=topic_id, page=page) + f"#post-{number}")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@bp.route("/topics/<int:topic_id>/watch", methods=["POST"])
@login_required
def watch_topic(topic_id: int) -> ResponseReturnValue:
    user = require_user()
    topic_obj = access.access_topic(user, topic_id)
    on = request.form.get("on") == "1"
    form_action(lambda: services.set_watch(user, topic=topic_obj, on=on))
    return redirect(url_for("forums.topic", topic_id=topic_id))


@bp.route("/forums/<int:forum_id>/watch", methods=["POST"])
@login_required
def watch_forum(forum_id: int) -> ResponseReturnValue:
    user = require_user()
    forum_obj = access.access_forum(forum_id)
    on = request.form.get("on") == "1"
    form_action(lambda: services.set_watch(user, forum=forum_obj, on=on))
    return redirect(url_for("forums.forum", forum_id=forum_id))


@bp.route("/topics/<int:topic_id>/moderate", methods=["POST"])
@login_required
def moderate_topic(topic_id: int) -> ResponseReturnValue:
    user = require_user()
    topic_obj = access.access_topic(user, topic_id, "moderate")
    changes: dict[str, Any] = {}
    for key in ("pinned", "locked", "hidden"):
        if key in request.form:
            changes[key] = request.form[key] == "1"
    if id_arg("forum_id", request.form):
        changes["forum_id"] = id_arg("forum_id", request.form)
    form_action(lambda: moderating.moderate_topic(user, topic_obj, changes))
    return redirect(url_for("forums.topic", topic_id=topic_id))


def _back_to(post_number: int, topic_id: int) -> ResponseReturnValue:
    page = queries.page_of(post_number, PER_PAGE)
    return redirect(url_for("forums.topic", topic_id=topic_id, page=page) + f"#post-{post_number}")


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limit("post_edit", methods=["POST"])
def edit_post(post_id: int) -> ResponseReturnValue:
    user = require_user()
    post, topic_obj = access.access_post(user, post_id, "edit")
    form = PostEditForm(data={"body": post.body, "title": topic_obj.title, "version": post.version})
    if post.number != 1:
        del form.title
    number, topic_id = post.number, topic_obj.id
    saved = submit(
        form,
        lambda: services.edit_post(
            user,
            post,
            topic_obj,
            form.body.data,
            form.title.data if number == 1 else None,
            expected_version(form.version.data),
        ),
    )
    if saved and saved.ok:
        return _back_to(number, topic_id)
    conflict = bool(saved and saved.conflict)
    if conflict:
        # Their text is shown above the form, which keeps the editor's input and now
        # carries the current version: saving again applies it knowingly.
        post, topic_obj = queries.stored_post(user, post_id, "edit")
        form.version.data = str(post.version)
    return render_template(
        "forums/edit_post.html", post=post, topic=topic_obj, form=form, conflict=conflict
    ), form_status(form, saved)


@bp.route("/posts/<int:post_id>/history")
def post_history(post_id: int) -> ResponseReturnValue:
    viewer = get_current_user()
    post, topic_obj = access.access_post(viewer, post_id)
    revisions = [
        (rev, editor, serialize.revision_html(rev)) for rev, editor in queries.post_revisions(post)
    ]
    return render_template("forums/history.html", post=post, topic=topic_obj, revisions=revisions)


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id: int) -> ResponseReturnValue:
    user = require_user()
    post, topic_obj = access.access_post(user, post_id, "delete")
    number, topic_id, forum_id = post.number, topic_obj.id, topic_obj.forum_id
    if not form_action(lambda: services.delete_post(user, post, topic_obj)):
        return _back_to(number, topic_id)
    flash(_("The post was deleted."), "success")
    if number == 1:
        return redirect(url_for("forums.forum", forum_id=forum_id))
    return _back_to(number, topic_id)


@bp.route("/posts/<int:post_id>/react", methods=["POST"])
@login_required
def react(post_id: int) -> ResponseReturnValue:
    user = require_user()
    post, topic_obj = access.access_post(user, post_id)
    kind = request.form.get("kind", "")
    number, topic_id = post.number, topic_obj.id
    if request.form.get("undo") == "1":
        form_action(lambda: services.unreact(user, post, topic_obj, kind))
    else:
        form_action(lambda: services.react(user, post, topic_obj, kind))
    return _back_to(number, topic_id)


@bp.route("/posts/<int:post_id>/flag", methods=["POST"])
@login_required
def flag(post_id: int) -> ResponseReturnValue:
    """A flag from a post's panel. Refused for what was typed (an unknown reason, details
    missing or too long), the topic page is drawn again with this post's panel open, the
    text kept and each reason beside its field; other refusals (already flagged) are
    flashed at the post."""
    user = require_user()
    post, topic_obj = access.access_post(user, post_id)
    number, topic_id = post.number, topic_obj.id
    form = FlagForm().of_post(post_id)
    reason, details = form.reason.data or "", form.details.data or ""
    flagged = submit(form, lambda: moderating.flag(user, post, topic_obj, reason, details))
    if flagged and flagged.ok:
        flash(_("Thank you, the moderators will look at this post."), "success")
        return _back_to(number, topic_id)
    if flagged and not form.errors:  # flashed: nothing to show beside the fields
        return _back_to(number, topic_id)
    page = queries.page_of(number, PER_PAGE)
    reply_form = ReplyForm(formdata=None, page=page)
    return _topic_page(user, topic_obj, page, reply_form, 422, refused_flag=form)


@bp.route("/posts/<int:post_id>/moderate", methods=["POST"])
@login_required
def moderate_post(post_id: int) -> ResponseReturnValue:
    user = require_user()
    post, topic_obj = access.access_post(user, post_id, "moderate")
    number, topic_id = post.number, topic_obj.id
    action = request.form.get("action", "")
    form_action(lambda: moderating.moderate_post(user, post, topic_obj, action))
    if request.form.get("next") == "queue":
        return redirect(url_for("forums.moderation"))
    return _back_to(number, topic_id)


@bp.route("/forums/moderation")
@login_required
def moderation() -> ResponseReturnValue:
    user = require_user()
    if access.moderated_forum_ids(user) == set():
        abort(403)
    return render_template("forums/moderation.html", queue=queries.moderation_queue(user))


@bp.route("/forums/<int:forum_id>/feed.atom")
def feed(forum_id: int) -> ResponseReturnValue:
    """Atom feed of the forum's latest topics (visible to everybody)."""
    forum_obj = access.access_forum(forum_id)
    rows = queries.feed_topics(forum_id)
    entries: list[dict[str, Any]] = [
        {
            "topic": t,
            "author": a,
            "html": p.body_html if p.publicly_visible else "",
            "updated": p.edited_at or p.created_at,
        }
        for t, p, a in rows
    ]
    updated = max([e["updated"] for e in entries] or [forum_obj.created_at])
    xml = render_template(
        "forums/feed.xml",
        forum=forum_obj,
        name=forum_obj.label(locale()),
        description=forum_obj.description(locale()),
        entries=entries,
        updated=updated,
    )
    return Response(xml, mimetype="application/atom+xml")
