"""The directory in a browser: search in another script, filter by a facet, in Arabic (RTL)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from directory import load_reference_data
from directory.services import create_association, decide_association
from tests.factories import UserFactory


def make_assoc(name: str, fields: list[str], city: str) -> None:
    assoc = create_association(UserFactory(), {"name": name, "field_codes": fields, "city": city})
    decide_association(None, assoc, "approve")


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
    page.check("input[name=field][value=sport]")
    page.click(".facets button[type=submit]")
    expect(page).to_have_url(re.compile(r"q=amal.*field=sport|field=sport.*q=amal"))
    expect(results).to_contain_text("Association Al Amal Sport")
    expect(results).not_to_contain_text("جمعية الأمل")
