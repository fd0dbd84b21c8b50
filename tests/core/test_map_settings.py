"""The map tiles' settings (``JAM3IA_MAP_TILES_URL``, ``_ATTRIBUTION``, ``_ATTRIBUTION_URL``):
read from the environment, checked at start, and turned into the one image origin the CSP
allows, per app. The map itself is tested in tests/directory/test_place_map.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.config import OSM_TILES_URL, Config, ConfigError, tiles_origin
from app.db import db


def img_src(response: Any) -> list[str]:
    csp = response.headers["Content-Security-Policy"]
    directive = next(d.strip() for d in csp.split(";") if d.strip().startswith("img-src "))
    return directive.split()[1:]


def test_each_app_has_its_own_policy(app: Flask, client: Any, config: Config) -> None:
    """Two apps alive at once, with other tile servers, each answer with their own CSP."""
    other = create_app(
        replace(
            config,
            instance_path=Path(config.instance_path).with_name("other"),
            map_tiles_url="http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png",
        )
    )
    try:
        assert img_src(other.test_client().get("/static/css/app.css")) == [
            "'self'",
            "data:",
            "http://127.0.0.1:8080",
        ]
        assert img_src(client.get("/static/css/app.css")) == ["'self'", "data:"]
    finally:
        with other.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("", None),
        (OSM_TILES_URL, "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ],
)
def test_tile_origins(template: str, origin: str | None) -> None:
    assert tiles_origin(template) == origin


@pytest.mark.parametrize(
    "template",
    [
        "/tiles/{z}/{x}/{y}.png",  # relative
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/tile.png",  # not a template
        "https://tiles.{s}.example.org/{z}/{x}/{y}.png",  # {s} not the first label
        "https://tiles.example.org:99999/{z}/{x}/{y}.png",
        "https://tiles example.org/{z}/{x}/{y}.png",
    ],
)
def test_bad_tile_templates_stop_the_start(template: str) -> None:
    with pytest.raises(ConfigError, match="JAM3IA_MAP_TILES_URL"):
        Config.from_env({"JAM3IA_MAP_TILES_URL": template})


def test_the_map_settings_are_read_from_the_environment() -> None:
    default = Config.from_env({})
    assert default.map_tiles_url == OSM_TILES_URL
    assert default.map_tiles_origin == "https://tile.openstreetmap.org"
    assert default.map_tiles_attribution == "© OpenStreetMap"
    assert default.map_tiles_attribution_url == "https://www.openstreetmap.org/copyright"
    offline = Config.from_env({"JAM3IA_MAP_TILES_URL": ""})
    assert offline.map_tiles_url == "" and offline.map_tiles_origin is None
    own = Config.from_env(
        {
            "JAM3IA_MAP_TILES_URL": "https://tiles.example.ma/{z}/{x}/{y}.png",
            "JAM3IA_MAP_TILES_ATTRIBUTION": "© OpenStreetMap, Example",
            "JAM3IA_MAP_TILES_ATTRIBUTION_URL": "https://example.ma/credits",
        }
    )
    assert own.map_tiles_origin == "https://tiles.example.ma"
    assert own.map_tiles_attribution == "© OpenStreetMap, Example"
    assert own.map_tiles_attribution_url == "https://example.ma/credits"
    with pytest.raises(ConfigError, match="ATTRIBUTION_URL"):
        Config.from_env({"JAM3IA_MAP_TILES_ATTRIBUTION_URL": "javascript:alert(1)"})
