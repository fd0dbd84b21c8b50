"""Every page, anonymous and signed in, in Arabic, French and English, on a 390x844 phone and a
1366x800 desktop, opened in Chromium. A page fails on: a status other than 200, a horizontal
overflow, a console error or a page error, a static file that does not load, no favicon, a
button outside the design system, a phone chat whose composer is off screen, or a piece of
the interface left in English where the catalogue has the reader's words.

The page-load times are printed (``-rP``), never asserted: these machines are shared.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from app.config import Config
from tests.conftest import LiveServer
from tests.e2e.conftest import sign_in_by_cookie
from tests.xss import PAGES, build_world, format_path

SIZES = {"phone": (390, 844), "desktop": (1366, 800)}
LOCALES = {"ar": "ar-MA", "fr": "fr-FR", "en": "en-US"}
#: Realistic mixed text in every field (names, titles, bodies): Arabic with Latin inside.
TEXT = "جمعية الأمل Al Amal – Casablanca 2026"
EXTRA_PAGES = [
    ("anonymous", "/login"),
    ("anonymous", "/register"),
    ("anonymous", "/password-reset"),
    ("founder", "/"),
    ("founder", "/forums/unread"),
    ("founder", "/library"),
    ("founder", "/projects/{w.project_id}/history"),
]
CATALOGS = Path(__file__).parents[2] / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(|%[sd]|\{")

#: The page's own words: visible text outside user content (dir="auto", <bdi>), language
#: names (lang=...), code and hidden parts.
TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el) continue;
    const skip = '[dir="auto"], bdi, [lang], code, pre, script, style, template, [hidden]';
    if (el.closest(skip + ", .visually-hidden")) continue;
    if (!el.getClientRects().length) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (el.closest('[lang], [hidden]')) continue;
    for (const name of ["placeholder", "aria-label", "title"]) {
      const value = el.getAttribute(name);
      if (value && !el.matches("time")) out.push(value.trim());
    }
  }
  return out;
}"""

PAGE_JS = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  wide: [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1
                 || el.getBoundingClientRect().left < -1)
    .filter((el) => !el.closest(".leaflet-container, .table-responsive, .visually-hidden"))
    .filter((el) => !el.matches(".skip-link"))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + "." + String(el.className).split(" ")[0]),
  favicon: !!document.querySelector('link[rel="icon"]'),
  bareButtons: [...document.querySelectorAll('button, input[type="submit"], input[type="button"]')]
    .filter((b) => !b.closest(".leaflet-container"))
    .filter((b) => !["btn", "btn-close", "navbar-toggler"].some((c) => b.classList.contains(c)))
    .map((b) => (b.textContent || b.value || b.getAttribute("aria-label") || "").trim()),
  composer: (() => {
    const button = document.querySelector("[data-composer] button[type=submit]");
    if (!button) return null;
    const box = button.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight
      && box.left >= 0 && box.right <= window.innerWidth;
  })(),
  loadMs: (() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return nav ? nav.loadEventEnd - nav.startTime : 0;
  })(),
})"""


def interface_words(locale: str) -> set[str]:
    """English sources the catalogue of ``locale`` translates differently (whole texts)."""
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale=locale)
    words = set()
    for message in catalog:
        if not message.id or message.pluralizable or message.fuzzy:
            continue
        source, target = str(message.id), str(message.string)
        if target and target != source and not PLACEHOLDER.search(source) and len(source) > 2:
            words.add(source)
    return words


@pytest.fixture
def config(config: Config) -> Config:
    """Dozens of pages per viewer are not what the rate limits are for."""
    return replace(
        config,
        ratelimit_enabled=False,
        extra={**config.extra, "SEND_FILE_MAX_AGE_DEFAULT": 3600},
    )


@pytest.fixture
def contexts(browser: Any, live_server: LiveServer, app: Flask) -> Iterator[Any]:
    made: list[Any] = []

    def make(user: Any, locale: str, size: str) -> Any:
        width, height = SIZES[size]
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        context.route("https://**", lambda route: route.abort())  # nothing leaves the machine
        if user is not None:
            sign_in_by_cookie(context, app, live_server, user)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def inspect(
    page: Any, path: str, locale: str, size: str, words: set[str]
) -> tuple[list[str], float]:
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            errors.append(f"console error: {message.text[:120]}")

    def on_response(response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    def on_failed(request: Any) -> None:
        if "/static/" in request.url:
            errors.append(f"failed {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {str(error)[:120]}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    response = page.goto(path, wait_until="load")
    problems = [f"status {response.status}"] if response.status != 200 else []
    facts = page.evaluate(PAGE_JS)
    if facts["overflow"] > 1:
        problems.append(f"overflows by {facts['overflow']} px: {facts['wide']}")
    if not facts["favicon"]:
        problems.append("no favicon")
    if facts["bareButtons"]:
        problems.append(f"buttons outside the design system: {facts['bareButtons']}")
    if size == "phone" and facts["composer"] is False:
        problems.append("chat composer off screen")
    if locale != "en":
        left = sorted({text for text in page.evaluate(TEXTS_JS) if text in words})
        if left:
            problems.append(f"untranslated: {left[:6]}")
    problems += errors
    return [f"{path}: {p}" for p in problems], float(facts["loadMs"])


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_page_looks_right(api: Any, contexts: Any, locale: str, size: str) -> None:
    world = build_world(api, TEXT)
    people = {
        "anonymous": None,
        "founder": world.founder,
        "member": world.member,
        "admin": world.admin,
    }
    pages = [(who, template) for who, template, _fields in PAGES] + EXTRA_PAGES
    words = interface_words(locale) if locale != "en" else set()
    tabs: dict[str, Any] = {}
    problems: list[str] = []
    times: list[float] = []
    for who, template in pages:
        if who not in tabs:
            tabs[who] = contexts(people[who], LOCALES[locale], size)
        page = tabs[who].new_page()
        found, load_ms = inspect(page, format_path(template, world), locale, size, words)
        problems += [f"{who} {p}" for p in found]
        times.append(load_ms)
        page.close()
    print(
        f"{locale} {size}: {len(times)} pages, load median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms"
    )
    assert not problems, "\n".join(problems)
