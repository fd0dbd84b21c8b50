"""The map of an association's place, through HTTP: the container and its data (no inline
script or style), the "Open in a map" link that works without JavaScript, the CSP that lets
images come from the tile server only (per app, from ``JAM3IA_MAP_TILES_URL``), and no map
where the association has no city."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.config import OSM_TILES_URL, Config
from app.db import db
from directory.models import Association, City

Make = Callable[..., Association]
MAP_DIV = re.compile(r"<div class=\"place-map\"[^>]*>", re.S)


@pytest.fixture
def tiles() -> str:
    """The tile template of the test's app (tests/conftest.py: none); parametrize to change."""
    return ""


@pytest.fixture
def config(config: Config, tiles: str) -> Config:
    return replace(config, map_tiles_url=tiles)


def rabat() -> City:
    city = db.session.scalar(select(City).where(City.code == "rabat"))
    assert city is not None
    return city


def map_data(html: str) -> dict[str, str]:
    """The data- attributes of the page's one map container."""
    tags = MAP_DIV.findall(html)
    assert len(tags) == 1, tags
    return {k: unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', tags[0])}


def img_src(response: Any) -> list[str]:
    csp = response.headers["Content-Security-Policy"]
    directive = next(d.strip() for d in csp.split(";") if d.strip().startswith("img-src "))
    return directive.split()[1:]


def test_the_page_has_the_map_and_the_link(app: Flask, client: Any, make_assoc: Make) -> None:
    assoc = make_assoc("Association Annour", city="rabat", address="Hay Riad, rue 5")
    city = rabat()
    response = client.get(f"/associations/{assoc.id}", headers={"Accept-Language": "fr"})
    html = response.get_data(as_text=True)
    data = map_data(html)
    assert float(data["lat"]) == city.lat and float(data["lng"]) == city.lng
    assert data["zoom"] == "13"
    assert data["label"] == "Association Annour — Rabat"
    assert data["tiles"] == ""  # the test configuration: no tiles
    assert data["zoom-in"] and data["zoom-out"]
    # hidden until map.js draws it: without JavaScript only the address and the link show
    assert " hidden " in MAP_DIV.findall(html)[0]
    assert "Hay Riad, rue 5" in html and "Rabat" in html
    link = f"https://www.openstreetmap.org/?mlat={city.lat}&amp;mlon={city.lng}#map=13/{city.lat}/{city.lng}"
    assert f'href="{link}"' in html
    # Leaflet and our module, each with the nonce; nothing inline
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce is not None
    for name in ("vendor/leaflet/leaflet.js", "js/map.js"):
        tag = re.search(rf'<script[^>]*src="/static/{name}"[^>]*>', html)
        assert tag is not None and f'nonce="{nonce.group(1)}"' in tag.group(0), name
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert " style=" not in html


def test_the_map_speaks_the_page_language(app: Flask, client: Any, make_assoc: Make) -> None:
    assoc = make_assoc("جمعية الأمل", city="rabat")
    html = client.get(f"/associations/{assoc.id}", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    assert '<html lang="ar" dir="rtl">' in html
    data = map_data(html)
    assert data["label"] == "جمعية الأمل — الرباط"
    assert re.search(r'class="place-map"[^>]*aria-label="الخريطة"', html)  # "Map", translated


def test_a_name_cannot_break_out_of_the_attributes(
    app: Flask, client: Any, make_assoc: Make
) -> None:
    assoc = make_assoc('Al "Amal" <b onmouseover=x>', city="rabat")
    html = client.get(f"/associations/{assoc.id}").get_data(as_text=True)
    assert "<b onmouseover" not in html
    assert map_data(html)["label"] == 'Al "Amal" <b onmouseover=x> — الرباط'


def test_no_city_no_map(app: Flask, client: Any, make_assoc: Make) -> None:
    assoc = make_assoc("Association sans lieu")
    html = client.get(f"/associations/{assoc.id}").get_data(as_text=True)
    assert "Association sans lieu" in html
    assert "data-map" not in html and "openstreetmap.org" not in html
    assert "leaflet" not in html  # the map's files load only where there is a map


def test_without_tiles_images_come_from_the_site_only(app: Flask, client: Any) -> None:
    assert img_src(client.get("/")) == ["'self'", "data:"]


@pytest.mark.parametrize("tiles", [OSM_TILES_URL])
def test_the_csp_allows_the_tile_server_and_no_other(
    app: Flask, client: Any, make_assoc: Make, tiles: str
) -> None:
    assoc = make_assoc("Association Annour", city="rabat")
    response = client.get(f"/associations/{assoc.id}")
    sources = img_src(response)
    assert sources == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert "https:" not in sources and "*" not in sources
    data = map_data(response.get_data(as_text=True))
    assert data["tiles"] == OSM_TILES_URL
    assert data["attribution"] == "© OpenStreetMap"
    assert data["attribution-url"] == "https://www.openstreetmap.org/copyright"
    # the rest of the policy is unchanged
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "style-src 'self'", "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
