"""Checks the reference data shipped in directory/data (regions, provinces, cities, fields).

The JSON is loaded with the standard library only, so these tests need neither the app nor a
database.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "directory" / "data"
LANGS = ("ar", "fr", "en")
ARABIC = re.compile(r"[\u0600-\u06FF]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The 2015 division: region code -> number of prefectures and provinces.
PROVINCES_PER_REGION = {
    "tanger-tetouan-al-hoceima": 8,
    "oriental": 8,
    "fes-meknes": 9,
    "rabat-sale-kenitra": 7,
    "beni-mellal-khenifra": 5,
    "casablanca-settat": 9,
    "marrakech-safi": 8,
    "draa-tafilalet": 5,
    "souss-massa": 6,
    "guelmim-oued-noun": 4,
    "laayoune-sakia-el-hamra": 4,
    "dakhla-oued-ed-dahab": 2,
}
PREFECTURES = {
    "tanger-assilah",
    "mdiq-fnideq",
    "oujda-angad",
    "fes",
    "meknes",
    "rabat",
    "sale",
    "skhirate-temara",
    "casablanca",
    "mohammedia",
    "marrakech",
    "agadir-ida-outanane",
    "inezgane-ait-melloul",
}
CASABLANCA_SETTAT = {
    "casablanca",
    "mohammedia",
    "el-jadida",
    "nouaceur",
    "mediouna",
    "benslimane",
    "berrechid",
    "settat",
    "sidi-bennour",
}
# Morocco's bounding box, from Lagouira to Cap Spartel and from Dakhla to Figuig.
LAT_MIN, LAT_MAX = 20.7, 36.0
LNG_MIN, LNG_MAX = -17.2, -0.9


def load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def regions() -> list[dict[str, Any]]:
    return load("regions.json")


@pytest.fixture(scope="module")
def provinces(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for r in regions for p in r["provinces"]]


@pytest.fixture(scope="module")
def cities(provinces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for p in provinces for c in p["cities"]]


@pytest.fixture(scope="module")
def fields() -> list[dict[str, Any]]:
    return load("fields.json")


def assert_names(obj: dict[str, Any], key: str = "name") -> None:
    names = obj[key]
    assert set(names) == set(LANGS), (obj.get("code"), names)
    for lang in LANGS:
        assert isinstance(names[lang], str) and names[lang].strip(), (obj.get("code"), lang)
        assert names[lang] == names[lang].strip(), (obj.get("code"), lang)
    assert ARABIC.search(names["ar"]), (obj.get("code"), names["ar"])
    assert not ARABIC.search(names["fr"]) and not ARABIC.search(names["en"]), obj.get("code")


def assert_unique_slugs(codes: list[str]) -> None:
    for code in codes:
        assert SLUG.match(code), code
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    assert not dupes, dupes


def distance_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlng = lat2 - lat1, math.radians(b["lng"] - a["lng"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


# Regions and provinces


def test_twelve_regions_of_2015(regions: list[dict[str, Any]]) -> None:
    assert [r["code"] for r in regions] == list(PROVINCES_PER_REGION)
    for region in regions:
        assert set(region) == {"code", "name", "provinces"}
        assert_names(region)
        assert region["name"]["ar"].startswith("جهة "), region["name"]["ar"]
    assert_unique_slugs([r["code"] for r in regions])


def test_seventy_five_prefectures_and_provinces(
    regions: list[dict[str, Any]], provinces: list[dict[str, Any]]
) -> None:
    assert len(provinces) == 75
    for region in regions:
        assert len(region["provinces"]) == PROVINCES_PER_REGION[region["code"]], region["code"]
    assert_unique_slugs([p["code"] for p in provinces])


def test_province_kinds_and_names(provinces: list[dict[str, Any]]) -> None:
    kinds = Counter(p["kind"] for p in provinces)
    assert kinds == {"prefecture": 13, "province": 62}
    for province in provinces:
        assert set(province) == {"code", "kind", "name", "cities"}
        assert_names(province)
        assert (province["kind"] == "prefecture") == (province["code"] in PREFECTURES), province[
            "code"
        ]
        prefix = "عمالة " if province["kind"] == "prefecture" else "إقليم "
        assert province["name"]["ar"].startswith(prefix), province["name"]["ar"]


def test_casablanca_settat_provinces(regions: list[dict[str, Any]]) -> None:
    region = next(r for r in regions if r["code"] == "casablanca-settat")
    assert {p["code"] for p in region["provinces"]} == CASABLANCA_SETTAT


# Cities


def test_every_province_has_cities(
    provinces: list[dict[str, Any]], cities: list[dict[str, Any]]
) -> None:
    for province in provinces:
        assert len(province["cities"]) >= 1, province["code"]
    assert 200 <= len(cities) <= 320, len(cities)


def test_cities_have_names_and_unique_codes(cities: list[dict[str, Any]]) -> None:
    for city in cities:
        assert set(city) == {"code", "name", "lat", "lng"}, city.get("code")
        assert_names(city)
    assert_unique_slugs([c["code"] for c in cities])


def test_coordinates_in_morocco(cities: list[dict[str, Any]]) -> None:
    for city in cities:
        lat, lng = city["lat"], city["lng"]
        assert isinstance(lat, float) and isinstance(lng, float), city["code"]
        assert LAT_MIN <= lat <= LAT_MAX, (city["code"], lat)
        assert LNG_MIN <= lng <= LNG_MAX, (city["code"], lng)
        assert round(lat, 4) == lat and round(lng, 4) == lng, city["code"]


def test_cities_lie_near_their_province_seat(provinces: list[dict[str, Any]]) -> None:
    # The first city is the seat; a city far away from it most likely has swapped or wrong
    # coordinates. The widest provinces (Boujdour, Aousserd) stay under 300 km.
    for province in provinces:
        seat = province["cities"][0]
        for city in province["cities"][1:]:
            assert distance_km(seat, city) < 300, (province["code"], city["code"])


def test_well_known_cities(cities: list[dict[str, Any]]) -> None:
    by_code = {c["code"]: c for c in cities}
    for code, lat, lng in (
        ("casablanca", 33.59, -7.61),
        ("rabat", 34.01, -6.83),
        ("fes", 34.03, -5.00),
        ("marrakech", 31.63, -8.00),
        ("tanger", 35.77, -5.80),
        ("agadir", 30.42, -9.60),
        ("oujda", 34.68, -1.91),
        ("laayoune", 27.14, -13.19),
        ("dakhla", 23.68, -15.96),
    ):
        city = by_code[code]
        assert abs(city["lat"] - lat) < 0.05 and abs(city["lng"] - lng) < 0.05, code
    assert by_code["casablanca"]["name"]["ar"] == "الدار البيضاء"
    assert by_code["fes"]["name"]["en"] == "Fez"


# Fields of activity


def test_fields(fields: list[dict[str, Any]]) -> None:
    assert 18 <= len(fields) <= 24, len(fields)
    assert_unique_slugs([f["code"] for f in fields])
    for field in fields:
        assert set(field) == {"code", "icon", "name", "description"}, field.get("code")
        assert_names(field)
        assert_names(field, "description")
        assert field["icon"] and field["icon"].isascii() and " " not in field["icon"], field["code"]
    codes = {f["code"] for f in fields}
    for expected in (
        "education",
        "health",
        "women",
        "children",
        "youth",
        "disability",
        "environment",
        "culture",
        "sport",
        "human-rights",
        "solidarity",
    ):
        assert expected in codes, expected
