"""The library's reads run a fixed number of SQL statements, however many documents."""

from __future__ import annotations

from typing import Any

from tests.conftest import count_statements
from tests.library.conftest import upload


def _with_documents(api: Any, world: Any, count: int) -> Any:
    client = api(world.assoc_admin)
    for i in range(count):
        assert upload(client, world.a.id, title=f"Statuts {i}").status_code == 201
    return client


def test_document_list_reads_the_versions_in_one_query(app, api, world):
    """The list carries each document's current version: read for all at once, not per row."""

    def statements_for(count: int) -> int:
        client = _with_documents(api, world, count)
        with count_statements() as statements:
            res = client.get(f"/api/v1/associations/{world.a.id}/documents")
        assert res.status_code == 200
        assert all(d["current_version"] for d in res.get_json()["items"])
        return len(statements)

    assert statements_for(1) == statements_for(4)


def test_handover_pack_reads_the_versions_in_one_query(app, api, world):
    def statements_for(count: int) -> int:
        client = _with_documents(api, world, count)
        client.post(f"/api/v1/associations/{world.a.id}/handover")  # the pack document exists
        with count_statements() as statements:
            res = client.post(f"/api/v1/associations/{world.a.id}/handover")
        assert res.status_code == 201, res.get_json()
        return len(statements)

    assert statements_for(1) == statements_for(4)


def test_retention_reads_the_expired_files_in_one_query(app, api, world):
    import datetime as dt

    from app.db import db
    from app.privacy import run_retention

    def statements_for(count: int) -> int:
        client = api(world.assoc_admin)
        for i in range(count):
            res = upload(
                client, world.a.id, kind="receipt", title=f"R{i}", retention_until="2027-01-31"
            )
            assert res.status_code == 201
        db.session.commit()
        with count_statements() as statements:
            run_retention(dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC))
            db.session.commit()
        return len(statements)

    assert statements_for(1) == statements_for(4)
