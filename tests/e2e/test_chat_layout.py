"""Chat and confirmations on a phone and a desktop, in Arabic and French: the composer is in
view and stays pinned while the conversation scrolls, Edit and Delete are two labelled buttons
apart, the people picker suggests people by display name, and deleting asks first in a dialog."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.messaging.factories import direct
from tests.projects.factories import ActivityFactory, ProjectFactory

SIZES = {"phone": (390, 844), "desktop": (1366, 800)}
SHOTS = os.environ.get("JAM3IA_SCREENSHOTS")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def _inside_viewport(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    return bool(
        box
        and box["y"] >= 0
        and box["y"] + box["height"] <= height + 0.5
        and box["x"] >= 0
        and box["x"] + box["width"] <= width + 0.5
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("locale", ["ar", "fr-FR"])
def test_composer_pinned_and_actions_apart(new_page: Any, api: Any, locale: str, size: str) -> None:
    amina = UserFactory(username="amina", display_name="أمينة")
    karim = UserFactory(username="karim", display_name="Karim")
    conversation = direct(amina, karim)
    for n in range(40):  # more than a screen of messages
        api(amina).post(
            f"/api/v1/conversations/{conversation.id}/messages",
            json={"body": f"رسالة رقم {n} message {n}", "client_id": f"c{n}"},
        )
    width, height = SIZES[size]
    page = new_page(amina, locale=locale, viewport={"width": width, "height": height})
    page.goto(f"/chat/{conversation.id}")
    expect(page.locator("[data-messages] li button[data-action=edit]").last).to_be_visible()
    assert _inside_viewport(page, "[data-composer] textarea")
    assert _inside_viewport(page, "[data-composer] button[type=submit]")
    # the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # the message list scrolls, the composer stays where it is
    page.locator("[data-messages]").evaluate("el => el.scrollTo(0, 0)")
    page.mouse.wheel(0, 2000)
    assert _inside_viewport(page, "[data-composer] textarea")

    # Edit and Delete: two buttons, apart, each with its own label
    last = page.locator("[data-messages] li.mine").last
    edit, delete = (
        last.locator("button[data-action=edit]"),
        last.locator("button[data-action=delete]"),
    )
    edit_box, delete_box = edit.bounding_box(), delete.bounding_box()
    assert edit_box and delete_box
    gap = max(
        delete_box["x"] - (edit_box["x"] + edit_box["width"]),
        edit_box["x"] - (delete_box["x"] + delete_box["width"]),
    )
    assert gap >= 8, gap
    assert edit_box["height"] >= 44 and delete_box["height"] >= 44
    assert edit.inner_text().strip() != delete.inner_text().strip()
    _shot(page, f"chat-{locale}-{size}")


def test_people_picker_suggests_by_display_name(new_page: Any) -> None:
    amina = UserFactory(username="amina", display_name="أمينة")
    karim = UserFactory(username="kbennani", display_name="كريم بناني")
    page = new_page(amina, locale="ar", viewport={"width": 390, "height": 844})
    page.goto("/chat")
    page.click(".chat-new summary")
    page.locator("input[name=usernames]").press_sequentially("كري")
    option = page.locator("datalist#chat-people option")
    expect(option).to_have_count(1)
    assert option.get_attribute("value") == "kbennani"
    assert "كريم بناني" in (option.get_attribute("label") or "")
    # a profile's "Message" link opens the form with the person filled in
    page.goto(f"/chat?with={karim.id}")
    expect(page.locator("input[name=usernames]")).to_have_value("kbennani")
    # the web font swapping in moves the button: click it once the layout has settled
    page.evaluate("document.fonts.ready.then(() => true)")
    with page.expect_navigation():
        page.click(".chat-new button[type=submit]")
    expect(page.locator(".chat-head h2")).to_contain_text("كريم")
    _shot(page, "chat-new-ar-phone")


@pytest.mark.parametrize(("locale", "size"), [("ar", "phone"), ("fr-FR", "desktop")])
def test_deleting_an_activity_asks_first_and_cancel_keeps_it(
    new_page: Any, locale: str, size: str
) -> None:
    association = AssociationFactory(name="جمعية الأمل")
    coordinator = UserFactory(display_name="Karim")
    MembershipFactory(association=association, user=coordinator, role="coordinator")
    project = ProjectFactory(title="Caravane", associations=[association])
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    activity = ActivityFactory(
        project=project, title="Atelier", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    width, height = SIZES[size]
    page = new_page(coordinator, locale=locale, viewport={"width": width, "height": height})
    page.goto(f"/projects/{project.id}")
    form = page.locator(f"form[action$='/activities/{activity.id}/delete']")
    form.locator("button[type=submit]").click()
    dialog = page.locator("dialog[data-confirm-dialog]")
    expect(dialog).to_be_visible()
    assert _inside_viewport(page, "dialog[data-confirm-dialog] [data-confirm-ok]")
    _shot(page, f"confirm-{locale}-{size}")
    dialog.locator("button[value=cancel]").click()
    expect(dialog).to_be_hidden()
    expect(form.locator("button[type=submit]")).to_be_enabled()  # no spinner left behind
    expect(form.locator(".spinner-border")).to_have_count(0)
    page.reload()
    expect(form).to_have_count(1)  # cancel kept it
    form.locator("button[type=submit]").click()
    page.locator("dialog[data-confirm-dialog] [data-confirm-ok]").click()
    page.wait_for_load_state()
    expect(page.locator(f"form[action$='/activities/{activity.id}/delete']")).to_have_count(0)


def test_enter_sends_before_the_conversation_details_arrive(new_page: Any) -> None:
    """On a slow network the page's details request is still out when the person types: Enter
    sends at once (it used to insert a new line until the details came back)."""
    amina = UserFactory(username="amina_s", display_name="أمينة")
    karim = UserFactory(username="karim_s", display_name="Karim")
    conversation = direct(amina, karim)
    page = new_page(amina, locale="ar", viewport={"width": 390, "height": 844})
    held: list[Any] = []
    page.route(f"**/api/v1/conversations/{conversation.id}", lambda route: held.append(route))
    page.goto(f"/chat/{conversation.id}")
    page.wait_for_function("() => document.readyState === 'complete'")
    page.fill("textarea[name=body]", "سلام")
    page.keyboard.press("Enter")
    mine = page.locator("[data-messages] li.mine[data-message-id]:not(.pending)")
    expect(mine).to_have_count(1)
    expect(page.locator("textarea[name=body]")).to_have_value("")
    assert held, "the details request was held back"
    held[0].continue_()


def test_direct_chat_shows_sent_then_seen_ticks(new_page: Any) -> None:
    amina = UserFactory(username="amina_t", display_name="أمينة")
    karim = UserFactory(username="karim_t", display_name="Karim")
    conversation = direct(amina, karim)
    page_a = new_page(amina, locale="ar", viewport={"width": 390, "height": 844})
    page_a.goto(f"/chat/{conversation.id}")
    page_a.fill("textarea[name=body]", "واش كاين شي جديد؟")
    page_a.keyboard.press("Enter")
    mine = page_a.locator("[data-messages] li.mine[data-message-id]")
    expect(mine).to_have_count(1)
    expect(mine).not_to_have_class(re.compile(r"\bseen\b"))
    meta = "[data-messages] li.mine[data-message-id] .meta"
    shows = "([sel, mark]) => getComputedStyle(document.querySelector(sel), '::after')"
    shows += ".content.includes(mark)"
    page_a.wait_for_function(shows, arg=[meta, "✓"])
    assert not page_a.evaluate(shows, [meta, "✓✓"])
    page_b = new_page(karim, locale="fr-FR")
    page_b.goto(f"/chat/{conversation.id}")  # Karim reads it
    expect(mine).to_have_class(re.compile(r"\bseen\b"))
    page_a.wait_for_function(shows, arg=[meta, "✓✓"])
    # a message read by the other person keeps its size (the "seen by" line's rule is not its)
    size = "(sel) => getComputedStyle(document.querySelector(sel)).fontSize"
    before = page_b.evaluate(size, "[data-messages] li.message .body")
    assert page_a.evaluate(size, "[data-messages] li.mine.seen .body") == before
