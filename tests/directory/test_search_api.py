"""Directory search through GET /api/v1/associations: relevance across scripts, facets
whose counts reflect the other filters, sorting, distance, did-you-mean, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from directory.models import Association

Make = Callable[..., Association]


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.json
    return [a["name"] for a in response.json["items"]]


def search(api: Any, **params: Any) -> Any:
    return api(None).get("/api/v1/associations", query_string=params)


@pytest.fixture
def corpus(make_assoc: Make) -> dict[str, Association]:
    return {
        "amal": make_assoc(
            "جمعية الأمل",
            fields=["women"],
            city="casablanca",
            member_count=40,
            description="تمكين النساء في الأحياء الشعبية",
        ),
        "annour": make_assoc(
            "Association Annour",
            fields=["health"],
            city="rabat",
            member_count=8,
            description="Caravanes médicales dans les quartiers.",
        ),
        "edu": make_assoc(
            "Association Tifawin",
            fields=["culture"],
            city="marrakech",
            member_count=120,
            description="Soutien éducatif pour les enfants des douars.",
        ),
        "sport": make_assoc(
            "Association Sportive de Fès",
            fields=["sport", "youth"],
            city="fes",
            member_count=60,
            description="Football et athlétisme pour les jeunes.",
        ),
        "wafa": make_assoc(
            "جمعية الوفاء للتربية", fields=["education"], city="sale", member_count=12
        ),
        "hidden": make_assoc("Association Al Amal cachée", status="pending", city="casablanca"),
    }


#: the generic word alone lists every (approved) association (issue 16)
EVERY = {
    "جمعية الأمل",
    "Association Annour",
    "Association Tifawin",
    "Association Sportive de Fès",
    "جمعية الوفاء للتربية",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("جمعيات", EVERY),
        ("الجمعية", EVERY),
        ("جمعيه", EVERY),
        ("jam3iat al amal", {"جمعية الأمل"}),
        ("al amal", {"جمعية الأمل"}),
        ("Amal", {"جمعية الأمل"}),
        ("الأمل", {"جمعية الأمل"}),
        ("النور", {"Association Annour"}),
        ("Ennour", {"Association Annour"}),
        ("educatif", {"Association Tifawin", "جمعية الوفاء للتربية"}),
        ("Éducation", {"Association Tifawin", "جمعية الوفاء للتربية"}),
        ("médicale", {"Association Annour"}),
        ("Fès", {"Association Sportive de Fès"}),
        ("فاس", {"Association Sportive de Fès"}),
        ("marrakech", {"Association Tifawin"}),
        ("النساء", {"جمعية الأمل"}),
    ],
)
def test_relevance_across_scripts(
    app: Flask, api: Any, corpus: dict[str, Association], query: str, expected: set[str]
) -> None:
    found = names(search(api, q=query))
    assert set(found) == expected, (query, found)


@pytest.mark.parametrize("query", ["Nour", "amal", "jam3iat al amal"])
def test_pending_associations_never_match(
    app: Flask, api: Any, corpus: dict[str, Association], query: str
) -> None:
    assert "Association Al Amal cachée" not in names(search(api, q=query))


def test_must_not_match(app: Flask, api: Any, corpus: dict[str, Association]) -> None:
    assert names(search(api, q="Tifawin Annour")) == []  # every keyed word must match
    assert names(search(api, q="hôpital")) == []
    assert "جمعية الأمل" not in names(search(api, q="الأمن"))


def test_typo_tolerance_and_suggestion(
    app: Flask, api: Any, corpus: dict[str, Association]
) -> None:
    typo = search(api, q="Tifawim")
    assert names(typo) == ["Association Tifawin"]
    assert typo.json["suggestion"] == "tifawin"
    assert names(search(api, q="Asociation Anour")) == ["Association Annour"]
    # short words get no typo tolerance
    assert names(search(api, q="Amak")) == []
    nothing = search(api, q="zzzzqqqq")
    assert names(nothing) == [] and nothing.json["suggestion"] is None


def test_a_thin_result_suggests_the_spelling_many_associations_use(
    app: Flask, api: Any, make_assoc: Make
) -> None:
    # one name holds the typo by chance; the corrected word is in many names
    make_assoc("Association Tifawik", city="rabat")
    for n in range(4):
        make_assoc(f"Association Tifawin {n}", city="marrakech")
    make_assoc("Association Tifawin Rabat", city="rabat")
    make_assoc("Association Annour", city="rabat")
    thin = search(api, q="Tifawik")
    assert names(thin) == ["Association Tifawik"]
    assert thin.json["suggestion"] == "tifawin"
    following = search(api, q=thin.json["suggestion"])
    assert len(names(following)) == 5 and following.json["suggestion"] is None
    # thin because of a filter, the word no typo: no suggestion
    filtered = search(api, q="Tifawin", city="rabat")
    assert names(filtered) == ["Association Tifawin Rabat"]
    assert filtered.json["suggestion"] is None
    # a thin result whose words have no far more frequent neighbour: no suggestion
    single = search(api, q="Annour")
    assert names(single) == ["Association Annour"] and single.json["suggestion"] is None
    # the site-wide search offers it too, as long as the result is thin
    everywhere = api(None).get("/api/v1/search", query_string={"q": "Tifawik"})
    assert everywhere.status_code == 200, everywhere.json
    assert everywhere.json["total"] == 1 and everywhere.json["suggestion"] == "tifawin"
    many = api(None).get("/api/v1/search", query_string={"q": "Tifawin"})
    assert many.json["total"] == 5 and many.json["suggestion"] is None


def test_relevance_ranks_name_matches_first(app: Flask, api: Any, make_assoc: Make) -> None:
    make_assoc("Association des parents", description="Nous travaillons avec Annour et d'autres.")
    make_assoc("Association Annour", description="Quartier.")
    assert names(search(api, q="Annour"))[0] == "Association Annour"


def test_prefix_as_you_type(app: Flask, api: Any, corpus: dict[str, Association]) -> None:
    assert names(search(api, q="Tifa")) == ["Association Tifawin"]
    assert "Association Tifawin" not in names(search(api, q="Tifa "))


def facet(response: Any, name: str) -> dict[str, int]:
    return {e["value"]: e["count"] for e in response.json["facets"][name]}


def test_facet_counts_reflect_other_filters(app: Flask, api: Any, make_assoc: Make) -> None:
    make_assoc("A1", fields=["education"], city="casablanca", member_count=5)
    make_assoc("A2", fields=["education", "health"], city="casablanca", member_count=50)
    make_assoc("A3", fields=["health"], city="rabat", member_count=500)
    make_assoc("A4", fields=["education"], city="rabat", member_count=7)
    make_assoc("A5", fields=["sport"], city="fes", member_count=30)
    make_assoc("P", fields=["education"], city="fes", status="pending")

    everything = search(api)
    assert everything.json["total"] == 5
    assert facet(everything, "field") == {"education": 3, "health": 2, "sport": 1}
    assert facet(everything, "region") == {
        "casablanca-settat": 2,
        "rabat-sale-kenitra": 2,
        "fes-meknes": 1,
    }
    assert facet(everything, "size") == {"small": 2, "medium": 2, "large": 1}

    # the field filter narrows the others' counts, not its own
    edu = search(api, field="education")
    assert sorted(names(edu)) == ["A1", "A2", "A4"]
    assert facet(edu, "field") == {"education": 3, "health": 2, "sport": 1}
    assert facet(edu, "region") == {"casablanca-settat": 2, "rabat-sale-kenitra": 1}
    assert facet(edu, "size") == {"small": 2, "medium": 1, "large": 0}

    both = search(api, field="education", region="rabat-sale-kenitra")
    assert names(both) == ["A4"]
    assert facet(both, "field") == {"education": 1, "health": 1}
    assert facet(both, "region") == {"casablanca-settat": 2, "rabat-sale-kenitra": 1}
    assert facet(both, "city") == {"rabat": 1}

    # several values of one facet: OR
    either = search(api, field=["sport", "health"])
    assert sorted(names(either)) == ["A2", "A3", "A5"]
    sized = search(api, size=["small", "large"], city="rabat")
    assert sorted(names(sized)) == ["A3", "A4"]
    # labels follow the language
    fr = api(None).get(
        "/api/v1/associations",
        query_string={"field": "education"},
        headers={"Accept-Language": "fr"},
    )
    labels = {e["value"]: e["label"] for e in fr.json["facets"]["field"]}
    assert labels["education"].startswith("Éducation")


def test_text_and_facets_together(app: Flask, api: Any, corpus: dict[str, Association]) -> None:
    response = search(api, q="association", region="fes-meknes")
    assert names(response) == ["Association Sportive de Fès"]
    # "association" alone is the generic word: every association counts (issue 16)
    assert facet(response, "region") == {
        "casablanca-settat": 1,
        "rabat-sale-kenitra": 2,
        "marrakech-safi": 1,
        "fes-meknes": 1,
    }


def test_sorts_and_pagination(app: Flask, api: Any, make_assoc: Make) -> None:
    for name in ["Bravo", "alpha", "Écho", "delta", "Charlie"]:
        make_assoc(name)
    assert names(search(api, sort="name")) == ["alpha", "Bravo", "Charlie", "delta", "Écho"]
    assert names(search(api, sort="newest")) == ["Charlie", "delta", "Écho", "alpha", "Bravo"]
    page2 = search(api, sort="name", per_page=2, page=2)
    assert names(page2) == ["Charlie", "delta"]
    assert page2.json["total"] == 5 and page2.json["page"] == 2 and page2.json["per_page"] == 2
    assert names(search(api, sort="name", per_page=2, page=9)) == []


def test_distance(app: Flask, api: Any, make_assoc: Make) -> None:
    make_assoc("Casa", city="casablanca")
    make_assoc("Mohammedia", city="mohammedia")
    make_assoc("Rabat", city="rabat")
    make_assoc("Agadir", city="agadir")
    make_assoc("Nowhere")
    near_casa = "33.5883,-7.6114"
    response = search(api, near=near_casa, sort="distance")
    assert names(response) == ["Casa", "Mohammedia", "Rabat", "Agadir"]
    distances = [a["distance_km"] for a in response.json["items"]]
    assert (
        distances[0] == 0
        and 15 < distances[1] < 30
        and 80 < distances[2] < 95
        and distances[3] > 350
    )
    assert names(search(api, near=near_casa, radius_km=100, sort="distance")) == [
        "Casa",
        "Mohammedia",
        "Rabat",
    ]
    assert sorted(names(search(api, near=near_casa, radius_km=30))) == ["Casa", "Mohammedia"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"field": "no-such-field"}, "field"),
        ({"region": "atlantis"}, "region"),
        ({"city": "<script>"}, "city"),
        ({"size": "huge"}, "size"),
        ({"near": "91,0"}, "near"),
        ({"near": "0,181"}, "near"),
        ({"near": "abc"}, "near"),
        ({"near": "nan,nan"}, "near"),
        ({"near": "33,-7", "radius_km": -5}, "radius_km"),
        ({"near": "33,-7", "radius_km": 100000}, "radius_km"),
        ({"radius_km": 10}, "radius_km"),
        ({"sort": "distance"}, "sort"),
        ({"sort": "random"}, "sort"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
    ],
)
def test_bad_input_is_422(
    app: Flask, api: Any, ref: None, params: dict[str, Any], field: str
) -> None:
    response = search(api, **params)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "?!.,;:-_()[]",
        "\u064e\u064f\u0651",
        "ـــ",
        "x" * 10_000,
        "ال" * 3000,
        "'" * 50,
        "%",
        "\x00",
        "🙂🙂",
    ],
)
def test_junk_queries_never_fail(
    app: Flask, api: Any, corpus: dict[str, Association], query: str
) -> None:
    response = search(api, q=query)
    assert response.status_code == 200, response.json
    if query.strip() == "":
        assert response.json["total"] == 5
    else:
        assert response.json["total"] == 0


def test_generic_search_endpoint(app: Flask, api: Any, corpus: dict[str, Association]) -> None:
    response = api(None).get("/api/v1/search", query_string={"q": "النور"})
    assert response.status_code == 200
    assert [(h["type"], h["title"]) for h in response.json["items"]] == [
        ("associations", "Association Annour")
    ]
    assert response.json["totals"]["associations"] == 1
    scoped = api(None).get("/api/v1/search", query_string={"q": "amal", "scope": "associations"})
    assert [h["title"] for h in scoped.json["items"]] == ["جمعية الأمل"]
    assert api(None).get("/api/v1/search", query_string={"scope": "everything"}).status_code == 422
    assert (
        api(None).get("/api/v1/search", query_string={"q": "x", "per_page": 500}).status_code == 422
    )


# --- spoken place names, the generic word, ways forward (issue 16) ------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("casa", {"جمعية الأمل"}),
        ("كازا", {"جمعية الأمل"}),
        ("Dar el Beida", {"جمعية الأمل"}),
        ("الدار البيضاء", {"جمعية الأمل"}),
        ("mourakoch", {"Association Tifawin"}),
        ("Fas", {"Association Sportive de Fès"}),
        # Salé's region is Rabat-Salé-Kénitra: its skeleton key (rbt) meets "Rbat" too, as
        # "rabat" meets the region's name; the city first (see the test below)
        ("Rbat", {"Association Annour", "جمعية الوفاء للتربية"}),
        ("sla", {"جمعية الوفاء للتربية"}),
    ],
)
def test_spoken_place_names_find_their_city(
    app: Flask, api: Any, corpus: dict[str, Association], query: str, expected: set[str]
) -> None:
    assert set(names(search(api, q=query, prefix="false"))) == expected


def test_a_spoken_city_name_ranks_the_city_before_its_region(
    app: Flask, api: Any, corpus: dict[str, Association]
) -> None:
    # the alias "Rbat" of the city (an exact word) before the region's skeleton key
    assert names(search(api, q="Rbat", prefix="false")) == [
        "Association Annour",
        "جمعية الوفاء للتربية",
    ]


@pytest.mark.parametrize("word", ["jam3ia", "jam3iya", "jamia", "jam3iat", "association", "جمعية"])
def test_the_generic_word_alone_lists_every_association(
    app: Flask, api: Any, corpus: dict[str, Association], word: str
) -> None:
    assert search(api, q=word).json["total"] == 5


def test_the_city_filter_understands_aliases_and_a_place_word_becomes_a_suggestion(
    app: Flask, api: Any, corpus: dict[str, Association]
) -> None:
    for alias in ("Casa", "كازا", "dar el beida", "casablanca"):
        response = search(api, city=alias)
        assert names(response) == ["جمعية الأمل"], alias
    offered = search(api, q="jam3iya casa").json
    assert offered["place_suggestion"] == {
        "facet": "city",
        "value": "casablanca",
        "label": "الدار البيضاء",  # the API speaks Arabic by default
    }
    assert search(api, q="amal").json["place_suggestion"] is None
    # already filtered on that city: nothing to offer
    assert search(api, q="casa", city="casablanca").json["place_suggestion"] is None


def test_an_empty_result_offers_to_remove_the_most_restrictive_filter(
    app: Flask, api: Any, corpus: dict[str, Association]
) -> None:
    # health or women in Marrakech: nothing; without the city 2, without the fields 1
    body = search(api, field=["health", "women"], city="marrakech").json
    assert body["total"] == 0
    assert body["relax"]["facet"] == "city" and body["relax"]["total"] == 2
    assert body["relax"]["values"] == ["marrakech"] and body["relax"]["labels"] == ["مراكش"]
    # a size and a field that each leave nothing: the one whose removal brings more
    # sport and small: without the field 2 (Annour, Al Wafa), without the size 1
    body = search(api, q="association", field="sport", size="small").json
    assert body["total"] == 0 and body["relax"]["facet"] == "field"
    assert body["relax"]["total"] == 2
    # no filter, or a removal that brings nothing more: no offer
    assert search(api, q="hôpital").json["relax"] is None
    assert search(api, q="Tifawin", city="marrakech").json["relax"] is None


def test_a_field_word_in_the_query_is_offered_as_the_field_filter(
    app: Flask, api: Any, corpus: dict[str, Association]
) -> None:
    response = search(api, q="sport fes")
    assert names(response) == ["Association Sportive de Fès"]
    body = response.json
    assert body["field_suggestion"] == {"facet": "field", "value": "sport", "label": "الرياضة"}
    french = api(None).get(
        "/api/v1/associations", query_string={"q": "santé"}, headers={"Accept-Language": "fr"}
    )
    assert french.json["field_suggestion"]["label"] == "Santé"
    english = api(None).get(
        "/api/v1/associations", query_string={"q": "الصحة"}, headers={"Accept-Language": "en"}
    )
    assert english.json["field_suggestion"] == {
        "facet": "field",
        "value": "health",
        "label": "Health",
    }
    # already filtered on that field, or no field named: nothing to offer
    assert search(api, q="sport", field="sport").json["field_suggestion"] is None
    assert search(api, q="amal").json["field_suggestion"] is None


@pytest.fixture
def coast(make_assoc: Make) -> None:
    make_assoc("Agadir Surf Club", fields=["sport"], city="agadir", description="Surf")
    make_assoc("Taghazout Surf", fields=["sport"], city="taghazout", description="Surf")
    make_assoc("Mouja Surf", fields=["sport"], city="essaouira", description="Surf")  # 130 km
    make_assoc("جمعية إنزكان للتضامن", fields=["solidarity"], city="inezgane")


def test_an_empty_result_for_a_place_offers_the_nearest_places_with_results(
    app: Flask, api: Any, coast: None
) -> None:
    body = search(api, q="surf Inezgane").json
    assert body["total"] == 0
    nearby = body["nearby_places"]
    assert [p["value"] for p in nearby] == ["agadir", "taghazout"]  # nearest first
    assert nearby[0]["label"] == "أكادير" and nearby[0]["count"] == 1
    assert nearby[0]["q"] == "surf" and 5 < nearby[0]["distance_km"] < 15
    # with a city filter instead of a place word, in French
    french = (
        api(None)
        .get(
            "/api/v1/associations",
            query_string={"q": "surf", "city": "inezgane"},
            headers={"Accept-Language": "fr"},
        )
        .json
    )
    assert [p["label"] for p in french["nearby_places"]] == ["Agadir", "Taghazout"]
    assert french["nearby_places"][0]["q"] == "surf"
    # enough results, or no place: nothing offered
    assert search(api, q="surf").json["nearby_places"] is None
    assert search(api, q="zzzz").json["nearby_places"] is None
