"""Browser fixtures: Playwright driving Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.accounts.auth import SESSION_KEY
from app.accounts.services import issue_credential
from app.db import transaction
from tests.conftest import LiveServer, service_unavailable
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("JAM3IA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        service_unavailable(f"chromium at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    # Shared CI machines stall for seconds at a time: assertions wait as long as actions do.
    expect.set_options(timeout=10_000)
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser: object, live_server: LiveServer) -> Iterator[Callable[..., object]]:
    """``new_page(user=None, locale="fr-FR", **context_options)`` -> a Playwright page in a
    fresh context, logged in through the login form when ``user`` is given."""
    contexts = []

    def make(user: object | None = None, locale: str = "fr-FR", **options: object) -> object:
        context = browser.new_context(locale=locale, base_url=live_server.url, **options)  # type: ignore[attr-defined]
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/login")
            page.fill("input[name=login]", user.username)  # type: ignore[attr-defined]
            page.fill("input[name=password]", PASSWORD)
            page.click("form[novalidate] button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in_by_cookie(context: Any, app: Flask, live_server: LiveServer, user: Any) -> None:
    """Sign ``context`` in as ``user`` with a session cookie (no login form, no password hash:
    fast enough for a browser per viewer)."""
    client = app.test_client()
    with transaction():
        secret, _cred = issue_credential(user, "session", "browser test")
    with client.session_transaction() as session:
        session[SESSION_KEY] = secret
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
