"""Reference data shipped in ``directory/data/``: fields of activity, regions, provinces, cities.

:func:`load_reference_data` is idempotent: rows are matched on their stable ``code`` and
updated in place, so it can run on every start, from a migration or from the CLI.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.db import db, transaction
from directory.models import City, Field, Province, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _upsert(model: Any, existing: dict[str, Any], code: str, **values: Any) -> Any:
    row = existing.get(code)
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
        existing[code] = row
    else:
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    return row


def _names(entry: dict[str, Any]) -> dict[str, str]:
    name = entry["name"]
    return {"name_ar": name["ar"], "name_fr": name["fr"], "name_en": name["en"]}


def load_reference_data(commit: bool = True) -> None:
    """Insert or update fields, regions, provinces and cities from the data files: a
    transaction of its own (``jam3ia directory load-reference``, demo data, tests), or a part
    of the caller's (``commit=False``)."""
    if commit:
        with transaction():
            _load()
    else:
        _load()
        db.session.flush()


def _load() -> None:
    current_app.extensions.pop("directory_reference", None)
    fields = {f.code: f for f in db.session.scalars(select(Field))}
    for position, entry in enumerate(_read("fields.json")):
        description = entry.get("description") or {}
        _upsert(
            Field,
            fields,
            entry["code"],
            position=position,
            icon=entry.get("icon", ""),
            description_ar=description.get("ar", ""),
            description_fr=description.get("fr", ""),
            description_en=description.get("en", ""),
            **_names(entry),
        )
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    provinces = {p.code: p for p in db.session.scalars(select(Province))}
    cities = {c.code: c for c in db.session.scalars(select(City))}
    for r_pos, r_entry in enumerate(_read("regions.json")):
        region = _upsert(Region, regions, r_entry["code"], position=r_pos, **_names(r_entry))
        db.session.flush()
        for p_pos, p_entry in enumerate(r_entry["provinces"]):
            province = _upsert(
                Province,
                provinces,
                p_entry["code"],
                position=p_pos,
                kind=p_entry.get("kind", "province"),
                region_id=region.id,
                **_names(p_entry),
            )
            db.session.flush()
            for c_pos, c_entry in enumerate(p_entry["cities"]):
                _upsert(
                    City,
                    cities,
                    c_entry["code"],
                    position=c_pos,
                    province_id=province.id,
                    lat=float(c_entry["lat"]),
                    lng=float(c_entry["lng"]),
                    **_names(c_entry),
                )


def place_aliases() -> dict[str, list[str]]:
    """City code -> the names people use for it besides the official ones (Darija, Arabizi,
    short and colonial names, Amazigh): ``place_aliases.json``, e.g. "Casa", "كازا",
    "Dar el Beida" for Casablanca. Search indexes them with the place; the city filter and
    the place suggestion read them (see ``directory.search``)."""
    aliases: dict[str, list[str]] = _read("place_aliases.json")
    return aliases
