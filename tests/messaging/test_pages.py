"""The chat pages without JavaScript: read, send with a plain form (once), start a chat."""

from __future__ import annotations

import re
from typing import Any

from app.db import db
from messaging.models import Conversation, Message
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.messaging.factories import direct, group

CLIENT_ID_RE = re.compile(r'name="client_id" value="([^"]+)"')


def test_chat_page_lists_conversations_with_unread_counts(logged_in: Any, api: Any) -> None:
    a, b = UserFactory(display_name="Amina"), UserFactory(display_name="Karim")
    conv = direct(a, b)
    api(a).post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": "**Salam**", "client_id": "x"}
    )
    page = logged_in(b).get("/chat")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Amina" in html and "data-unread>1<" in html.replace(" hidden", "")
    assert "data-chat-unread>1<" in html  # the header's live badge starts at the true figure


def test_conversation_page_shows_messages_and_marks_read(logged_in: Any, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    api(a).post(
        f"/api/v1/conversations/{conv.id}/messages",
        json={"body": "مرحبا <script>alert(1)</script> **بك**", "client_id": "x"},
    )
    client = logged_in(b)
    html = client.get(f"/chat/{conv.id}").get_data(as_text=True)
    assert "<strong>بك</strong>" in html and "<script>alert(1)" not in html
    assert 'class="body" dir="auto"' in html
    assert api(b).get("/api/v1/conversations/unread").json == {"unread_total": 0}


def test_plain_form_send_is_stored_once(logged_in: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    client = logged_in(a)
    page = client.get(f"/chat/{conv.id}").get_data(as_text=True)
    client_id = CLIENT_ID_RE.search(page).group(1)  # type: ignore[union-attr]
    form = {"body": "Bonjour", "client_id": client_id, "csrf_token": csrf_token(client)}
    first = client.post(f"/chat/{conv.id}/send", data=form)
    again = client.post(f"/chat/{conv.id}/send", data=form)  # the browser resubmits
    assert first.status_code == again.status_code == 302
    db.session.expire_all()
    assert db.session.query(Message).count() == 1
    assert "Bonjour" in client.get(f"/chat/{conv.id}").get_data(as_text=True)


def test_form_send_needs_csrf_and_membership(logged_in: Any) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    client = logged_in(a)
    refused = client.post(f"/chat/{conv.id}/send", data={"body": "x", "client_id": "c1"})
    assert refused.status_code == 400
    outsider = logged_in(stranger)
    assert outsider.get(f"/chat/{conv.id}").status_code == 404
    denied = outsider.post(
        f"/chat/{conv.id}/send",
        data={"body": "x", "client_id": "c2", "csrf_token": csrf_token(outsider)},
    )
    assert denied.status_code == 404
    db.session.expire_all()
    assert db.session.query(Message).count() == 0


def test_a_refused_form_send_keeps_the_text_with_the_reason_beside(logged_in: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    client = logged_in(a)
    empty = client.post(
        f"/chat/{conv.id}/send",
        data={"body": "   ", "client_id": "c1", "csrf_token": csrf_token(client)},
    )
    assert empty.status_code == 422
    assert 'id="chat-body-error"' in empty.get_data(as_text=True)
    long_text = "Un message bien trop long. " * 200  # over 5,000 characters
    refused = client.post(
        f"/chat/{conv.id}/send",
        data={"body": long_text, "client_id": "c2", "csrf_token": csrf_token(client)},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert long_text.strip() in html and 'aria-describedby="chat-body-error"' in html
    error = re.search(r'<p class="field-error" id="chat-body-error">(.*?)</p>', html, re.S)
    assert error is not None and "too long" not in error.group(1)  # words, not the API's codes
    assert 'name="client_id" value="c2"' in html  # sent again, still stored once
    db.session.expire_all()
    assert db.session.query(Message).count() == 0


def test_a_refused_start_keeps_what_was_typed_with_the_reason_beside(logged_in: Any) -> None:
    a, b = UserFactory(), UserFactory()
    client = logged_in(a)
    token = csrf_token(client)
    unknown = client.post(
        "/chat/new",
        data={"usernames": f"{b.username}, personne_ici", "title": "Bureau", "csrf_token": token},
    )
    assert unknown.status_code == 422
    html = unknown.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="chat-usernames-error">(.*?)</p>', html, re.S)
    assert error is not None and "personne_ici" in error.group(1)
    assert f'value="{b.username}, personne_ici"' in html and 'value="Bureau"' in html
    assert 'class="chat-new" open>' in html
    nobody = client.post("/chat/new", data={"usernames": " , ", "csrf_token": token})
    assert nobody.status_code == 422
    assert 'id="chat-usernames-error"' in nobody.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Conversation).count() == 0


def test_start_conversation_by_usernames(logged_in: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    client = logged_in(a)
    token = csrf_token(client)
    made = client.post("/chat/new", data={"usernames": b.username, "csrf_token": token})
    assert made.status_code == 302
    db.session.expire_all()
    conv = db.session.query(Conversation).one()
    assert made.headers["Location"].endswith(f"/chat/{conv.id}") and conv.kind == "direct"
    grouped = client.post(
        "/chat/new",
        data={"usernames": f"{b.username}, {c.username}", "title": "Bureau", "csrf_token": token},
    )
    assert grouped.status_code == 302
    unknown = client.post("/chat/new", data={"usernames": "nobody", "csrf_token": token})
    assert unknown.status_code == 422
    db.session.expire_all()
    assert db.session.query(Conversation).count() == 2


def test_start_conversation_by_usernames_ignores_their_case(logged_in: Any) -> None:
    """Usernames are unique whatever their case: the one typed in capitals is the same person
    (twice, in two cases, is still one person)."""
    a, b = UserFactory(), UserFactory(username="karim_b")
    client = logged_in(a)
    token = csrf_token(client)
    made = client.post("/chat/new", data={"usernames": "Karim_B, karim_b", "csrf_token": token})
    assert made.status_code == 302
    db.session.expire_all()
    conv = db.session.query(Conversation).one()
    assert made.headers["Location"].endswith(f"/chat/{conv.id}") and conv.kind == "direct"
    assert {m.user_id for m in conv.members} == {a.id, b.id}


def test_staff_answer_an_inbox_with_the_plain_form(logged_in: Any, api: Any) -> None:
    """An association's admin answering its inbox without JavaScript stores their membership
    row: their read marker is at their answer, so it does not count as unread for them."""
    from sqlalchemy import select

    from messaging.models import ConversationMember
    from tests.directory.factories import AssociationFactory, MembershipFactory

    assoc = AssociationFactory(status="approved")
    boss, asker = UserFactory(), UserFactory()
    MembershipFactory(association=assoc, user=boss, role="admin")
    conv_id = api(asker).post("/api/v1/conversations", json={"association_id": assoc.id}).json["id"]
    client = logged_in(boss)
    page = client.get(f"/chat/{conv_id}").get_data(as_text=True)
    client_id = CLIENT_ID_RE.search(page)
    assert client_id is not None
    sent = client.post(
        f"/chat/{conv_id}/send",
        data={"body": "مرحبا", "client_id": client_id.group(1), "csrf_token": csrf_token(client)},
    )
    assert sent.status_code == 302
    db.session.expire_all()
    answer = db.session.scalars(select(Message).where(Message.sender_id == boss.id)).one()
    row = db.session.scalars(
        select(ConversationMember).where(
            ConversationMember.conversation_id == conv_id, ConversationMember.user_id == boss.id
        )
    ).one()
    assert row.role == "staff" and row.last_read_id == answer.id


def test_chat_pages_need_login(client: Any) -> None:
    assert client.get("/chat").status_code == 302
    assert client.get("/chat/1").status_code == 302


def test_older_messages_link_pages_back(logged_in: Any, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = group(a, b)
    clients = [api(a), api(b)]  # two senders keep each under the send limit
    for i in range(55):
        clients[i % 2].post(
            f"/api/v1/conversations/{conv.id}/messages",
            json={"body": f"m{i}", "client_id": f"o{i}"},
        )
    html = logged_in(b).get(f"/chat/{conv.id}").get_data(as_text=True)
    assert "<p>m54</p>" in html and "<p>m4</p>" not in html
    older = re.search(r'data-older href="([^"]+)"', html)
    assert older is not None
    back = logged_in(b).get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "<p>m0</p>" in back and "<p>m54</p>" not in back


def test_demo_chats_load_once(app: Any) -> None:
    from app.demo import load_demo_users
    from messaging.demo import CHATS, load_demo_chats

    load_demo_users()
    load_demo_chats()
    db.session.expire_all()
    conversations, messages = (
        db.session.query(Conversation).count(),
        db.session.query(Message).count(),
    )
    assert conversations == len(CHATS) and messages > 20
    load_demo_chats()  # idempotent: seed-demo may run again
    db.session.expire_all()
    assert db.session.query(Conversation).count() == conversations
    assert db.session.query(Message).count() == messages


def test_the_empty_pane_offers_to_start_a_conversation(logged_in: Any) -> None:
    """With no conversation open, the pane says what to do and its button opens the form."""
    browser = logged_in(UserFactory())
    html = browser.get("/chat").get_data(as_text=True)
    assert "empty-state" in html and 'href="/chat?new=1#chat-new"' in html
    assert 'class="chat-new" open' not in html
    opened = browser.get("/chat?new=1").get_data(as_text=True)
    assert 'class="chat-new" open' in opened
