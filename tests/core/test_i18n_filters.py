"""The one set of date and list filters (app/i18n.py), rendered as the pages use them."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import render_template_string
from flask_babel import force_locale

from tests.directory.factories import AssociationFactory

NAMES = ["جمعية النور", "Association Al Amal (Fès)", "Tamazight ⵜⴰⵎⴰⵣⵉⵖⵜ"]
LIST = "{{ names|list_of }}"


@pytest.mark.parametrize(
    ("locale", "joined"),
    [
        ("fr", "<bdi>A</bdi>, <bdi>B</bdi> et <bdi>C</bdi>"),
        ("en", "<bdi>A</bdi>, <bdi>B</bdi>, and <bdi>C</bdi>"),
        ("ar", "<bdi>A</bdi> و<bdi>B</bdi> و<bdi>C</bdi>"),
    ],
)
def test_lists_use_the_locale_separator_and_isolate_each_item(app, locale, joined):
    with app.test_request_context(), force_locale(locale):
        out = render_template_string(LIST, names=NAMES)
    expected = joined
    for letter, name in zip("ABC", NAMES, strict=True):
        expected = expected.replace(f"<bdi>{letter}</bdi>", f"<bdi>{name}</bdi>")
    assert out == expected


def test_list_items_are_escaped(app):
    with app.test_request_context(), force_locale("en"):
        out = render_template_string(LIST, names=["<b>x</b>", "y"])
    assert out == "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi> and <bdi>y</bdi>"


def test_datetime_and_relative_show_the_reader_zone_with_the_utc_instant(app):
    instant = dt.datetime(2026, 12, 4, 11, 5, tzinfo=dt.UTC)
    with app.test_request_context(), force_locale("fr"):
        full = render_template_string("{{ t|datetime }}", t=instant)
        ago = render_template_string(
            "{{ t|ago(now) }}", t=instant, now=instant + dt.timedelta(minutes=3)
        )
        day = render_template_string("{{ t|date }}", t=instant.replace(hour=23, minute=30))
    assert full.startswith('<time datetime="2026-12-04T11:05:00Z" title="')
    assert full.endswith(">4 déc. 2026, 12:05</time>")  # Casablanca is UTC+1
    assert ">il y a 3\xa0min</time>" in ago
    assert 'title="vendredi 4 décembre 2026, 12:05"' in ago
    assert ">5 déc. 2026</time>" in day  # 23:30 UTC is already the 5th in Casablanca


def test_the_platform_zone_is_a_setting(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    instant = dt.datetime(2026, 12, 4, 11, 5, tzinfo=dt.UTC)
    with app.test_request_context(), force_locale("en"):
        out = render_template_string("{{ t|datetime }}", t=instant)
    assert ">4 Dec 2026, 11:05</time>" in out


def test_page_titles_isolate_user_text(client, user):
    association = AssociationFactory(name="Association Al Amal (Fès)", status="approved")
    html = client.get(
        f"/associations/{association.id}", headers={"Accept-Language": "ar"}
    ).get_data(as_text=True)
    assert "<title>\u2068Association Al Amal (Fès)\u2069 · jam3ia</title>" in html
    profile = client.get(f"/users/{user.id}").get_data(as_text=True)
    assert f"<title>\u2068{user.display_name}\u2069 · jam3ia</title>" in profile
