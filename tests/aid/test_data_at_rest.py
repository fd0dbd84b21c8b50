"""A dump of the aid tables (every text column of every ``aid_`` table, as the database holds
it) contains no clear national ID, phone number or name, in any of the ways they were written."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, text

from app.db import db
from tests.aid.conftest import authorise

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)
CLEAR = (
    "JB123456",
    "JB 123456",
    "123456",
    "0612345678",
    "06 12 34 56 78",
    "612345678",
    "+212612345678",
    "0798765432",
    "798765432",
    "Bennani",
    "بناني",
    "Sidi Bouloukat",
    "Khadija Amrani",
)


def _dump() -> str:
    parts: list[str] = []
    for table in db.metadata.sorted_tables:
        if not table.name.startswith("aid_"):
            continue
        columns = [c.name for c in table.columns if isinstance(c.type, (String, Text))]
        columns += [
            c.name for c in table.columns if c.type.__class__.__name__ in ("EncryptedText", "JSON")
        ]
        if not columns:
            continue
        names = ", ".join(f'"{c}"' for c in sorted(set(columns)))
        query = text(f'SELECT {names} FROM "{table.name}"')  # noqa: S608 - names from metadata
        for row in db.session.execute(query):
            parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


def test_a_dump_of_every_aid_table_holds_no_clear_id_phone_or_name(api, aid, register):
    authorise(api, aid.admin, aid.a, "data_protection")
    client = api(aid.coordinator)
    first = register(national_id="JB 123456")
    register(head_name="فاطمة الزهراء بناني", phone="+212 6 12 34 56 78")  # a duplicate
    db.session.commit()
    assert (
        api(aid.admin)
        .post(f"/api/v1/households/{first['id']}/verify", json={"method": "home_visit"})
        .status_code
        == 200
    )
    distribution = client.post(
        f"/api/v1/associations/{aid.a}/distributions",
        json={
            "title": "Hiver",
            "place_kind": "premises",
            "place": "Siège",
            "starts_at": START.isoformat(),
            "slots": 1,
        },
    ).get_json()
    given = client.post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": first["id"]},
    ).get_json()
    done = client.post(
        f"/api/v1/entitlements/{given['id']}/collect",
        json={"proof": given["code"], "proxy_name": "Khadija Amrani 0798765432"},
    )
    assert done.status_code == 200, done.get_json()
    db.session.commit()
    dump = _dump()
    for clear in CLEAR:
        assert clear not in dump, clear
    # the dump reads what is stored: clear fields that are not personal, tokens, ciphertexts
    assert "Siège" in dump and "Taroudant" in dump
    assert len(dump) > 1000
