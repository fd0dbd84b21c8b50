"""Two saves of the same thing at once answer cleanly, never a 500 from a unique key: a
document version saved meanwhile keeps both versions, numbered in order; a page saved
meanwhile makes an edit from the older text a 409 ``edit_conflict``; an obligation added
meanwhile is kept once. The other request is simulated by a commit from another connection
at the moment it would land (see ``committed_meanwhile``)."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import func, insert, select, update

from app.db import db, transaction
from library import add_obligation
from library.knowledge.models import KnowledgePage, KnowledgeRevision
from library.models import DocumentVersion, Obligation
from tests.library.conftest import PDF, PNG, upload
from tests.support.races import committed_meanwhile

D = dt.date(2026, 6, 30)


def test_a_version_added_meanwhile_is_kept_and_the_new_one_numbered_after_it(app, api, world):
    client = api(world.assoc_admin)
    doc_id = upload(client, world.a.id).get_json()["id"]
    twin = insert(DocumentVersion.__table__).values(
        document_id=doc_id,
        number=2,
        storage_key="twin",
        sha256="0" * 64,
        size=1,
        mime="application/pdf",
        filename="twin.pdf",
    )
    with committed_meanwhile("library_document_versions", twin) as fired:
        res = client.post(
            f"/api/v1/documents/{doc_id}/versions",
            data={"file": (io.BytesIO(PNG), "scan.png")},
            content_type="multipart/form-data",
        )
    assert fired
    assert res.status_code == 201, res.get_data(as_text=True)[:300]
    assert res.get_json()["number"] == 3
    versions = client.get(f"/api/v1/documents/{doc_id}/versions").get_json()["items"]
    assert [(v["number"], v["filename"]) for v in versions] == [
        (1, "doc.pdf"),
        (2, "twin.pdf"),
        (3, "scan.png"),
    ]
    assert client.get(f"/api/v1/documents/{doc_id}/versions/3/file").data == PNG
    assert client.get(f"/api/v1/documents/{doc_id}/versions/1/file").data == PDF


def _page(api, world) -> tuple[object, int]:
    client = api(world.assoc_admin)
    res = client.post(
        f"/api/v1/associations/{world.a.id}/pages", json={"title": "Guide", "body": "Mine"}
    )
    assert res.status_code == 201, res.get_json()
    return client, res.get_json()["id"]


def _saved_meanwhile(page_id: int) -> tuple:
    """What a concurrent save of the page commits: version 2, revision 2."""
    pages, revisions = KnowledgePage.__table__, KnowledgeRevision.__table__
    return (
        update(pages).where(pages.c.id == page_id).values(version=2, title="Theirs", body="B"),
        insert(revisions).values(page_id=page_id, number=2, title="Theirs", body="B"),
    )


def _revisions(page_id: int) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [
        (r.number, r.title)
        for r in db.session.scalars(
            select(KnowledgeRevision)
            .where(KnowledgeRevision.page_id == page_id)
            .order_by(KnowledgeRevision.number)
        )
    ]


def test_an_edit_of_a_page_saved_meanwhile_is_an_edit_conflict(app, api, world):
    client, page_id = _page(api, world)
    with committed_meanwhile("knowledge_pages", *_saved_meanwhile(page_id)) as fired:
        res = client.patch(f"/api/v1/pages/{page_id}", json={"title": "Mine 2", "version": 1})
    assert fired
    assert res.status_code == 409, res.get_data(as_text=True)[:300]
    assert res.get_json()["error"]["code"] == "edit_conflict"
    assert client.get(f"/api/v1/pages/{page_id}").get_json()["title"] == "Theirs"
    assert _revisions(page_id) == [(1, "Guide"), (2, "Theirs")]


def test_a_blind_edit_of_a_page_saved_meanwhile_comes_after_it(app, api, world):
    """Without a version (old clients: the last save wins), both saves are kept in order and
    the page's version counts both, so an editor of the other save's text is refused."""
    client, page_id = _page(api, world)
    with committed_meanwhile("knowledge_pages", *_saved_meanwhile(page_id)) as fired:
        res = client.patch(f"/api/v1/pages/{page_id}", json={"title": "Mine 2"})
    assert fired
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    assert res.get_json()["version"] == 3
    assert _revisions(page_id) == [(1, "Guide"), (2, "Theirs"), (3, "Mine 2")]
    stale = client.patch(f"/api/v1/pages/{page_id}", json={"title": "Late", "version": 2})
    assert stale.status_code == 409


def test_an_obligation_added_meanwhile_is_kept_once(app, world):
    twin = insert(Obligation.__table__).values(
        association_id=world.a.id,
        kind="campaign_report",
        source="campaign:7",
        title="Rapport de campagne",
        due_at=D,
        remind_days=[15],
        status="open",
    )
    with committed_meanwhile("library_obligations", twin) as fired, transaction():
        ob_id = add_obligation(
            world.a.id, "campaign_report", D + dt.timedelta(days=7), source="campaign:7"
        )
    assert fired
    db.session.expire_all()
    count = select(func.count()).select_from(Obligation).where(Obligation.source == "campaign:7")
    assert db.session.scalar(count) == 1
    kept = db.session.get(Obligation, ob_id)
    assert kept is not None
    assert (kept.title, kept.due_at) == ("Rapport de campagne", D + dt.timedelta(days=7))
