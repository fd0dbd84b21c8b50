"""What the directory puts in the search index: approved associations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.api import invalid
from app.db import db
from app.search.analysis import MAX_QUERY_CHARS, analyze, analyze_token, tokenize
from app.search.framework import (
    THIN_RESULTS,
    DocType,
    Document,
    SearchRequest,
    register_doc_type,
    search,
)
from app.search.latin import fold_accents
from app.search.query import haversine_km
from directory.models import Association, City, Field, Province, Region
from directory.reference import place_aliases

DOC_TYPE = "associations"
FACETS = ("field", "region", "province", "city", "size")


def association_document(assoc: Association) -> Document:
    fields = assoc.fields
    place_parts: list[str] = []
    for place in (assoc.city, assoc.province, assoc.region):
        if place is not None:
            place_parts += [place.name_ar, place.name_fr, place.name_en]
    if assoc.city is not None:
        place_parts += place_aliases().get(assoc.city.code, [])
    field_labels = [f"{f.name_ar} {f.name_fr} {f.name_en}" for f in fields]
    geo = (assoc.city.lat, assoc.city.lng) if assoc.city is not None else None
    facets: dict[str, list[str]] = {
        "field": [f.code for f in fields],
        "size": [assoc.size],
    }
    if assoc.region is not None:
        facets["region"] = [assoc.region.code]
    if assoc.province is not None:
        facets["province"] = [assoc.province.code]
    if assoc.city is not None:
        facets["city"] = [assoc.city.code]
    return Document(
        id=assoc.id,
        names={"name": f"{assoc.name} {assoc.name_alt}".strip()},
        text={
            "description": assoc.description,
            "fields": " ".join(field_labels),
            "place": " ".join(place_parts),
        },
        facets=facets,
        sort_name=fold_accents(assoc.name.casefold()),
        created=assoc.created_at.timestamp(),
        geo=geo,
    )


def load_associations(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    """Approved associations only: pending, rejected or suspended ones leave the index."""
    rows = session.scalars(
        select(Association)
        .where(Association.id.in_(list(ids)), Association.status == "approved")
        .options(
            selectinload(Association.fields),
            selectinload(Association.region),
            selectinload(Association.province),
            selectinload(Association.city)
            .selectinload(City.province)
            .selectinload(Province.region),
        )
    )
    return {a.id: association_document(a) for a in rows}


def all_association_ids(session: Session) -> Iterable[int]:
    return session.scalars(
        select(Association.id).where(Association.status == "approved").order_by(Association.id)
    )


def describe(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(Association.id, Association.name, Association.description).where(
            Association.id.in_(list(ids))
        )
    )
    return {
        r[0]: {
            "title": r[1],
            "url": url_for("directory.show_association", association_id=r[0]),
            "snippet": (r[2] or "")[:200],
        }
        for r in rows
    }


def register_search(app: Flask) -> None:
    register_doc_type(
        app,
        DocType(
            name=DOC_TYPE,
            load=load_associations,
            all_ids=all_association_ids,
            name_fields={"name": 4.0},
            text_fields={"description": 1.0, "fields": 1.5, "place": 1.0},
            facets=FACETS,
            watch=((Association, lambda a: [a.id]),),
            describe=describe,
        ),
    )


# --- the directory search service (API and page) --------------------------------------------


@dataclass(frozen=True)
class _Reference:
    labels: dict[str, dict[str, dict[str, str]]]  # facet -> code -> {ar, fr, en}
    order: dict[str, dict[str, int]]
    #: a city's names and aliases as analyzed terms -> its code (see :func:`place_key`)
    places: dict[tuple[str, ...], str]
    #: a field of interest's names (ar, fr, en) as analyzed terms -> its code
    fields: dict[tuple[str, ...], str]
    #: city code -> (lat, lng)
    coords: dict[str, tuple[float, float]]


def place_key(text: str) -> tuple[str, ...]:
    """A place name as the search analyzer reads it: "Dar el Beida", "dar al-beida" and
    "الدار البيضاء" each give one key, whatever their case, accents and article."""

    return tuple(analyze(text))


#: a place name in a query is looked for as up to this many consecutive words
PLACE_WORDS = 3
#: nearby places are looked for within this distance of the place the search names
NEARBY_KM = 120.0
#: and at most this many are offered
NEARBY_PLACES = 3


def reference() -> _Reference:
    """Codes and labels of facet values, cached per app (cleared by load_reference_data)."""

    cached = current_app.extensions.get(REF_KEY)
    if cached is not None:
        ref: _Reference = cached
        return ref
    labels: dict[str, dict[str, dict[str, str]]] = {}
    order: dict[str, dict[str, int]] = {}
    coords: dict[str, tuple[float, float]] = {}
    models: tuple[tuple[str, Any], ...] = (
        ("field", Field),
        ("region", Region),
        ("province", Province),
        ("city", City),
    )
    for facet, model in models:
        rows = db.session.scalars(select(model).order_by(model.position, model.id)).all()
        labels[facet] = {r.code: {"ar": r.name_ar, "fr": r.name_fr, "en": r.name_en} for r in rows}
        order[facet] = {r.code: i for i, r in enumerate(rows)}
        if facet == "city":
            coords = {r.code: (r.lat, r.lng) for r in rows if r.lat is not None}
    size_labels = {
        "small": ("صغيرة (1–19)", "Petite (1–19)", "Small (1–19)"),
        "medium": ("متوسطة (20–99)", "Moyenne (20–99)", "Medium (20–99)"),
        "large": ("كبيرة (100+)", "Grande (100+)", "Large (100+)"),
    }
    labels["size"] = {
        k: dict(zip(("ar", "fr", "en"), v, strict=True)) for k, v in size_labels.items()
    }
    order["size"] = {"small": 0, "medium": 1, "large": 2}
    places: dict[tuple[str, ...], str] = {}
    for code, names in labels["city"].items():
        for name in (*place_aliases().get(code, []), *names.values()):
            key = place_key(name)
            if key:
                places.setdefault(key, code)
    fields: dict[tuple[str, ...], str] = {}
    for code, names in labels["field"].items():
        for name in names.values():
            key = place_key(name)
            if key:
                fields.setdefault(key, code)
    built = _Reference(labels, order, places, fields, coords)
    current_app.extensions[REF_KEY] = built
    return built


REF_KEY = "directory_reference"


def resolve_city(value: str) -> str | None:
    """The code of the city ``value`` names: a code, an official name or an alias ("Casa",
    "كازا", "mourakoch"); None if none."""
    ref = reference()
    if value in ref.labels["city"]:
        return value
    key = place_key(value[:100])
    return ref.places.get(key) if key else None


def place_in_query(q: str) -> str | None:
    """The code of the first city the query names ("jam3iya casa", "sport mourakoch")."""
    return _named_in_query(q, reference().places)[0]


def field_in_query(q: str) -> str | None:
    """The code of the first field of interest the query names ("sport", "الصحة", "santé")."""
    return _named_in_query(q, reference().fields)[0]


def _named_in_query(q: str, names: dict[tuple[str, ...], str]) -> tuple[str | None, str]:
    """The code of the first of ``names`` the query holds (up to :data:`PLACE_WORDS`
    consecutive words), and the query without those words ("surf tiznit" -> "surf")."""

    tokens = tokenize(q[:MAX_QUERY_CHARS])
    analyzed = [(i, t) for i, t in ((i, analyze_token(w)) for i, w in enumerate(tokens)) if t]
    terms = [t for _i, t in analyzed]
    for start in range(len(terms)):
        for length in range(min(PLACE_WORDS, len(terms) - start), 0, -1):
            code = names.get(tuple(terms[start : start + length]))
            if code is not None:
                first, last = analyzed[start][0], analyzed[start + length - 1][0]
                rest = tokens[:first] + tokens[last + 1 :]
                return code, " ".join(rest)
    return None, q


def _lang(locale: str | None) -> str:
    return locale[:2] if locale and locale[:2] in ("ar", "fr", "en") else "en"


def search_associations(
    args: dict[str, Any], actor: Any = None, locale: str | None = None
) -> dict[str, Any]:
    """Run a directory search from validated arguments (see ``AssociationSearchArgsSchema``).

    Returns ``{ids, total, page, per_page, facets, suggestion, distances}``; unknown facet
    values raise a 422 ``ApiError``."""

    ref = reference()
    lang = _lang(locale)
    filters: dict[str, tuple[str, ...]] = {}
    bad: dict[str, list[str]] = {}
    for facet in FACETS:
        values = tuple(dict.fromkeys(v for v in args.get(facet) or () if v))
        if facet == "city":
            values = tuple(dict.fromkeys(resolve_city(v) or v for v in values))
        unknown = [v for v in values if v not in ref.labels[facet]]
        if unknown:
            bad[facet] = [_("Unknown value: %(value)s", value=unknown[0][:50])]
        elif values:
            filters[facet] = values
    if bad:
        raise invalid(_("Some fields are not valid."), bad)
    near = None
    if args.get("near"):
        lat, lng = (float(x) for x in str(args["near"]).split(","))
        near = (lat, lng)
    request = SearchRequest(
        q=args.get("q") or "",
        filters=filters,
        facets=FACETS,
        sort=args.get("sort") or "relevance",
        near=near,
        radius_km=args.get("radius_km"),
        page=args.get("page", 1),
        per_page=args.get("per_page", 20),
    )
    result = search(DOC_TYPE, request, actor=actor)
    place = place_in_query(request.q) if request.q else None
    place_suggestion = None
    if place is not None and place not in filters.get("city", ()):
        place_suggestion = {
            "facet": "city",
            "value": place,
            "label": ref.labels["city"][place].get(lang, place),
        }
    field = field_in_query(request.q) if request.q else None
    field_suggestion = None
    if field is not None and field not in filters.get("field", ()):
        field_suggestion = {
            "facet": "field",
            "value": field,
            "label": ref.labels["field"][field].get(lang, field),
        }
    relax = None
    nearby = None
    if result.total <= THIN_RESULTS:
        if filters:
            relax = _most_restrictive(request, filters, result.total, actor, ref, lang)
        nearby = _nearby_places(request, filters, actor, ref, lang)
    facets: dict[str, list[dict[str, Any]]] = {}
    for facet in FACETS:
        counts = dict(result.facets.get(facet, {}))
        for selected in filters.get(facet, ()):
            counts.setdefault(selected, 0)
        if facet == "size":
            for band in ("small", "medium", "large"):
                counts.setdefault(band, 0)
        entries: list[dict[str, Any]] = [
            {"value": v, "label": ref.labels[facet].get(v, {}).get(lang, v), "count": n}
            for v, n in counts.items()
            if v in ref.labels[facet]
        ]
        if facet == "size":
            entries.sort(key=lambda e: ref.order["size"][e["value"]])
        else:
            entries.sort(key=lambda e: (-e["count"], ref.order[facet].get(e["value"], 0)))
        facets[facet] = entries
    return {
        "ids": result.ids,
        "total": result.total,
        "page": request.page,
        "per_page": request.per_page,
        "facets": facets,
        "suggestion": result.suggestion,
        "distances": result.distances,
        "selected": filters,
        "place_suggestion": place_suggestion,
        "field_suggestion": field_suggestion,
        "nearby_places": nearby,
        "relax": relax,
    }


def _nearby_places(
    request: Any,
    filters: dict[str, tuple[str, ...]],
    actor: Any,
    ref: _Reference,
    lang: str,
) -> list[dict[str, Any]] | None:
    """On an empty or thin result for a place (one city filter, or a city the query names):
    the nearest other cities, within :data:`NEARBY_KM`, where the same search without the place
    finds associations, as ``[{facet, value, label, count, distance_km, q}]`` (``q``: the
    query without the place's words; None: no place, or nothing near)."""

    q = request.q
    cities = filters.get("city", ())
    if len(cities) == 1:
        city = cities[0]
    else:
        named, q = _named_in_query(request.q, ref.places) if request.q else (None, q)
        if named is None or cities:
            return None
        city = named
    origin = ref.coords.get(city)
    if origin is None:
        return None
    others = {f: v for f, v in filters.items() if f not in ("city", "province", "region")}
    wider = search(
        DOC_TYPE,
        replace(
            request,
            q=q,
            filters=others,
            facets=("city",),
            near=origin,
            radius_km=NEARBY_KM,
            page=1,
            per_page=1,
        ),
        actor=actor,
    )
    found: list[dict[str, Any]] = []
    for code, count in wider.facets.get("city", {}).items():
        if code == city or not count or code not in ref.coords:
            continue
        found.append(
            {
                "facet": "city",
                "value": code,
                "label": ref.labels["city"].get(code, {}).get(lang, code),
                "count": count,
                "distance_km": round(haversine_km(origin, ref.coords[code]), 1),
                "q": q,
            }
        )
    found.sort(key=lambda e: (e["distance_km"], e["value"]))
    return found[:NEARBY_PLACES] or None


def _most_restrictive(
    request: Any,
    filters: dict[str, tuple[str, ...]],
    total: int,
    actor: Any,
    ref: _Reference,
    lang: str,
) -> dict[str, Any] | None:
    """The active filter whose removal brings the most results (ties: the first facet), as
    ``{facet, values, labels, total}``; None when no removal brings more than ``total``."""

    best: dict[str, Any] | None = None
    for facet, values in filters.items():
        others = {f: v for f, v in filters.items() if f != facet}
        wider = search(
            DOC_TYPE, replace(request, filters=others, facets=(), page=1, per_page=1), actor=actor
        ).total
        if wider > total and (best is None or wider > best["total"]):
            best = {
                "facet": facet,
                "values": list(values),
                "labels": [ref.labels[facet].get(v, {}).get(lang, v) for v in values],
                "total": wider,
            }
    return best
