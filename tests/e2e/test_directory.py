"""The directory in a browser: search in another script, filter by a facet, in Arabic (RTL)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from app.db import db
from directory import load_reference_data
from directory.services import create_association, decide_association
from tests.factories import UserFactory


def make_assoc(name: str, fields: list[str], city: str) -> None:
    assoc = create_association(UserFactory(), {"name": name, "field_codes": fields, "city": city})
    db.session.commit()  # the test is the edge
    decide_association(None, assoc, "approve")
    db.session.commit()  # the test is the edge


def test_search_and_filter_in_arabic(new_page: Any, app: Any) -> None:
    load_reference_data()
    make_assoc("Association Annour", fields=["health"], city="rabat")
    make_assoc("جمعية الأمل", fields=["women"], city="casablanca")
    make_assoc("Association Al Amal Sport", fields=["sport"], city="fes")
    page = new_page(locale="ar")
    page.goto("/directory")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("input[name=q]", "النور")
    page.click(".search-row button[type=submit]")
    results = page.locator(".association-list")
    expect(results).to_contain_text("Association Annour")
    expect(results).not_to_contain_text("جمعية الأمل")

    page.fill("input[name=q]", "amal")
    page.click(".search-row button[type=submit]")
    expect(results).to_contain_text("جمعية الأمل")
    expect(results).to_contain_text("Association Al Amal Sport")
    # once the page's script runs, ticking applies at once: the button to find is gone
    expect(page.locator("[data-apply-filters]")).to_be_hidden()
    page.check("input[name=field][value=sport]")
    expect(page).to_have_url(re.compile(r"q=amal.*field=sport|field=sport.*q=amal"))
    expect(results).to_contain_text("Association Al Amal Sport")
    expect(results).not_to_contain_text("جمعية الأمل")


def test_near_me_sorts_by_distance(new_page: Any, app: Any) -> None:
    load_reference_data()
    make_assoc("Association Tanger Nord", fields=["health"], city="tanger")
    make_assoc("Association Rabat Océan", fields=["health"], city="rabat")
    make_assoc("Association Agadir Sud", fields=["health"], city="agadir")
    # a phone in Salé, next to Rabat, that lets the page read its position
    page = new_page(
        locale="fr-FR",
        geolocation={"latitude": 34.05, "longitude": -6.80},
        permissions=["geolocation"],
    )
    page.goto("/directory")
    near_me = page.locator("[data-near-me]")
    expect(near_me).to_be_visible()
    expect(near_me).to_have_text("Près de moi")
    near_me.click()
    expect(page).to_have_url(re.compile(r"near=34\.05.*sort=distance|sort=distance.*near=34\.05"))
    names = page.locator(".association-list h2")
    expect(names.first).to_have_text("Association Rabat Océan")
    expect(names.last).to_have_text("Association Agadir Sud")
    expect(page.locator(".association-list").first).to_contain_text("km")
    expect(page.locator("[data-near-status]")).to_contain_text("distance")


def test_distance_without_a_position_is_explained_in_the_readers_language(
    new_page: Any, app: Any
) -> None:
    page = new_page(locale="fr-FR")
    page.goto("/directory?sort=distance")
    alert = page.locator(".flash-error")
    expect(alert).to_contain_text("Près de moi")
    expect(alert).not_to_contain_text("sort:")


def test_phone_shows_results_first_and_filters_in_a_drawer(new_page: Any, app: Any) -> None:
    load_reference_data()
    make_assoc("Association Annour", fields=["health"], city="rabat")
    make_assoc("جمعية الأمل", fields=["women"], city="casablanca")
    page = new_page(locale="ar", viewport={"width": 390, "height": 844})
    page.goto("/directory?q=jam3ia")
    first = page.locator(".association-card").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] + 40 < 844  # the first result is on the first screen
    expect(page.locator("#filters input[name=field]").first).not_to_be_visible()
    page.click(".filters-toggle")
    drawer = page.locator("#filters")
    expect(drawer).to_be_visible()
    drawer.locator("input[name=field][value=women]").check()  # applies as you tick
    expect(page).to_have_url(re.compile(r"field=women"))
    results = page.locator(".association-list")
    expect(results).to_contain_text("جمعية الأمل")
    expect(results).not_to_contain_text("Association Annour")
    chip = page.locator(".filter-chips a.chip").first
    expect(chip).to_be_visible()
    chip.click()  # the chip's × takes the filter away
    expect(results).to_contain_text("Association Annour")
    expect(page.locator(".filter-chips")).to_have_count(0)
