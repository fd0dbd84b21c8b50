"""The messaging REST API: conversations, idempotent sends, history, read state, denials."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask

from app import limits
from app.db import db, transaction
from messaging.models import Conversation, Message
from tests.factories import UserFactory
from tests.messaging.factories import direct, group, send

BASE = "/api/v1/conversations"


def count_messages() -> int:
    db.session.expire_all()
    return db.session.query(Message).count()


def test_direct_conversation_is_unique_per_pair(api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    first = api(a).post(BASE, json={"member_ids": [b.id]})
    assert first.status_code == 201, first.json
    assert first.json["kind"] == "direct"
    again = api(b).post(BASE, json={"member_ids": [a.id]})
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert db.session.query(Conversation).count() == 1


def test_direct_conversation_race_creates_one(app: Flask) -> None:
    from messaging import services

    a, b = UserFactory(), UserFactory()
    a_id, b_id = a.id, b.id
    results: list[int] = []
    barrier = threading.Barrier(4)

    def start(me: int, other: int) -> None:
        with app.app_context():
            user = db.session.get(type(a), me)
            barrier.wait()
            with transaction():  # services flush; the caller's edge commits
                conversation, _created = services.start_conversation(user, [other])
                results.append(conversation.id)
            db.session.remove()

    threads = [
        threading.Thread(target=start, args=pair) for pair in [(a_id, b_id), (b_id, a_id)] * 2
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len(set(results)) == 1
    db.session.expire_all()
    assert db.session.query(Conversation).count() == 1


def test_start_conversation_bad_input(api: Any) -> None:
    a = UserFactory()
    client = api(a)
    assert client.post(BASE, json={"member_ids": []}).status_code == 422
    assert client.post(BASE, json={"member_ids": [a.id]}).status_code == 422
    unknown = client.post(BASE, json={"member_ids": [999_999]})
    assert unknown.status_code == 422 and unknown.json["error"]["code"] == "unknown_user"
    assert client.post(BASE, json={"member_ids": "x"}).status_code == 422
    assert client.post(BASE, json={"member_ids": [1], "title": "t" * 201}).status_code == 422
    assert api(None).post(BASE, json={"member_ids": [a.id]}).status_code == 401


def test_start_conversation_refuses_a_deactivated_account(api: Any) -> None:
    a, gone = UserFactory(), UserFactory(is_active=False)
    refused = api(a).post(BASE, json={"member_ids": [gone.id]})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "unknown_user"
    assert refused.json["error"]["fields"] == {"member_ids": [gone.id]}


def test_group_creation_and_listing(api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    made = api(a).post(BASE, json={"member_ids": [b.id, c.id], "title": "جمعية الأمل"})
    assert made.status_code == 201
    assert made.json["kind"] == "group" and made.json["title"] == "جمعية الأمل"
    roles = {m["user_id"]: m["role"] for m in made.json["members"]}
    assert roles == {a.id: "admin", b.id: "member", c.id: "member"}
    listed = api(c).get(BASE)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json["items"]] == [made.json["id"]]
    assert api(UserFactory()).get(BASE).json["items"] == []


def test_send_is_idempotent_per_client_id(api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    url = f"{BASE}/{conv.id}/messages"
    first = api(a).post(url, json={"body": "Salam **ya** sahbi", "client_id": "c-1"})
    assert first.status_code == 201
    message = first.json
    assert set(message) >= {
        "id",
        "conversation_id",
        "sender_id",
        "body",
        "body_html",
        "client_id",
        "created_at",
    }
    assert "<strong>ya</strong>" in message["body_html"]
    retry = api(a).post(url, json={"body": "Salam **ya** sahbi", "client_id": "c-1"})
    assert retry.status_code == 200
    assert retry.json == message
    conflict = api(a).post(url, json={"body": "autre chose", "client_id": "c-1"})
    assert conflict.status_code == 409
    assert conflict.json["error"]["code"] == "client_id_reused"
    # another person may use the same client id: keys are per sender
    other = api(b).post(url, json={"body": "wa salam", "client_id": "c-1"})
    assert other.status_code == 201
    assert count_messages() == 2


def test_same_client_id_in_another_conversation_is_refused(api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    one, two = direct(a, b), direct(a, c)
    assert (
        api(a).post(f"{BASE}/{one.id}/messages", json={"body": "x", "client_id": "k"}).status_code
        == 201
    )
    reused = api(a).post(f"{BASE}/{two.id}/messages", json={"body": "x", "client_id": "k"})
    assert reused.status_code == 409
    assert count_messages() == 1


def test_concurrent_retries_store_once(app: Flask) -> None:

    a, b = UserFactory(), UserFactory()
    conv_id, a_id = direct(a, b).id, a.id
    ids: list[int] = []
    barrier = threading.Barrier(4)

    def retry() -> None:
        with app.app_context():
            actor = db.session.get(type(a), a_id)
            conv = db.session.get(Conversation, conv_id)
            barrier.wait()
            with transaction():  # services flush; the caller's edge commits
                ids.append(send(actor, conv, "once", "same-id").message["id"])
            db.session.remove()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 4 and len(set(ids)) == 1
    assert count_messages() == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"body": "", "client_id": "a"}, "empty_body"),
        ({"body": "   \n ", "client_id": "a"}, "empty_body"),
        ({"body": "x" * 5001, "client_id": "a"}, "body_too_long"),
        ({"body": "x" * 100_000, "client_id": "a"}, "validation_failed"),
        ({"body": "hello"}, "validation_failed"),
        ({"body": "hello", "client_id": ""}, "validation_failed"),
        ({"body": "hello", "client_id": "a" * 65}, "validation_failed"),
        ({"body": "hello", "client_id": "bad id with spaces"}, "invalid_client_id"),
        ({"body": 12, "client_id": "a"}, "validation_failed"),
        ({"client_id": "a"}, "validation_failed"),
    ],
)
def test_send_bad_input_stores_nothing(api: Any, payload: dict[str, Any], code: str) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    response = api(a).post(f"{BASE}/{conv.id}/messages", json=payload)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == code
    assert count_messages() == 0


def test_refused_message_error_body(api: Any) -> None:
    """Clients read the code, the message in their language and which field is wrong."""
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    client = api(a)
    empty = client.post(f"{BASE}/{conv.id}/messages", json={"body": " ", "client_id": "a"})
    assert empty.json["error"] == {
        "code": "empty_body",
        "message": "الرسالة فارغة.",
        "fields": {"body": ["empty"]},
    }
    long = client.post(f"{BASE}/{conv.id}/messages", json={"body": "x" * 5001, "client_id": "a"})
    assert long.json["error"]["fields"] == {"body": ["too long"]}
    assert "5000" in long.json["error"]["message"]


def test_non_member_gets_404_everywhere(api: Any) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    sent = api(a).post(f"{BASE}/{conv.id}/messages", json={"body": "privé", "client_id": "p"})
    client = api(stranger)
    assert client.get(f"{BASE}/{conv.id}").status_code == 404
    assert client.get(f"{BASE}/{conv.id}/messages").status_code == 404
    assert (
        client.post(f"{BASE}/{conv.id}/messages", json={"body": "x", "client_id": "y"}).status_code
        == 404
    )
    assert client.post(f"{BASE}/{conv.id}/read", json={"last_read_id": 1}).status_code == 404
    assert (
        client.patch(f"/api/v1/messages/{sent.json['id']}", json={"body": "pirate"}).status_code
        == 404
    )
    assert client.delete(f"/api/v1/messages/{sent.json['id']}").status_code == 404
    assert client.get(f"/api/v1/messages/{sent.json['id']}/seen-by").status_code == 404
    assert client.get(f"{BASE}/999999/messages").status_code == 404
    assert api(None).get(f"{BASE}/{conv.id}/messages").status_code == 401
    assert count_messages() == 1


def test_history_pagination_ascending(api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    url = f"{BASE}/{conv.id}/messages"
    ids = [
        api(a).post(url, json={"body": f"m{i}", "client_id": f"h{i}"}).json["id"] for i in range(7)
    ]
    assert ids == sorted(ids)
    latest = api(b).get(url, query_string={"limit": 3}).json
    assert [m["id"] for m in latest["items"]] == ids[-3:] and latest["has_more"] is True
    back = api(b).get(url, query_string={"limit": 3, "before_id": ids[-3]}).json
    assert [m["id"] for m in back["items"]] == ids[1:4]
    after = api(b).get(url, query_string={"after_id": ids[1], "limit": 3}).json
    assert [m["id"] for m in after["items"]] == ids[2:5] and after["has_more"] is True
    rest = api(b).get(url, query_string={"after_id": ids[4]}).json
    assert [m["id"] for m in rest["items"]] == ids[5:] and rest["has_more"] is False
    assert api(b).get(url, query_string={"limit": 0}).status_code == 422
    assert api(b).get(url, query_string={"after_id": "x"}).status_code == 422


def test_edit_and_delete_by_sender_only(api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    sent = api(a).post(f"{BASE}/{conv.id}/messages", json={"body": "typo", "client_id": "e"}).json
    url = f"/api/v1/messages/{sent['id']}"
    assert api(b).patch(url, json={"body": "hijack"}).status_code == 403
    assert api(b).delete(url).status_code == 403
    edited = api(a).patch(url, json={"body": "fixed _now_"})
    assert (
        edited.status_code == 200
        and edited.json["edited_at"]
        and "<em>now</em>" in edited.json["body_html"]
    )
    assert api(a).patch(url, json={"body": ""}).status_code == 422
    deleted = api(a).delete(url)
    assert (
        deleted.status_code == 200
        and deleted.json["deleted"] is True
        and deleted.json["body"] == ""
    )
    seen = api(b).get(f"{BASE}/{conv.id}/messages").json["items"][0]
    assert seen["deleted"] is True and seen["body_html"] == ""
    assert api(a).patch(url, json={"body": "revive"}).status_code == 409


def test_read_state_and_unread_counts(api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    conv = group(a, b, c)
    url = f"{BASE}/{conv.id}/messages"
    ids = [
        api(a).post(url, json={"body": f"n{i}", "client_id": f"r{i}"}).json["id"] for i in range(3)
    ]
    listed = api(b).get(BASE).json
    assert listed["items"][0]["unread_count"] == 3 and listed["unread_total"] == 3
    assert listed["items"][0]["last_message"]["id"] == ids[-1]
    assert api(a).get(BASE).json["items"][0]["unread_count"] == 0  # own messages are read
    marked = api(b).post(f"{BASE}/{conv.id}/read", json={"last_read_id": ids[1]})
    assert marked.status_code == 200
    assert marked.json == {
        "conversation_id": conv.id,
        "last_read_id": ids[1],
        "unread_count": 1,
        "unread_total": 1,
    }
    # never backwards, never past the newest
    assert (
        api(b).post(f"{BASE}/{conv.id}/read", json={"last_read_id": 0}).json["last_read_id"]
        == ids[1]
    )
    assert (
        api(b).post(f"{BASE}/{conv.id}/read", json={"last_read_id": 10**9}).json["last_read_id"]
        == ids[2]
    )
    assert api(b).get(f"{BASE}/unread").json == {"unread_total": 0}
    assert api(b).post(f"{BASE}/{conv.id}/read", json={"last_read_id": -1}).status_code == 422
    seen = api(a).get(f"/api/v1/messages/{ids[2]}/seen-by").json
    assert seen["user_ids"] == [b.id]


def test_group_admin_manages_members(api: Any) -> None:
    a, b, c, d = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    conv = group(a, b, c)
    members = f"{BASE}/{conv.id}/members"
    assert api(b).post(members, json={"user_id": d.id}).status_code == 403
    assert api(b).delete(f"{members}/{c.id}").status_code == 403
    assert api(b).patch(f"{BASE}/{conv.id}", json={"title": "x"}).status_code == 403
    assert api(a).patch(f"{BASE}/{conv.id}", json={"title": "Nouveau"}).json["title"] == "Nouveau"
    added = api(a).post(members, json={"user_id": d.id})
    assert added.status_code == 200 and d.id in {m["user_id"] for m in added.json["members"]}
    assert api(a).post(members, json={"user_id": 999_999}).status_code == 422
    assert api(a).delete(f"{members}/{c.id}").status_code == 204
    assert api(c).get(f"{BASE}/{conv.id}/messages").status_code == 404
    assert api(d).post(f"{BASE}/{conv.id}/leave").status_code == 204
    assert api(d).get(f"{BASE}/{conv.id}").status_code == 404
    # the admin leaves: the oldest remaining member takes over
    assert api(a).delete(f"{members}/{a.id}").status_code == 204
    roles = {m["user_id"]: m["role"] for m in api(b).get(f"{BASE}/{conv.id}").json["members"]}
    assert roles == {b.id: "admin"}


def test_direct_conversations_have_no_member_management(api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    assert api(a).post(f"{BASE}/{conv.id}/members", json={"user_id": c.id}).status_code == 409
    assert api(a).post(f"{BASE}/{conv.id}/leave").status_code == 409


def test_rest_send_rate_limit(app: Flask, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    client = api(a)
    url = f"{BASE}/{conv.id}/messages"
    limit = limits.items("chat_send")[0].amount  # the named limit in force
    for i in range(limit):
        assert client.post(url, json={"body": "x", "client_id": f"l{i}"}).status_code == 201
    refused = client.post(url, json={"body": "x", "client_id": "over"})
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert count_messages() == limit


def test_openapi_documents_messaging(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}/messages",
        "/api/v1/conversations/{conversation_id}/read",
    ):
        assert path in paths


def test_association_inbox_reaches_admins_and_coordinators(api: Any) -> None:
    from tests.directory.factories import AssociationFactory, MembershipFactory

    assoc = AssociationFactory(status="approved")
    boss, coord, plain, outsider = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(association=assoc, user=boss, role="admin")
    coord_ship = MembershipFactory(association=assoc, user=coord, role="coordinator")
    MembershipFactory(association=assoc, user=plain, role="member")
    made = api(outsider).post(BASE, json={"association_id": assoc.id})
    assert made.status_code == 201 and made.json["kind"] == "association"
    assert api(outsider).post(BASE, json={"association_id": assoc.id}).json["id"] == made.json["id"]
    conv_id = made.json["id"]
    url = f"{BASE}/{conv_id}/messages"
    sent = api(outsider).post(
        url, json={"body": "Bonjour, je veux être bénévole", "client_id": "as1"}
    )
    assert sent.status_code == 201
    for staff in (boss, coord):
        listed = api(staff).get(BASE).json
        assert [c["id"] for c in listed["items"]] == [conv_id] and listed["unread_total"] == 1
        assert api(staff).get(url).json["items"][0]["id"] == sent.json["id"]
    reply = api(coord).post(url, json={"body": "مرحبا بك!", "client_id": "as2"})
    assert reply.status_code == 201
    assert api(outsider).get(BASE).json["items"][0]["unread_count"] == 1
    # plain members and strangers see nothing
    assert api(plain).get(BASE).json["items"] == []
    assert api(plain).get(url).status_code == 404
    assert api(UserFactory()).get(url).status_code == 404
    # losing the coordinator role closes the inbox at once
    coord_ship.role = "member"
    db.session.commit()
    assert api(coord).get(url).status_code == 404
    assert api(coord).post(url, json={"body": "x", "client_id": "as3"}).status_code == 404
    assert api(coord).get(BASE).json["items"] == []


def test_reading_an_association_inbox_writes_nothing(api: Any) -> None:
    """Staff reading an inbox (GET) store no membership row; marking it read or answering
    stores theirs, once, with the read marker where they left it."""
    from sqlalchemy import func, select

    from messaging.models import ConversationMember
    from tests.directory.factories import AssociationFactory, MembershipFactory

    assoc = AssociationFactory(status="approved")
    boss, asker = UserFactory(), UserFactory()
    MembershipFactory(association=assoc, user=boss, role="admin")
    conv_id = api(asker).post(BASE, json={"association_id": assoc.id}).json["id"]
    url = f"{BASE}/{conv_id}/messages"
    sent = api(asker).post(url, json={"body": "Salam, wach kayn tasjil?", "client_id": "r1"})

    def boss_rows() -> int:
        db.session.expire_all()
        query = select(func.count(ConversationMember.id)).where(
            ConversationMember.conversation_id == conv_id, ConversationMember.user_id == boss.id
        )
        return int(db.session.scalar(query) or 0)

    for path in (BASE, f"{BASE}/{conv_id}", url, f"/chat/{conv_id}?before_id=1"):
        assert api(boss).get(path).status_code == 200, path
    assert boss_rows() == 0
    read = api(boss).post(f"{BASE}/{conv_id}/read", json={"last_read_id": sent.json["id"]})
    assert read.status_code == 200 and boss_rows() == 1
    assert api(boss).get(BASE).json["unread_total"] == 0
    reply = api(boss).post(url, json={"body": "نعم، مرحبا", "client_id": "r2"})
    assert reply.status_code == 201 and boss_rows() == 1


def test_association_inbox_needs_an_approved_association(api: Any) -> None:
    from tests.directory.factories import AssociationFactory

    pending = AssociationFactory(status="pending")
    user = UserFactory()
    assert api(user).post(BASE, json={"association_id": pending.id}).status_code == 404
    assert api(user).post(BASE, json={"association_id": 999_999}).status_code == 404


def test_conversation_list_preview_reuses_the_stored_html(api: Any, monkeypatch: Any) -> None:
    """A message is parsed once, when sent; the list's preview is its stored text (issue 15)."""
    from app import markdown

    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    body = "**Réunion** demain " + "a.ma/[" * 800
    sent = api(a).post(f"{BASE}/{conv.id}/messages", json={"body": body, "client_id": "c1"})
    assert sent.status_code == 201, sent.json
    parser = markdown._parser()
    original = parser.render
    calls: list[int] = []
    monkeypatch.setattr(parser, "render", lambda s, env=None: calls.append(len(s)) or original(s))
    listing = api(b).get(BASE)
    assert listing.status_code == 200
    preview = listing.json["items"][0]["last_message_preview"]
    assert preview.startswith("Réunion demain a.ma/[") and len(preview) <= 140
    assert calls == []
    assert len(sent.json["body_html"]) <= 4 * len(body) + 2_000
