"""Finding documents: public ones in ``GET /api/v1/search`` (scope ``documents``), and any
document the reader may see through the library page's search box, with the same analysis."""

from __future__ import annotations

from tests.library.conftest import upload


def hits(api, q: str) -> list[dict]:
    response = api(None).get("/api/v1/search", query_string={"q": q, "scope": "documents"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_public_documents_are_found_and_others_are_not(api, world):
    admin = api(world.assoc_admin)
    public = upload(
        admin,
        world.a.id,
        title="النظام الأساسي للجمعية",
        visibility="public",
        tags="statuts, qanon",
    ).get_json()
    private = upload(admin, world.a.id, title="النظام الداخلي", visibility="members").get_json()
    found = hits(api, "النظام")
    assert [h["id"] for h in found] == [public["id"]]
    assert found[0]["url"].endswith(f"/library/documents/{public['id']}")
    assert public["id"] in [h["id"] for h in hits(api, "statuts")]
    assert private["id"] not in [h["id"] for h in hits(api, "الداخلي")]
    admin.patch(f"/api/v1/documents/{public['id']}", json={"visibility": "members"})
    assert hits(api, "النظام") == []


def test_the_library_page_filters_what_the_reader_may_see(api, world, logged_in):
    admin = api(world.assoc_admin)
    upload(admin, world.a.id, title="Statuts de l'association", visibility="members")
    upload(
        admin,
        world.a.id,
        title="محضر الجمع العام 2025",
        kind="general_assembly_minutes",
        visibility="members",
    )
    upload(
        admin, world.a.id, title="Procès-verbal du bureau", kind="board_list", visibility="admins"
    )
    member = logged_in(world.member)
    page = f"/associations/{world.a.id}/library"
    html = member.get(page, query_string={"q": "statut"}).get_data(as_text=True)
    assert "Statuts de l" in html and "محضر الجمع" not in html
    html = member.get(page, query_string={"q": "المحضر"}).get_data(as_text=True)
    assert "محضر الجمع العام 2025" in html and "Statuts de l" not in html
    html = member.get(page, query_string={"q": "verbal"}).get_data(as_text=True)
    assert "Procès-verbal du bureau" not in html  # admins only: never found by a member
    assert "verbal" in html  # the "nothing matches" line names the query
    admin_html = logged_in(world.assoc_admin).get(page, query_string={"q": "verbal"})
    assert "Procès-verbal du bureau" in admin_html.get_data(as_text=True)


def test_an_upload_is_indexed_when_it_commits(api, world):
    """The version and the obligations of a new document are written in savepoints
    (``insert_once``): releasing one is not the commit, so the search outbox waits for the
    real commit to drain (draining at the savepoint found nothing committed yet, and the
    commit then left the document out of the index until the next write)."""
    from sqlalchemy import func, select

    from app.db import db
    from app.search.models import SearchOutbox

    doc = upload(api(world.assoc_admin), world.a.id, title="Statuts", visibility="public")
    assert doc.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert [h["id"] for h in hits(api, "Statuts")] == [doc.get_json()["id"]]


def test_a_document_past_its_retention_leaves_the_search(app, api, world):
    """Retention deletes in bulk: the deleted documents still leave the index at the commit."""
    import datetime as dt

    from app.db import transaction
    from app.privacy import run_retention

    doc = upload(
        api(world.assoc_admin),
        world.a.id,
        title="Reçus de la campagne 2026",
        visibility="public",
        kind="receipt",
        retention_until="2027-01-31",
    ).get_json()
    assert [h["id"] for h in hits(api, "campagne")] == [doc["id"]]
    with transaction():
        run_retention(dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC))
    assert hits(api, "campagne") == []
