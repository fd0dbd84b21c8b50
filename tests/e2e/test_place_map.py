"""The map of an association's place in a browser, in Arabic (RTL) and French: Leaflet starts
(a map and its marker), the zoom buttons are named in the page's language and sit on the
reading side, the wheel scrolls the page instead of zooming, and the page meets no CSP
violation or console error. Tiles never come from the internet: either there are none (the
tests' setting) or a made-up tile server is answered by the browser context itself."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from app.config import Config
from app.db import db
from directory import load_reference_data
from directory.services import create_association, decide_association
from tests.conftest import LiveServer
from tests.factories import UserFactory

#: A tile server that does not exist: the context answers its requests (see ``serve_tiles``).
FAKE_TILES = "https://tiles.jam3ia.test/{z}/{x}/{y}.png"
#: Collects the page's CSP violations (the console also reports them, as errors).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def tile_png() -> bytes:
    image = Image.new("RGB", (256, 256), (238, 242, 236))
    ImageDraw.Draw(image).rectangle((0, 0, 255, 255), outline=(200, 205, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def tiles() -> str:
    return ""


@pytest.fixture
def config(config: Config, tiles: str) -> Config:
    return replace(config, map_tiles_url=tiles)


@pytest.fixture
def open_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    contexts: list[Any] = []
    png = tile_png()

    def make(locale: str, width: int, height: int) -> tuple[Any, list[str], list[str]]:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        tile_requests: list[str] = []

        def serve_tiles(route: Any) -> None:
            tile_requests.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=png)

        context.route("https://**", lambda route: route.abort())  # nothing leaves the machine
        context.route("https://tiles.jam3ia.test/**", serve_tiles)  # the last added wins
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page, errors, tile_requests

    yield make
    for context in contexts:
        context.close()


def an_association() -> int:
    load_reference_data()
    assoc = create_association(
        UserFactory(),
        {
            "name": "جمعية الأمل Al Amal",
            "city": "rabat",
            "address": "حي الرياض، زنقة 5",
            "description": "\n\n".join(["Solidarité et entraide à Rabat."] * 30),
        },
    )
    db.session.commit()  # the test is the edge
    decide_association(None, assoc, "approve")
    db.session.commit()  # the test is the edge
    return assoc.id


@pytest.mark.parametrize("tiles", ["", FAKE_TILES])
@pytest.mark.parametrize(
    ("locale", "size", "zoom_side"),
    [("ar-MA", (390, 844), "right"), ("fr-FR", (1366, 800), "left")],
)
def test_the_map_starts_in_the_page_language(
    app: Flask,
    open_page: Any,
    tiles: str,
    locale: str,
    size: tuple[int, int],
    zoom_side: str,
) -> None:
    assoc_id = an_association()
    page, errors, tile_requests = open_page(locale, *size)
    page.goto(f"/associations/{assoc_id}")
    box = page.locator("[data-map]")
    expect(page.locator(".place-map.leaflet-container")).to_be_visible()
    marker = page.locator(".place-map .leaflet-marker-icon")
    expect(marker).to_be_visible()
    expect(marker).to_have_attribute(
        "alt", "جمعية الأمل Al Amal — " + ("الرباط" if locale == "ar-MA" else "Rabat")
    )

    # the zoom buttons: named as the page says, on the reading side
    zoom_in = page.locator(f".leaflet-top.leaflet-{zoom_side} .leaflet-control-zoom-in")
    expect(zoom_in).to_have_attribute("aria-label", box.get_attribute("data-zoom-in") or "?")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute(
        "aria-label", box.get_attribute("data-zoom-out") or "?"
    )
    # the box fits the screen, at the height the stylesheet gives
    map_box = box.bounding_box()
    assert map_box is not None
    assert map_box["x"] >= 0 and map_box["x"] + map_box["width"] <= size[0]
    assert map_box["height"] == pytest.approx(220 if size[0] < 768 else 300, abs=2)
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    assert "openstreetmap.org/?mlat=34.0132" in (
        page.locator(".place-map-link a").get_attribute("href") or ""
    )

    # tiles: none without a server; from the (answered) tile server and credited with one
    if tiles:
        expect(page.locator(".place-map img.leaflet-tile-loaded").first).to_be_visible()
        assert tile_requests and all(
            u.startswith("https://tiles.jam3ia.test/13/") for u in tile_requests
        )
        expect(page.locator(".leaflet-control-attribution a[href$='/copyright']")).to_have_text(
            "© OpenStreetMap"
        )
    else:
        assert page.locator(".place-map img.leaflet-tile").count() == 0
        assert not tile_requests

    # the wheel over the map scrolls the page (a phone's or laptop's scroll is not trapped)
    marker.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    page.mouse.move(*_centre(box.bounding_box()))
    page.mouse.wheel(0, 200)
    page.wait_for_function("(before) => window.scrollY > before", arg=before)

    # zoom in with the button: the tiles of the next level are asked for
    zoom_in.click()
    if tiles:
        expect(
            page.locator(".place-map img.leaflet-tile-loaded[src*='/14/']").first
        ).to_be_attached()

    assert page.evaluate("window.__csp") == []
    assert errors == []


def _centre(box: Any) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
