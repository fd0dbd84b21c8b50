"""The forums JSON API: forums, topics, replies, quotes, mentions, reactions, edits, deletes,
reading state and watches, with each denied case."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db import db
from app.notifications.models import Notification
from directory import list_fields
from forums.models import Forum, Post, PostRevision, Reaction, Topic
from tests.conftest import count_statements
from tests.directory.factories import FieldFactory
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, make_reply, make_topic


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# ---------------------------------------------------------------- forums


def test_every_field_of_activity_gets_a_forum(api):
    FieldFactory(name_ar="التعليم", name_fr="Éducation", name_en="Education")
    FieldFactory(name_ar="الصحة", name_fr="Santé", name_en="Health")
    db.session.commit()
    assert count(Forum) == 2  # made with the fields, not by the first reader
    with count_statements() as statements:
        response = api(None).get("/api/v1/forums", headers={"Accept-Language": "fr"})
        page = api(None).get("/forums")
    assert page.status_code == 200
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []  # a read never writes
    assert response.status_code == 200
    names = {item["name_fr"] for item in response.json["items"]}
    assert {"Éducation", "Santé"} <= names
    field_ids = {item["field_id"] for item in response.json["items"]}
    assert {f.id for f in list_fields()} <= field_ids
    # Listing again creates nothing more.
    api(None).get("/api/v1/forums")
    assert count(Forum) == 2


def test_admin_creates_a_forum_with_three_languages(api, admin, user):
    data = {
        "name_ar": "التمويل",
        "name_fr": "Financement",
        "name_en": "Funding",
        "description_ar": "وصف بالعربية",
        "description_fr": "Description en français",
        "description_en": "English description",
    }
    response = api(admin).post("/api/v1/forums", json=data)
    assert response.status_code == 201, response.json
    assert response.json["description_fr"] == "Description en français"
    assert response.json["name"] == "التمويل"  # default locale: Arabic


def test_only_admins_create_or_edit_forums(api, user, forum):
    denied = api(user).post("/api/v1/forums", json={"name_en": "Mine"})
    assert denied.status_code == 403
    assert api(None).post("/api/v1/forums", json={"name_en": "Mine"}).status_code == 401
    assert api(user).patch(f"/api/v1/forums/{forum.id}", json={"name_en": "X"}).status_code == 403
    assert count(Forum) == 1


def test_forum_needs_a_name(api, admin):
    response = api(admin).post("/api/v1/forums", json={"description_en": "nameless"})
    assert response.status_code == 422
    assert "name_en" in response.json["error"]["fields"]


# ---------------------------------------------------------------- topics and replies


def test_open_a_topic_and_reply(api, user, forum):
    response = api(user).post(
        f"/api/v1/forums/{forum.id}/topics",
        json={"title": "Soutien scolaire", "body": "**Bonjour**"},
    )
    assert response.status_code == 201, response.json
    topic_id = response.json["topic"]["id"]
    assert response.json["post"]["number"] == 1
    assert "<strong>Bonjour</strong>" in response.json["post"]["body_html"]
    other = UserFactory()
    reply = api(other).post(f"/api/v1/topics/{topic_id}/posts", json={"body": "مرحبا"})
    assert reply.status_code == 201
    assert reply.json["number"] == 2
    detail = api(None).get(f"/api/v1/topics/{topic_id}").json
    assert [p["number"] for p in detail["posts"]["items"]] == [1, 2]
    assert detail["topic"]["post_count"] == 2
    listing = api(None).get(f"/api/v1/forums/{forum.id}/topics").json
    assert listing["items"][0]["title"] == "Soutien scolaire"
    assert listing["items"][0]["last_poster"]["id"] == other.id
    forums = api(None).get("/api/v1/forums").json["items"]
    assert forums[0]["topic_count"] == 1 and forums[0]["post_count"] == 2


def test_anonymous_cannot_post(api, forum):
    topic, _ = make_topic(forum=forum)
    assert (
        api(None)
        .post(f"/api/v1/forums/{forum.id}/topics", json={"title": "abc", "body": "x"})
        .status_code
        == 401
    )
    assert api(None).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "x"}).status_code == 401
    assert count(Post) == 1


def test_empty_and_huge_bodies_are_refused(api, user, forum):
    topic, _ = make_topic(forum=forum)
    for body in ["", "   \n  "]:
        response = api(user).post(f"/api/v1/topics/{topic.id}/posts", json={"body": body})
        assert response.status_code == 422
        assert "body" in response.json["error"]["fields"]
    response = api(user).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "x" * 20_001})
    assert response.status_code == 422
    response = api(user).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "x" * 200_000})
    assert response.status_code in (413, 422)
    response = api(user).post(f"/api/v1/topics/{topic.id}/posts", json={})
    assert response.status_code == 422
    bad_title = api(user).post(
        f"/api/v1/forums/{forum.id}/topics", json={"title": "  a ", "body": "x"}
    )
    assert bad_title.status_code == 422
    assert "title" in bad_title.json["error"]["fields"]
    assert count(Post) == 1 and count(Topic) == 1


def test_unknown_forum_and_topic_answer_404(api, user):
    assert api(user).get("/api/v1/forums/999/topics").status_code == 404
    assert api(user).get("/api/v1/topics/999").status_code == 404
    assert api(user).post("/api/v1/topics/999/posts", json={"body": "x"}).status_code == 404


def test_locked_topic_refuses_replies_but_moderators_may(api, user, admin, forum):
    topic, _ = make_topic(forum=forum)
    assert api(admin).patch(f"/api/v1/topics/{topic.id}", json={"locked": True}).status_code == 200
    response = api(user).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "late"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "topic_locked"
    assert count(Post) == 1
    assert (
        api(admin)
        .post(f"/api/v1/topics/{topic.id}/posts", json={"body": "closing note"})
        .status_code
        == 201
    )


def test_pinned_topics_come_first(api, admin, forum):
    old, _ = make_topic(forum=forum, title="Old but pinned")
    make_topic(forum=forum, title="Fresh topic")
    api(admin).patch(f"/api/v1/topics/{old.id}", json={"pinned": True})
    items = api(None).get(f"/api/v1/forums/{forum.id}/topics").json["items"]
    assert [t["title"] for t in items] == ["Old but pinned", "Fresh topic"]
    assert items[0]["pinned"] is True


def test_only_moderators_pin_lock_or_move(api, user, forum):
    topic, _ = make_topic(author=user, forum=forum)
    for change in (
        {"pinned": True},
        {"locked": True},
        {"hidden": True},
        {"forum_id": ForumFactory().id},
    ):
        assert api(user).patch(f"/api/v1/topics/{topic.id}", json=change).status_code == 403
    db.session.expire_all()
    topic = db.session.get(Topic, topic.id)
    assert not topic.pinned and not topic.locked and topic.forum_id == forum.id


def test_pagination_by_post_number(api, user, forum):
    topic, _ = make_topic(author=user, forum=forum, replies=44)
    page = api(None).get(f"/api/v1/topics/{topic.id}?page=3&per_page=20").json["posts"]
    assert [p["number"] for p in page["items"]] == [41, 42, 43, 44, 45]
    assert page["total"] == 45
    after = api(None).get(f"/api/v1/topics/{topic.id}/posts?after_number=43").json["items"]
    assert [p["number"] for p in after] == [44, 45]
    assert api(None).get(f"/api/v1/topics/{topic.id}?per_page=500").status_code == 422


# ---------------------------------------------------------------- quotes and mentions


def test_quote_a_post_notifies_its_author(api, user, forum):
    quoted_author = UserFactory(display_name="Amina")
    topic, first = make_topic(author=quoted_author, forum=forum, body="L’eau est rare cette année.")
    response = api(user).post(
        f"/api/v1/topics/{topic.id}/posts", json={"body": "Tout à fait", "quote_post_id": first.id}
    )
    assert response.status_code == 201
    quote = response.json["quote"]
    assert quote["post_id"] == first.id and quote["author"]["display_name"] == "Amina"
    assert "L’eau est rare" in quote["excerpt"]
    kinds = set(
        db.session.scalars(
            select(Notification.kind).where(Notification.user_id == quoted_author.id)
        )
    )
    assert "forum_quote" in kinds


def test_quoting_from_a_hidden_topic_is_refused(api, user, admin, forum):
    secret, secret_first = make_topic(forum=forum, body="hidden words")
    api(admin).patch(f"/api/v1/topics/{secret.id}", json={"hidden": True})
    topic, _ = make_topic(forum=forum)
    response = api(user).post(
        f"/api/v1/topics/{topic.id}/posts",
        json={"body": "quoting", "quote_post_id": secret_first.id},
    )
    assert response.status_code == 422
    assert "quote_post_id" in response.json["error"]["fields"]
    assert "hidden words" not in response.get_data(as_text=True)
    assert count(Post, Post.topic_id == topic.id) == 1


def test_quoting_a_hidden_or_missing_post_is_refused(api, user, admin, forum):
    topic, _ = make_topic(forum=forum)
    target = make_reply(UserFactory(), topic, "rude")
    api(admin).post(f"/api/v1/posts/{target.id}/moderate", json={"action": "hide"})
    for quote_id in (target.id, 99999):
        response = api(user).post(
            f"/api/v1/topics/{topic.id}/posts", json={"body": "q", "quote_post_id": quote_id}
        )
        assert response.status_code == 422
    assert count(Post, Post.topic_id == topic.id) == 2


def test_mentions_link_and_notify(api, forum):
    author = UserFactory()
    mentioned = UserFactory(username="khadija")
    topic, _ = make_topic(forum=forum)
    response = api(author).post(
        f"/api/v1/topics/{topic.id}/posts",
        json={"body": "Merci @Khadija ! and `@khadija` in code, @nobody"},
    )
    html = response.json["body_html"]
    assert f'<a class="mention" href="/users/{mentioned.id}" dir="ltr">@khadija</a>' in html
    assert html.count('class="mention"') == 1
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == mentioned.id)
    ).all()
    assert [n.kind for n in notes] == ["forum_mention"]
    assert notes[0].url.startswith(f"/topics/{topic.id}")


def test_reply_notifies_topic_watchers_but_not_the_replier(api, forum):
    owner = UserFactory()
    replier = UserFactory()
    topic, _ = make_topic(author=owner, forum=forum)
    api(replier).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "Réponse"})
    db.session.expire_all()
    assert (
        count(Notification, Notification.user_id == owner.id, Notification.kind == "forum_reply")
        == 1
    )
    assert count(Notification, Notification.user_id == replier.id) == 0
    # The replier now watches too; the owner unwatches.
    assert api(owner).delete(f"/api/v1/topics/{topic.id}/watch").json == {"watching": False}
    api(UserFactory()).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "Encore"})
    assert (
        count(Notification, Notification.user_id == replier.id, Notification.kind == "forum_reply")
        == 1
    )
    assert (
        count(Notification, Notification.user_id == owner.id, Notification.kind == "forum_reply")
        == 1
    )


def test_watching_a_forum_notifies_new_topics(api, user, forum):
    watcher = UserFactory()
    assert api(watcher).put(f"/api/v1/forums/{forum.id}/watch").json == {"watching": True}
    api(user).post(
        f"/api/v1/forums/{forum.id}/topics", json={"title": "Nouveau sujet", "body": "x"}
    )
    assert (
        count(Notification, Notification.user_id == watcher.id, Notification.kind == "forum_topic")
        == 1
    )
    assert api(None).put(f"/api/v1/forums/{forum.id}/watch", json={}).status_code == 401


# ---------------------------------------------------------------- reactions


def test_reacting_twice_is_idempotent(api, user, forum):
    _topic, first = make_topic(forum=forum)
    one = api(user).post(f"/api/v1/posts/{first.id}/reactions", json={"kind": "like"})
    assert one.status_code == 201 and one.json["created"] is True
    two = api(user).post(f"/api/v1/posts/{first.id}/reactions", json={"kind": "like"})
    assert two.status_code == 200 and two.json["created"] is False
    like = next(r for r in two.json["post"]["reactions"] if r["kind"] == "like")
    assert like == {"kind": "like", "emoji": "👍", "count": 1, "mine": True}
    assert count(Reaction) == 1
    assert api(user).delete(f"/api/v1/posts/{first.id}/reactions/like").status_code == 204
    assert count(Reaction) == 0


def test_unknown_reaction_and_anonymous_are_refused(api, user, forum):
    _topic, first = make_topic(forum=forum)
    bad = api(user).post(f"/api/v1/posts/{first.id}/reactions", json={"kind": "<script>"})
    assert bad.status_code == 422
    assert (
        api(None).post(f"/api/v1/posts/{first.id}/reactions", json={"kind": "like"}).status_code
        == 401
    )
    assert count(Reaction) == 0


# ---------------------------------------------------------------- edit and delete


def test_author_edits_and_history_is_visible(api, user, forum):
    topic, first = make_topic(author=user, forum=forum, body="version one")
    response = api(user).patch(
        f"/api/v1/posts/{first.id}", json={"body": "version two", "title": "New title"}
    )
    assert response.status_code == 200
    assert response.json["edit_count"] == 1 and response.json["edited_at"]
    history = api(None).get(f"/api/v1/posts/{first.id}/revisions").json["items"]
    assert [h["body"] for h in history] == ["version one"]
    assert history[0]["editor"]["id"] == user.id
    assert api(None).get(f"/api/v1/topics/{topic.id}").json["topic"]["title"] == "New title"


def test_editing_someone_elses_post_is_forbidden(api, user, forum):
    _topic, first = make_topic(forum=forum, body="original")
    response = api(user).patch(f"/api/v1/posts/{first.id}", json={"body": "vandalised"})
    assert response.status_code == 403
    assert api(user).delete(f"/api/v1/posts/{first.id}").status_code == 403
    assert api(None).patch(f"/api/v1/posts/{first.id}", json={"body": "x"}).status_code == 401
    db.session.expire_all()
    post = db.session.get(Post, first.id)
    assert post.body == "original" and post.deleted_at is None
    assert count(PostRevision) == 0


def test_moderator_may_edit_others(api, admin, forum):
    _topic, first = make_topic(forum=forum, body="typo")
    assert api(admin).patch(f"/api/v1/posts/{first.id}", json={"body": "fixed"}).status_code == 200


def test_empty_edit_is_refused(api, user, forum):
    _topic, first = make_topic(author=user, forum=forum, body="keep me")
    assert api(user).patch(f"/api/v1/posts/{first.id}", json={"body": ""}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Post, first.id).body == "keep me"


def test_author_soft_deletes_a_reply(api, user, forum):
    topic, _ = make_topic(forum=forum)
    mine = make_reply(user, topic, "regrettable")
    assert api(user).delete(f"/api/v1/posts/{mine.id}").status_code == 204
    items = api(None).get(f"/api/v1/topics/{topic.id}").json["posts"]["items"]
    placeholder = items[1]
    assert (
        placeholder["deleted"] is True
        and placeholder["body"] == ""
        and placeholder["body_html"] == ""
    )
    assert api(user).delete(f"/api/v1/posts/{mine.id}").status_code == 404
    assert api(user).patch(f"/api/v1/posts/{mine.id}", json={"body": "back"}).status_code == 404
    db.session.expire_all()
    assert (
        db.session.get(Post, mine.id).body == "regrettable"
    )  # soft delete keeps it for moderators
    assert db.session.get(Topic, topic.id).post_count == 1


def test_deleting_the_first_post_removes_the_topic(api, user, forum):
    topic, first = make_topic(author=user, forum=forum)
    assert api(user).delete(f"/api/v1/posts/{first.id}").status_code == 204
    assert api(None).get(f"/api/v1/topics/{topic.id}").status_code == 404
    assert api(None).get(f"/api/v1/forums/{forum.id}/topics").json["total"] == 0


# ---------------------------------------------------------------- reading state


def test_unread_topics_and_last_visit_marker(api, forum):
    reader = UserFactory()
    writer = UserFactory()
    topic, _ = make_topic(author=writer, forum=forum, replies=2)
    listing = api(reader).get(f"/api/v1/forums/{forum.id}/topics").json["items"][0]
    assert listing["new"] is True and listing["unread_count"] == 3
    first = api(reader).get(f"/api/v1/topics/{topic.id}").json
    assert first["last_read_number"] is None
    listing = api(reader).get(f"/api/v1/forums/{forum.id}/topics").json["items"][0]
    assert listing["new"] is False and listing["unread_count"] == 0
    make_reply(writer, topic, "one more")
    make_reply(writer, topic, "and another")
    assert api(reader).get("/api/v1/forums/unread").json["items"][0]["unread_count"] == 2
    forums = api(reader).get("/api/v1/forums").json["items"]
    assert forums[0]["unread_topics"] == 1
    second = api(reader).get(f"/api/v1/topics/{topic.id}").json
    assert second["last_read_number"] == 3  # the marker sits before post 4
    assert api(reader).get("/api/v1/forums/unread").json["total"] == 0
    assert api(None).get("/api/v1/forums/unread").status_code == 401


def test_mark_read_never_goes_backwards(api, user, forum):
    topic, _ = make_topic(forum=forum, replies=4)
    assert api(user).post(f"/api/v1/topics/{topic.id}/read", json={"number": 4}).json == {
        "last_read_number": 4
    }
    assert api(user).post(f"/api/v1/topics/{topic.id}/read", json={"number": 2}).json == {
        "last_read_number": 4
    }
    assert api(user).post(f"/api/v1/topics/{topic.id}/read", json={"number": 99}).json == {
        "last_read_number": 5
    }


def test_openapi_documents_the_forums_api(api):
    spec = api(None).get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/forums",
        "/api/v1/forums/{forum_id}/topics",
        "/api/v1/topics/{topic_id}",
        "/api/v1/topics/{topic_id}/posts",
        "/api/v1/posts/{post_id}",
        "/api/v1/posts/{post_id}/reactions",
        "/api/v1/posts/{post_id}/flags",
    ):
        assert path in spec["paths"], path


def test_a_mention_added_by_an_edit_notifies_once(api, user, forum):
    salma = UserFactory(username="salma")
    _topic, first = make_topic(author=user, forum=forum, body="Bonjour")
    api(user).patch(f"/api/v1/posts/{first.id}", json={"body": "Bonjour @salma"})
    api(user).patch(f"/api/v1/posts/{first.id}", json={"body": "Bonjour @salma !"})
    assert (
        count(Notification, Notification.user_id == salma.id, Notification.kind == "forum_mention")
        == 1
    )


def test_unread_lists_new_topics_before_any_reading(api, forum):
    reader = UserFactory()
    topic, _ = make_topic(forum=forum, title="Tout nouveau sujet")
    unread = api(reader).get("/api/v1/forums/unread").json
    assert [t["id"] for t in unread["items"]] == [topic.id] and unread["total"] == 1
    assert unread["items"][0]["new"] is True
