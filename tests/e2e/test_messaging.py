"""Two people chat live in two browsers; one goes offline, sends and receives, comes back and
catches up: every message appears once, in order."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from messaging import services
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.messaging.factories import direct


def messages_text(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("[data-messages] li .body").all_inner_texts()]


def test_two_browsers_chat_live_and_catch_up_after_offline(new_page: Any) -> None:
    amina = UserFactory(username="amina", display_name="أمينة")
    karim = UserFactory(username="karim", display_name="Karim")
    conversation = direct(amina, karim)
    url = f"/chat/{conversation.id}"
    # presence needs consent: they share an association (see tests/messaging/test_privacy.py)
    assoc = AssociationFactory(status="approved")
    MembershipFactory(association=assoc, user=amina, role="member")
    MembershipFactory(association=assoc, user=karim, role="member")

    page_a = new_page(amina, locale="ar")
    page_b = new_page(karim, locale="fr-FR")
    page_a.goto(url)
    page_b.goto(url)
    expect(page_a.locator("html")).to_have_attribute("dir", "rtl")
    # each sees the other online once both sockets are up
    expect(page_a.locator(f".chat-head [data-presence='{karim.id}']")).to_have_class(
        "presence-dot online"
    )

    page_a.fill("textarea[name=body]", "السلام عليكم **كريم**")
    # the Arabic name sits isolated inside the French sentence
    expect(page_b.locator("[data-typing]")).to_contain_text("\u2068أمينة\u2069")
    page_a.keyboard.press("Enter")
    expect(page_b.locator("[data-messages] li .body strong")).to_have_text("كريم")
    expect(page_a.locator("[data-messages] li.mine.sent[data-message-id]")).to_have_count(1)
    assert page_b.locator("[data-messages] li .body").first.get_attribute("dir") == "auto"

    page_b.fill("textarea[name=body]", "Wa 3alaykoum salam!")
    page_b.click("[data-composer] button[type=submit]")
    expect(page_a.locator("[data-messages] li .body").last).to_have_text("Wa 3alaykoum salam!")

    # Karim loses the network; Amina keeps writing; Karim writes too while offline.
    page_b.context.set_offline(True)
    # the server sees Karim's socket go: Amina's page shows him offline
    expect(page_a.locator(f".chat-head [data-presence='{karim.id}']")).to_have_class("presence-dot")
    for text in ("رسالة 1", "رسالة 2", "رسالة 3"):
        page_a.fill("textarea[name=body]", text)
        page_a.keyboard.press("Enter")
    expect(page_a.locator("[data-messages] li.mine[data-message-id]")).to_have_count(4)
    page_b.fill("textarea[name=body]", "envoyé hors ligne")
    page_b.keyboard.press("Enter")
    # not stored yet: no id, shown as pending (or failed once its ack timed out)
    expect(page_b.locator("[data-messages] li.mine").last).not_to_have_attribute(
        "data-message-id", re.compile(".")
    )
    page_b.context.set_offline(False)

    expected = [
        "السلام عليكم كريم",
        "Wa 3alaykoum salam!",
        "رسالة 1",
        "رسالة 2",
        "رسالة 3",
        "envoyé hors ligne",
    ]
    for page in (page_a, page_b):
        expect(page.locator("[data-messages] li[data-message-id]")).to_have_count(6, timeout=30_000)
        assert messages_text(page) == expected
    ids = [
        int(x)
        for x in page_b.locator("[data-messages] li[data-message-id]").evaluate_all(
            "els => els.map(e => e.dataset.messageId)"
        )
    ]
    assert ids == sorted(ids) and len(set(ids)) == 6
    # nothing pending or failed is left behind
    expect(page_b.locator("[data-messages] li.pending, [data-messages] li.failed")).to_have_count(0)

    # Amina edits, then deletes, her first message: Karim sees both live
    first_a = page_a.locator("[data-messages] li.mine").first
    page_a.once("dialog", lambda dialog: dialog.accept("السلام عليكم _يا كريم_"))
    first_a.locator("button[data-action=edit]").click()
    first_b = page_b.locator("[data-messages] li[data-message-id]").first
    expect(first_b.locator(".body em")).to_have_text("يا كريم")
    edited_label = page_b.locator("[data-chat]").get_attribute("data-label-edited")
    expect(first_b.locator(".meta")).to_contain_text(edited_label or "edited")
    # deleting asks in the page's confirmation dialog (macros/confirm.html), not window.confirm
    page_a.locator("[data-messages] li.mine").first.locator("button[data-action=delete]").click()
    page_a.locator("dialog[data-confirm-dialog] [data-confirm-ok]").click()
    expect(first_b).to_have_class(re.compile(r"\bdeleted\b"))
    expect(first_b.locator(".body em")).to_have_count(0)


def test_messages_written_in_a_burst_are_stored_in_the_order_written(
    new_page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    amina = UserFactory(username="amina3", display_name="أمينة")
    karim = UserFactory(username="karim3", display_name="Karim")
    conversation = direct(amina, karim)
    # the server is slow to store the first one: a second on the wire meanwhile would pass it
    store = services.send_message

    def slow_first(user: Any, conv: Any, body: Any, *args: Any) -> Any:
        if body == "واحد":
            time.sleep(0.8)
        return store(user, conv, body, *args)

    monkeypatch.setattr(services, "send_message", slow_first)
    page = new_page(amina, locale="ar")
    page.goto(f"/chat/{conversation.id}")
    for text in ("واحد", "deux", "3"):
        page.fill("textarea[name=body]", text)
        page.keyboard.press("Enter")
    expect(page.locator("[data-messages] li[data-message-id]:not(.pending)")).to_have_count(3)
    ids = page.locator("[data-messages] li[data-message-id]").evaluate_all(
        "els => els.map(e => Number(e.dataset.messageId))"
    )
    assert ids == sorted(ids)
    # as stored: Karim opening the conversation reads them as written
    page_k = new_page(karim)
    page_k.goto(f"/chat/{conversation.id}")
    assert messages_text(page_k) == ["واحد", "deux", "3"]


def test_a_message_written_offline_is_not_passed_by_those_typed_while_catching_up(
    new_page: Any,
) -> None:
    amina = UserFactory(username="amina4", display_name="أمينة")
    karim = UserFactory(username="karim4", display_name="Karim")
    conversation = direct(amina, karim)
    page = new_page(amina)
    held_sockets: list[Any] = []
    page.route_web_socket(re.compile(r"/socket\.io/"), lambda ws: held_sockets.append(ws))
    page.goto(f"/chat/{conversation.id}")
    page.fill("textarea[name=body]", "un")
    page.keyboard.press("Enter")
    expect(page.locator("li.pending", has_text="un")).to_have_count(1)  # offline: waiting
    # the socket connects; the catch-up that follows is slow, and two more are typed meanwhile
    held_syncs: list[Any] = []
    holding = [True]

    def hold(route: Any) -> None:
        if holding[0]:
            held_syncs.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/chat/\d+/messages"), hold)
    held_sockets[0].connect_to_server()
    for _ in range(200):
        if held_syncs:
            break
        page.wait_for_timeout(25)
    assert held_syncs, "the connection did not start a catch-up"
    for text in ("deux", "trois"):
        page.fill("textarea[name=body]", text)
        page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    holding[0] = False
    for route in held_syncs:
        route.continue_()
    expect(page.locator("[data-messages] li[data-message-id]:not(.pending)")).to_have_count(3)
    page_k = new_page(karim)
    page_k.goto(f"/chat/{conversation.id}")
    assert messages_text(page_k) == ["un", "deux", "trois"]


def test_header_badge_counts_unread_live_on_any_page(new_page: Any) -> None:
    amina = UserFactory(username="amina2", display_name="Amina")
    karim = UserFactory(username="karim2", display_name="Karim")
    conversation = direct(amina, karim)
    page_k = new_page(karim)
    page_k.goto("/")
    badge = page_k.locator(".nav-links [data-chat-unread]")
    expect(badge).to_be_hidden()
    page_a = new_page(amina)
    page_a.goto(f"/chat/{conversation.id}")
    for text in ("un", "deux"):
        page_a.fill("textarea[name=body]", text)
        page_a.keyboard.press("Enter")
        # sent and acknowledged before the next one (under load, an Enter pressed before the
        # page's script is up posts the form and reloads the page the next text goes into)
        sent = page_a.locator("li.message.mine[data-message-id]:not(.pending)", has_text=text)
        expect(sent).to_have_count(1)
    expect(badge).to_have_text("2")
    expect(badge).to_be_visible()
    # reading the conversation clears it, and the list shows no unread left
    page_k.goto(f"/chat/{conversation.id}")
    expect(page_k.locator(".nav-links [data-chat-unread]")).to_be_hidden()


def test_two_pages_opened_at_the_same_moment_see_each_other_online(new_page: Any) -> None:
    amina = UserFactory(username="amina2", display_name="أمينة")
    karim = UserFactory(username="karim2", display_name="Karim")
    conversation = direct(amina, karim)
    assoc = AssociationFactory(status="approved")  # consent for presence
    MembershipFactory(association=assoc, user=amina, role="member")
    MembershipFactory(association=assoc, user=karim, role="member")
    url = f"/chat/{conversation.id}"
    page_a = new_page(amina, locale="ar")
    page_b = new_page(karim, locale="fr-FR")
    # both start loading before either page's socket is up: each page is rendered with the
    # other offline, and one of them connects before the other's socket has joined its room
    page_a.goto(url, wait_until="commit")
    page_b.goto(url, wait_until="commit")
    expect(page_a.locator(f".chat-head [data-presence='{karim.id}']")).to_have_class(
        "presence-dot online"
    )
    expect(page_b.locator(f".chat-head [data-presence='{amina.id}']")).to_have_class(
        "presence-dot online"
    )
