"""A relevance set of our own (issue 16): Moroccan-style associations and the queries people
type for them, in Arabic, French, Arabizi, mixed, colloquial place names and with typos.

Run through the public search API on the app's backend (Whoosh on SQLite, the PostgreSQL
backend with TEST_DATABASE_URL: the same set on both is the parity check). Prints recall@10
and precision@3 per kind; fails under 0.95 recall or on any forbidden result in a top 3.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import Flask

from directory.models import Association

Make = Callable[..., Association]

#: key -> (name, fields, city, description)
ASSOCIATIONS: dict[str, tuple[str, list[str], str, str]] = {
    "amal": ("جمعية الأمل للتنمية", ["women"], "casablanca", "تمكين النساء في الأحياء الشعبية"),
    "annour": ("Association Annour", ["health"], "rabat", "Caravanes médicales dans les douars."),
    "tifawin": ("Association Tifawin", ["culture"], "marrakech", "Soutien scolaire des enfants."),
    "chabab": ("Jam3iyat Chabab Fas", ["sport", "youth"], "fes", "Football et athlétisme."),
    "wafa": ("جمعية الوفاء للتربية", ["education"], "sale", "محاربة الأمية عند الكبار"),
    "bi2a": ("Association Bi2a Nadifa", ["environment"], "tanger", "Nettoyage des plages."),
    "kafala": ("جمعية كفالة اليتيم", ["children"], "meknes", "Parrainage des orphelins."),
    "sahha": ("Association Sahha Lil Jami3", ["health"], "agadir", "Dépistage du diabète."),
    "tawasol": ("جمعية التواصل", ["culture"], "oujda", "Ateliers de théâtre pour les jeunes."),
    "atlas": (
        "Association Atlas Azilal",
        ["rural-development"],
        "azilal",
        "Eau potable pour les douars.",
    ),
    "nakhil": ("جمعية النخيل", ["environment"], "errachidia", "غرس النخيل في الواحات"),
    "mouja": ("Club Mouja Surf", ["sport"], "essaouira", "Surf pour les enfants."),
}

#: (kind, query, expected keys: all in the top 10, forbidden keys: none in the top 3)
QUERIES: list[tuple[str, str, set[str], set[str]]] = [
    ("arabic", "الأمل", {"amal"}, {"annour"}),
    ("arabic", "النساء", {"amal"}, set()),
    ("arabic", "اليتيم", {"kafala"}, set()),
    ("arabic", "الأمية", {"wafa"}, set()),
    ("arabic", "النخيل", {"nakhil"}, set()),
    ("arabic", "التواصل", {"tawasol"}, set()),
    ("french", "médicales", {"annour"}, set()),
    ("french", "orphelins", {"kafala"}, set()),
    ("french", "plages", {"bi2a"}, set()),
    ("french", "surf", {"mouja"}, set()),
    ("french", "diabète", {"sahha"}, set()),
    ("french", "théâtre", {"tawasol"}, set()),
    ("arabizi", "jam3iyat al amal", {"amal"}, {"annour"}),
    ("arabizi", "chabab", {"chabab"}, set()),
    ("arabizi", "bi2a", {"bi2a"}, set()),
    ("arabizi", "sa7a", {"sahha"}, set()),
    ("arabizi", "kafalat l yatim", {"kafala"}, set()),
    ("arabizi", "nnakhil", {"nakhil"}, set()),
    ("arabizi", "tawassol", {"tawasol"}, set()),
    ("arabizi", "al wafae", {"wafa"}, set()),
    ("mixed", "jam3ia الأمل", {"amal"}, set()),
    ("mixed", "association النور", {"annour"}, set()),
    ("mixed", "surf الصويرة", {"mouja"}, set()),
    ("places", "casa", {"amal"}, {"annour"}),
    ("places", "كازا", {"amal"}, set()),
    ("places", "Dar el Beida", {"amal"}, set()),
    ("places", "mourakoch", {"tifawin"}, set()),
    ("places", "Fas", {"chabab"}, set()),
    ("places", "Tanja", {"bi2a"}, set()),
    ("places", "Rbat", {"annour"}, set()),
    ("places", "Swira", {"mouja"}, set()),
    ("places", "أكادير", {"sahha"}, set()),
    ("places", "Wejda", {"tawasol"}, set()),
    ("places", "Mknas", {"kafala"}, set()),
    ("places", "Rachidia", {"nakhil"}, set()),
    ("typos", "Tifawim", {"tifawin"}, set()),
    ("typos", "Annoor", {"annour"}, set()),
    ("typos", "orphlins", {"kafala"}, set()),
    ("generic", "jam3ia", set(ASSOCIATIONS), set()),
    ("generic", "jamia", set(ASSOCIATIONS), set()),
    ("generic", "جمعية", set(ASSOCIATIONS), set()),
]


def test_relevance_set(app: Flask, api: Any, make_assoc: Make) -> None:
    ids: dict[int, str] = {}
    for key, (name, fields, city, description) in ASSOCIATIONS.items():
        ids[make_assoc(name, fields=fields, city=city, description=description).id] = key
    recall: dict[str, list[float]] = defaultdict(list)
    precision: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    forbidden_hits: list[str] = []
    for kind, q, expected, forbidden in QUERIES:
        body = api(None).get("/api/v1/associations", query_string={"q": q, "per_page": 20}).json
        found = [ids[item["id"]] for item in body["items"]]
        top10, top3 = found[:10], found[:3]
        want = expected if len(expected) <= 10 else set(found[:10]) & expected
        got = len(want & set(top10)) / len(want) if want else 1.0
        if len(expected) > 10 and body["total"] < len(expected):
            got = 0.0
        recall[kind].append(got)
        relevant = [k for k in top3 if k in expected]
        precision[kind].append(len(relevant) / min(3, len(expected)) if expected else 1.0)
        if got < 1.0:
            failures.append(f"{kind}: {q!r} -> {found[:5]}")
        if set(top3) & forbidden:
            forbidden_hits.append(f"{kind}: {q!r} -> {top3}")
    print()
    for kind in recall:
        r = sum(recall[kind]) / len(recall[kind])
        p = sum(precision[kind]) / len(precision[kind])
        print(f"{kind:8} queries={len(recall[kind]):3} recall@10={r:.2f} precision@3={p:.2f}")
    overall = sum(sum(v) for v in recall.values()) / len(QUERIES)
    print(f"overall recall@10={overall:.2f}; misses: {failures}")
    assert overall >= 0.95, failures
    assert not forbidden_hits, forbidden_hits
