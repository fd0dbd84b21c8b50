"""Documents and versions through the API: upload, sniffing, refusals, download checks."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from app.api import ApiError
from app.db import db, transaction
from library.models import DocumentVersion, LibraryDocument
from tests.library.conftest import PDF, PNG, stored_files, upload


def count_docs() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LibraryDocument)) or 0


def test_admin_uploads_and_members_download_the_checked_file(app, api, world):
    res = upload(api(world.assoc_admin), world.a.id, tags="statuts, 2026")
    assert res.status_code == 201, res.get_json()
    doc = res.get_json()
    assert doc["current_version"]["mime"] == "application/pdf"
    assert doc["tags"] == ["2026", "statuts"]
    got = api(world.member).get(f"/api/v1/documents/{doc['id']}/versions/1/file")
    assert got.status_code == 200
    assert got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    inline = api(world.member).get(f"/api/v1/documents/{doc['id']}/versions/1/file?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in inline.headers["Content-Security-Policy"]


def test_text_is_never_inline(app, api, world):
    res = upload(api(world.assoc_admin), world.a.id, data=b"hello\n", name="note.txt")
    assert res.status_code == 201
    got = api(world.member).get(
        f"/api/v1/documents/{res.get_json()['id']}/versions/1/file?inline=1"
    )
    assert got.headers["Content-Disposition"].startswith("attachment")


def test_versions_are_appended(app, api, world):
    client = api(world.assoc_admin)
    doc_id = upload(client, world.a.id).get_json()["id"]
    import io

    res = client.post(
        f"/api/v1/documents/{doc_id}/versions",
        data={"file": (io.BytesIO(PNG), "scan.png")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 201
    assert res.get_json()["number"] == 2
    versions = client.get(f"/api/v1/documents/{doc_id}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2]
    assert client.get(f"/api/v1/documents/{doc_id}/versions/1/file").data == PDF
    assert client.get(f"/api/v1/documents/{doc_id}").get_json()["current_version"]["number"] == 2


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a.svg",
            "markup_refused",
        ),
        (b"<!DOCTYPE html><html><body>x</body></html>", "page.pdf", "markup_refused"),
        (
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "a.pdf",
            "pdf_script",
        ),
        (b"%PDF-1.4\n1 0 obj << /OpenAction << /S /J#61vaScript >> >>", "b.pdf", "pdf_script"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "photo.png", "unsupported_type"),
        (b"", "empty.pdf", "empty_file"),
        (PDF, "../../etc/passwd.pdf", "bad_filename"),
        (PDF, "C:\\temp\\x.pdf", "bad_filename"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(app, api, world, data, name, code):
    res = upload(api(world.assoc_admin), world.a.id, data=data, name=name)
    assert res.status_code == 422
    assert res.get_json()["error"]["code"] == code
    assert res.get_json()["error"]["message"]
    assert count_docs() == 0
    assert stored_files(app) == []


def test_oversize_upload_is_refused(app, api, world):
    app.config["LIBRARY_MAX_UPLOAD_BYTES"] = 1000
    res = upload(api(world.assoc_admin), world.a.id, data=PDF + b"%" * 2000)
    assert res.status_code == 413
    assert count_docs() == 0
    assert stored_files(app) == []


def test_a_failing_row_write_leaves_no_file(app, api, world, monkeypatch):
    from library import services

    def broken(doc):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "derive_obligations", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(RuntimeError):
        upload(api(world.assoc_admin), world.a.id)
    assert count_docs() == 0
    assert stored_files(app) == []


def _statutes(world) -> LibraryDocument:
    from library import services

    meta = {"kind": "statutes", "title": "Statuts", "visibility": "members"}
    return services.create_document(world.assoc_admin, world.a.id, meta, "doc.pdf", PDF)


def _refused_after_storing(world) -> None:
    with transaction():
        _statutes(world)
        raise ApiError(409, "conflict", "refused once the file was stored")


def test_files_follow_the_transaction_that_stores_or_deletes_them(app, world):
    """A file stored by a write that is not committed (rolled back, or refused at the edge) is
    removed; a deletion that is rolled back keeps the files, a committed one removes them."""
    from library import services

    _statutes(world)
    assert len(stored_files(app)) == 1
    db.session.rollback()
    assert stored_files(app) == []
    with pytest.raises(ApiError):
        _refused_after_storing(world)
    assert stored_files(app) == []
    assert count_docs() == 0

    with transaction():
        doc_id = _statutes(world).id
    assert len(stored_files(app)) == 1
    services.delete_document(db.session.get(LibraryDocument, doc_id))
    db.session.rollback()
    assert len(stored_files(app)) == 1
    assert count_docs() == 1
    with transaction():
        services.delete_document(db.session.get(LibraryDocument, doc_id))
    assert stored_files(app) == []
    assert count_docs() == 0


def test_a_tampered_file_is_refused_and_logged(app, api, world, caplog, monkeypatch):
    client = api(world.assoc_admin)
    doc_id = upload(client, world.a.id).get_json()["id"]
    (path,) = stored_files(app)
    path.write_bytes(PDF.replace(b"Statuts", b"Statutz"))
    # another test in the same worker may have disabled or detached the logger (dictConfig):
    # listen on it directly, and once
    logger = logging.getLogger("jam3ia.library")
    monkeypatch.setattr(logger, "disabled", False)
    monkeypatch.setattr(logger, "propagate", False)
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger="jam3ia.library"):
            res = client.get(f"/api/v1/documents/{doc_id}/versions/1/file")
    finally:
        logger.removeHandler(caplog.handler)
    assert res.status_code == 409
    assert res.get_json()["error"]["code"] == "integrity_failed"
    assert b"Statutz" not in res.data
    assert any("integrity" in r.getMessage() for r in caplog.records)


def test_delete_removes_rows_and_files(app, api, world):
    client = api(world.assoc_admin)
    doc_id = upload(client, world.a.id).get_json()["id"]
    assert client.delete(f"/api/v1/documents/{doc_id}").status_code == 204
    assert count_docs() == 0
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 0
    assert stored_files(app) == []


def test_metadata_edit_and_validation(app, api, world):
    client = api(world.assoc_admin)
    doc_id = upload(client, world.a.id).get_json()["id"]
    res = client.patch(
        f"/api/v1/documents/{doc_id}", json={"title": "Statuts 2026", "visibility": "public"}
    )
    assert res.status_code == 200
    assert res.get_json()["visibility"] == "public"
    bad = client.patch(f"/api/v1/documents/{doc_id}", json={"visibility": "everyone"})
    assert bad.status_code == 422
    assert "visibility" in bad.get_json()["error"]["fields"]
