"""In-app notifications: created once per subject, listed, marked read, private to their owner."""

from __future__ import annotations

from app.db import db
from app.notifications import notify, unread_count
from tests.factories import UserFactory


def _notify(user, actor, subject="topic:1", kind="forums.reply"):
    created = notify(
        [user.id, actor.id],
        kind=kind,
        subject=subject,
        text="Nouvelle réponse",
        url="/x",
        actor_id=actor.id,
    )
    db.session.commit()
    return created


def test_notify_skips_the_actor_and_deduplicates(user):
    actor = UserFactory()
    assert len(_notify(user, actor)) == 1  # not the actor
    assert _notify(user, actor) == []  # same subject again
    assert len(_notify(user, actor, subject="topic:2")) == 1
    assert unread_count(user.id) == 2
    assert unread_count(actor.id) == 0


def test_list_and_mark_read_through_the_api(api, user):
    actor = UserFactory()
    _notify(user, actor, subject="a")
    _notify(user, actor, subject="b")
    client = api(user)
    listing = client.get("/api/v1/notifications").json
    assert listing["unread_count"] == 2
    assert [n["text"] for n in listing["items"]] == ["Nouvelle réponse"] * 2
    first = listing["items"][-1]["id"]
    after = client.post("/api/v1/notifications/read", json={"ids": [first]}).json
    assert after["unread_count"] == 1
    assert client.post("/api/v1/notifications/read", json={}).json["unread_count"] == 0


def test_nobody_can_read_or_clear_someone_elses_notifications(api, user):
    actor = UserFactory()
    _notify(user, actor)
    stranger = api(UserFactory())
    assert stranger.get("/api/v1/notifications").json["items"] == []
    ids = [n["id"] for n in api(user).get("/api/v1/notifications").json["items"]]
    stranger.post("/api/v1/notifications/read", json={"ids": ids})
    assert unread_count(user.id) == 1
    assert api(None).get("/api/v1/notifications").status_code == 401


def test_bad_input_is_refused(api, user):
    client = api(user)
    assert client.get("/api/v1/notifications?limit=1000").status_code == 422
    assert client.post("/api/v1/notifications/read", json={"ids": "all"}).status_code == 422


def test_header_shows_the_unread_count(logged_in, user):
    _notify(user, UserFactory())
    html = logged_in(user).get("/").get_data(as_text=True)
    assert "data-notification-count>1<" in html.replace(" ", "").replace("\n", "") or (
        "data-notification-count>1</span>" in html
    )
    page = logged_in(user).get("/notifications").get_data(as_text=True)
    assert "Nouvelle réponse" in page
