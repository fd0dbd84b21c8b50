"""The handover pack: one action builds a PDF summary and an archive of the association's
documents for its next board, kept as a versioned, administrators-only document."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

from sqlalchemy import insert, select

from app.db import db
from app.notifications.models import Notification
from library.demo import tiny_pdf
from library.models import Authorization, LibraryDocument
from tests.conftest import csrf_token
from tests.library.conftest import PDF, PNG, stored_files, upload
from tests.support.races import committed_meanwhile


def build(client, association_id):
    return client.post(f"/api/v1/associations/{association_id}/handover")


def archive_of(client, pack):
    res = client.get(
        f"/api/v1/documents/{pack['id']}/versions/{pack['current_version']['number']}/file"
    )
    assert res.status_code == 200
    assert res.headers["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(res.data))


def fill(api, world):
    admin = api(world.assoc_admin)
    statutes = upload(admin, world.a.id, title="Statuts 2024", kind="statutes").get_json()
    upload(
        admin,
        world.a.id,
        title="PV AG 2025",
        kind="general_assembly_minutes",
        name="pv-ag.pdf",
        data=tiny_pdf("PV de l'assemblée générale"),
        visibility="admins",
    )
    upload(admin, world.a.id, title="Atelier", kind="photo", data=PNG, name="atelier.png")
    upload(
        admin,
        world.a.id,
        title="Récépissé provisoire",
        kind="provisional_receipt",
        name="recepisse.pdf",
        data=tiny_pdf("Récépissé provisoire"),
    )
    db.session.add(
        Authorization(
            association_id=world.a.id,
            kind="public_appeal",
            authority="Wilaya de Casablanca",
            reference="AP-2026/17",
            scope="",
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2026, 12, 31),
        )
    )
    db.session.commit()
    return statutes


def test_an_administrator_builds_the_pack_for_the_new_board(app, api, world):
    fill(api, world)
    admin = api(world.assoc_admin)
    res = build(admin, world.a.id)
    assert res.status_code == 201, res.get_json()
    pack = res.get_json()
    assert pack["kind"] == "handover_pack"
    assert pack["visibility"] == "admins"
    assert pack["current_version"]["mime"] == "application/zip"
    archive = archive_of(admin, pack)
    names = archive.namelist()
    assert names[0] == "handover.pdf"
    assert archive.read("handover.pdf").startswith(b"%PDF-")
    files = [n for n in names if n.startswith("documents/")]
    assert {n.split("/")[1] for n in files} == {
        "statutes",
        "general_assembly_minutes",
        "provisional_receipt",
    }
    assert not any("atelier" in n for n in names)  # photos stay out (consent)
    sums = dict(
        reversed(line.split("  ", 1)) for line in archive.read("SHA256SUMS").decode().splitlines()
    )
    assert set(sums) == set(files)
    for name in files:
        assert hashlib.sha256(archive.read(name)).hexdigest() == sums[name]
    statutes_file = next(n for n in files if n.startswith("documents/statutes/"))
    assert archive.read(statutes_file) == PDF
    summary = admin.get(f"/api/v1/documents/{pack['id']}/versions/1/summary")
    assert summary.status_code == 200
    assert summary.mimetype == "application/pdf"
    assert summary.data == archive.read("handover.pdf")
    assert "sandbox" in summary.headers["Content-Security-Policy"]


def test_building_again_adds_a_version_of_the_same_document(api, world):
    fill(api, world)
    admin = api(world.assoc_admin)
    first = build(admin, world.a.id).get_json()
    upload(admin, world.a.id, title="Liste du bureau 2026", kind="board_list", name="bureau.pdf")
    second = build(admin, world.a.id).get_json()
    assert second["id"] == first["id"]
    assert second["current_version"]["number"] == 2
    assert any(n.startswith("documents/board_list/") for n in archive_of(admin, second).namelist())
    versions = admin.get(f"/api/v1/documents/{first['id']}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2]


def test_only_the_association_administrators_build_and_see_the_pack(api, world):
    fill(api, world)
    for who in (world.member, world.outsider, world.other_admin):
        assert build(api(who), world.a.id).status_code in (403, 404)
    assert build(api(None), world.a.id).status_code == 401
    pack = build(api(world.assoc_admin), world.a.id).get_json()
    for who in (world.member, world.outsider, world.other_admin):
        assert api(who).get(f"/api/v1/documents/{pack['id']}").status_code == 404
        assert api(who).get(f"/api/v1/documents/{pack['id']}/versions/1/summary").status_code == 404
    assert build(api(world.platform_admin), world.a.id).status_code == 201
    listed = api(world.member).get(f"/api/v1/associations/{world.a.id}/documents").get_json()
    assert all(d["kind"] != "handover_pack" for d in listed["items"])


def test_the_pack_cannot_be_replaced_widened_or_forged(app, api, world):
    admin = api(world.assoc_admin)
    pack = build(admin, world.a.id).get_json()
    res = admin.post(
        f"/api/v1/documents/{pack['id']}/versions",
        data={"file": (io.BytesIO(PDF), "fake.pdf")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "built_document"
    res = admin.patch(f"/api/v1/documents/{pack['id']}", json={"visibility": "members"})
    assert res.status_code == 422
    res = admin.patch(f"/api/v1/documents/{pack['id']}", json={"kind": "statutes"})
    assert res.status_code == 422
    forged = upload(admin, world.a.id, kind="handover_pack", title="Pack")
    assert forged.status_code == 422
    db.session.expire_all()
    doc = db.session.get(LibraryDocument, pack["id"])
    assert doc.visibility == "admins" and doc.kind == "handover_pack" and len(doc.versions) == 1


def test_a_tampered_file_is_left_out_and_the_rest_is_packed(app, api, world):
    fill(api, world)
    admin = api(world.assoc_admin)
    before = {p.read_bytes(): p for p in stored_files(app)}
    before[PDF].write_bytes(PDF.replace(b"Statuts", b"Statutz"))
    res = build(admin, world.a.id)
    assert res.status_code == 201
    archive = archive_of(admin, res.get_json())
    assert not any(n.startswith("documents/statutes/") for n in archive.namelist())
    assert any(n.startswith("documents/general_assembly_minutes/") for n in archive.namelist())
    assert all(b"Statutz" not in archive.read(n) for n in archive.namelist())


def test_the_page_builds_the_pack_and_offers_its_summary(app, api, world, logged_in):
    fill(api, world)
    client = logged_in(world.assoc_admin)
    page = f"/associations/{world.a.id}/library"
    html = client.get(page).get_data(as_text=True)
    assert f'action="/associations/{world.a.id}/library/handover"' in html
    res = client.post(
        f"/associations/{world.a.id}/library/handover",
        data={"csrf_token": csrf_token(client, page)},
    )
    assert res.status_code == 303
    shown = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "/versions/1/summary" in shown and 'name="visibility"' not in shown
    again = client.get(page).get_data(as_text=True)
    pack_id = db.session.scalars(
        select(LibraryDocument.id).where(LibraryDocument.kind == "handover_pack")
    ).one()
    assert f"/library/documents/{pack_id}" in again
    member_page = logged_in(world.member).get(page).get_data(as_text=True)
    assert "/library/handover" not in member_page


def test_the_page_refuses_a_member(api, world, logged_in):
    client = logged_in(world.member)
    page = f"/associations/{world.a.id}/library"
    res = client.post(
        f"/associations/{world.a.id}/library/handover",
        data={"csrf_token": csrf_token(client, page)},
    )
    assert res.status_code == 403
    assert db.session.scalar(select(LibraryDocument.id)) is None


def test_a_new_board_list_offers_the_handover_to_the_other_administrators(api, world):
    from tests.directory.factories import MembershipFactory
    from tests.factories import UserFactory

    treasurer = UserFactory()
    MembershipFactory(association=world.a, user=treasurer, role="admin")
    db.session.commit()
    upload(api(world.assoc_admin), world.a.id, kind="board_list", title="Bureau 2026")
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "library.handover")
    ).all()
    assert [n.user_id for n in notes] == [treasurer.id]
    assert notes[0].url.endswith("/library#handover-title")
    assert "Association Al Amal" in notes[0].sentence(html=False)


def test_the_arabic_summary_is_built_in_the_builders_language(api, world):
    fill(api, world)
    admin = api(world.assoc_admin)
    res = admin.post(
        f"/api/v1/associations/{world.a.id}/handover", headers={"Accept-Language": "ar"}
    )
    archive = archive_of(admin, res.get_json())
    pdf = archive.read("handover.pdf")
    title = "حزمة التسليم".encode("utf-16-be").hex().encode()
    assert b"/Title <feff" + title in pdf  # the document title, in Arabic


def test_a_pack_built_meanwhile_is_the_one_pack_the_build_adds_to(api, world):
    """Two builds at once (two administrators, or a double tap) keep one pack document: the
    one that comes second adds its archive as a version of the first one's document."""
    fill(api, world)
    admin = api(world.assoc_admin)
    twin = insert(LibraryDocument.__table__).values(
        association_id=world.a.id,
        kind="handover_pack",
        title="Dossier de passation",
        language="fr",
        tags=[],
        visibility="admins",
        created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    # right after the build looked for the association's pack and found none
    with committed_meanwhile(
        "library_documents", twin, select_containing="library_documents.kind = "
    ) as fired:
        res = build(admin, world.a.id)
    assert fired
    assert res.status_code == 201, res.get_json()
    packs = db.session.scalars(
        select(LibraryDocument).where(
            LibraryDocument.association_id == world.a.id,
            LibraryDocument.kind == "handover_pack",
        )
    ).all()
    assert [p.id for p in packs] == [res.get_json()["id"]]
    assert res.get_json()["current_version"]["number"] == 1
    assert archive_of(admin, res.get_json()).namelist()[0] == "handover.pdf"
