"""Every field other people see, holding mixed Arabic and Latin text, is isolated on every page
that shows it (issue: "culturelle et ,Association…", "تعديل Association…")."""

from __future__ import annotations

import pytest

from app.db import db
from tests.bidi import isolation_problems
from tests.xss import FIELDS, PAGES, build_world, field_value, format_path, marker

MIXED = "جمعية Al-Amal, الدار البيضاء (Casa) 2026!"


@pytest.mark.parametrize("locale", ["ar", "fr"])
def test_user_text_is_isolated_on_every_page(api, client, logged_in, locale) -> None:
    world = build_world(api, MIXED)
    for person in (world.founder, world.member, world.admin):
        person.locale = locale
    db.session.commit()
    clients = {
        "anonymous": client,
        "founder": logged_in(world.founder),
        "member": logged_in(world.member),
        "admin": logged_in(world.admin),
    }
    allowance = {marker(name): len(field_value(name, MIXED)) for name in FIELDS}
    problems: dict[str, list[str]] = {}
    for who, template, _fields in PAGES:
        path = format_path(template, world)
        response = clients[who].get(path, headers={"Accept-Language": locale})
        assert response.status_code == 200, (who, path)
        found = isolation_problems(response.get_data(as_text=True), allowance)
        if found:
            problems[f"{who} {path}"] = found
    assert not problems, "\n".join(
        f"{page}: {p}" for page, found in problems.items() for p in found
    )
