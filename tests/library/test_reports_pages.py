"""Activity report pages: the list, the form (from a project activity too), the report with
its attendance table and its photos under consent, and the API's photo rule."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from app.db import db
from library.models import LibraryDocument
from library.reports.models import ActivityReport
from tests.conftest import csrf_token
from tests.library.conftest import PNG, reason_beside
from tests.library.test_knowledge_api import world  # noqa: F401  (the fixture)


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ActivityReport)) or 0


def photo(api, who, association_id, title="Atelier", visibility="members", kind="photo"):
    res = api(who).post(
        f"/api/v1/associations/{association_id}/documents",
        data={
            "kind": kind,
            "title": title,
            "visibility": visibility,
            "file": (io.BytesIO(PNG), "atelier.png"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 201, res.get_json()
    return res.get_json()["id"]


def form(client, path, **fields):
    data = {
        "csrf_token": csrf_token(client, path),
        "title": "Caravane médicale",
        "held_on": "2026-11-28",
        "outputs": "120 consultations",
        "lessons": "Venir tôt",
    }
    return data | fields


def test_a_coordinator_writes_a_report_from_an_activity(api, world, logged_in):  # noqa: F811
    pic = photo(api, world.staff, world.assoc.id)
    client = logged_in(world.coordinator)
    path = f"/associations/{world.assoc.id}/library/reports/new"
    prefilled = client.get(f"{path}?activity_id=7&title=Caravane+Tata&held_on=2026-11-28")
    html = prefilled.get_data(as_text=True)
    assert 'value="Caravane Tata"' in html and 'name="activity_id" value="7"' in html
    assert 'value="2026-11-28"' in html and f'value="{pic}"' in html
    res = client.post(
        path,
        data=form(
            client,
            path,
            activity_id="7",
            photos=str(pic),
            **{"count-18-29-female": "12", "count-6-12-male": "5"},
        ),
    )
    assert res.status_code == 303, res.get_data(as_text=True)[:300]
    report = db.session.scalars(select(ActivityReport)).one()
    assert (report.activity_id, report.total, report.photo_document_ids) == (7, 17, [pic])
    assert report.attendance["18-29"] == {"female": 12, "male": 0}
    shown = logged_in(world.member).get(res.headers["Location"]).get_data(as_text=True)
    assert "<strong>17</strong>" in shown and "120 consultations" in shown
    assert f"/api/v1/documents/{pic}/versions/1/file?inline=1" in shown
    assert f"/api/v1/activity-reports/{report.id}/pdf" in shown
    assert "/edit" not in shown  # a member reads, does not write
    listing = logged_in(world.member).get(f"/associations/{world.assoc.id}/library/reports")
    assert f"/library/reports/{report.id}" in listing.get_data(as_text=True)


def test_bad_counts_and_foreign_photos_are_refused_and_the_input_kept(api, world, logged_in):  # noqa: F811
    foreign = photo(api, world.outsider, world.other.id)
    not_a_photo = (
        api(world.staff)
        .post(
            f"/api/v1/associations/{world.assoc.id}/documents",
            data={"kind": "statutes", "title": "Statuts", "file": (io.BytesIO(PNG), "s.png")},
            content_type="multipart/form-data",
        )
        .get_json()["id"]
    )
    client = logged_in(world.staff)
    path = f"/associations/{world.assoc.id}/library/reports/new"
    res = client.post(path, data=form(client, path, **{"count-0-5-female": "-3"}))
    assert res.status_code == 422
    assert 'value="-3"' in res.get_data(as_text=True) and "Caravane médicale" in res.get_data(
        as_text=True
    )
    for bad in (foreign, not_a_photo):
        res = client.post(path, data=form(client, path, photos=str(bad)))
        assert res.status_code == 422
    api_res = api(world.staff).post(
        f"/api/v1/associations/{world.assoc.id}/activity-reports",
        json={"title": "X", "held_on": "2026-11-28", "photo_document_ids": [foreign]},
    )
    assert api_res.status_code == 422
    assert api_res.get_json()["error"]["fields"]["photo_document_ids"]
    assert count() == 0


def test_a_refused_report_shows_the_reason_beside_the_field_and_keeps_the_input(
    api,
    world,  # noqa: F811
    logged_in,
):
    pic = photo(api, world.staff, world.assoc.id)
    foreign = photo(api, world.outsider, world.other.id)
    client = logged_in(world.staff)
    path = f"/associations/{world.assoc.id}/library/reports/new"
    fr = {"Accept-Language": "fr"}

    def refused(**fields: str) -> str:
        res = client.post(
            path,
            data=form(client, path, activity_id="7", photos=str(pic), **fields),
            headers=fr,
        )
        assert res.status_code == 422
        html = res.get_data(as_text=True)
        # what was typed is kept
        assert "120 consultations</textarea>" in html and 'name="activity_id" value="7"' in html
        assert re.search(rf'name="photos" value="{pic}" checked', html)
        return html

    html = refused(title="  ", **{"count-6-12-male": "5"})
    assert reason_beside(html, "rp-title") == "Un titre est obligatoire."
    assert 'value="5"' in html and "rp-attendance-error" not in html
    html = refused(**{"count-0-5-female": "-3"})
    assert "100000" in reason_beside(html, "rp-attendance") and 'value="-3"' in html
    for odd in ("²", "9" * 5000):  # a digit that is no number, a number too long to read
        assert reason_beside(refused(**{"count-0-5-male": odd}), "rp-attendance")
    html = refused(held_on="2026-02-30")
    assert reason_beside(html, "rp-held-on") and 'value="2026-02-30"' in html
    res = client.post(path, data=form(client, path, photos=str(foreign)), headers=fr)
    assert res.status_code == 422
    assert reason_beside(res.get_data(as_text=True), "rp-photos")
    assert count() == 0
    # an edit: the same, the stored report unchanged
    report = (
        api(world.staff)
        .post(
            f"/api/v1/associations/{world.assoc.id}/activity-reports",
            json={"title": "Atelier", "held_on": "2026-11-28", "outputs": "Stocké"},
        )
        .get_json()
    )
    path = f"/library/reports/{report['id']}/edit"
    res = client.post(
        path, data=form(client, path, version="1", title="", outputs="Nouveau"), headers=fr
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "rp-title") == "Un titre est obligatoire."
    assert "Nouveau</textarea>" in html and 'name="version" value="1"' in html
    db.session.expire_all()
    stored = db.session.get(ActivityReport, report["id"])
    assert (stored.title, stored.outputs, stored.version) == ("Atelier", "Stocké", 1)


def test_an_edit_may_empty_the_texts_and_the_photos(api, world, logged_in):  # noqa: F811
    pic = photo(api, world.staff, world.assoc.id)
    report = (
        api(world.staff)
        .post(
            f"/api/v1/associations/{world.assoc.id}/activity-reports",
            json={
                "title": "Atelier",
                "held_on": "2026-11-28",
                "outputs": "Stocké",
                "photo_document_ids": [pic],
            },
        )
        .get_json()
    )
    client = logged_in(world.staff)
    path = f"/library/reports/{report['id']}/edit"
    res = client.post(path, data=form(client, path, version="1", outputs="", lessons=""))
    assert res.status_code == 303
    db.session.expire_all()
    stored = db.session.get(ActivityReport, report["id"])
    assert (stored.outputs, stored.lessons, stored.photo_document_ids) == ("", "", [])


def test_a_withdrawn_consent_hides_the_photo_from_members(api, world, logged_in):  # noqa: F811
    pic = photo(api, world.staff, world.assoc.id, visibility="members")
    report = (
        api(world.staff)
        .post(
            f"/api/v1/associations/{world.assoc.id}/activity-reports",
            json={"title": "Atelier", "held_on": "2026-11-28", "photo_document_ids": [pic]},
        )
        .get_json()
    )
    assert report["photo_document_ids"] == [pic]
    page = f"/library/reports/{report['id']}"
    assert f"/api/v1/documents/{pic}/" in logged_in(world.member).get(page).get_data(as_text=True)
    doc = db.session.get(LibraryDocument, pic)
    doc.visibility = "admins"  # what withdrawing consent does
    db.session.commit()
    assert f"/api/v1/documents/{pic}/" not in logged_in(world.member).get(page).get_data(
        as_text=True
    )
    assert f"/api/v1/documents/{pic}/" in logged_in(world.staff).get(page).get_data(as_text=True)


def test_a_stale_edit_keeps_the_figures(api, world, logged_in):  # noqa: F811
    report = (
        api(world.staff)
        .post(
            f"/api/v1/associations/{world.assoc.id}/activity-reports",
            json={"title": "Atelier", "held_on": "2026-11-28"},
        )
        .get_json()
    )
    client = logged_in(world.coordinator)
    path = f"/library/reports/{report['id']}/edit"
    assert 'name="version" value="1"' in client.get(path).get_data(as_text=True)
    api(world.staff).patch(
        f"/api/v1/activity-reports/{report['id']}", json={"outputs": "Leur texte"}
    )
    res = client.post(path, data=form(client, path, version="1", **{"count-30-59-female": "44"}))
    assert res.status_code == 409
    html = res.get_data(as_text=True)
    assert 'value="44"' in html and 'role="alert"' in html
    # the page's own notice, with the way to the saved report, and the version it now carries
    saved = f'href="/library/reports/{report["id"]}" target="_blank"'
    assert saved in html and 'name="version" value="2"' in html
    db.session.expire_all()
    assert db.session.get(ActivityReport, report["id"]).total == 0
    again = client.post(path, data=form(client, path, version="2", **{"count-30-59-female": "44"}))
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(ActivityReport, report["id"]).total == 44


def test_who_may_see_and_write(api, world, logged_in):  # noqa: F811
    new = f"/associations/{world.assoc.id}/library/reports/new"
    assert logged_in(world.member).get(new).status_code == 403
    assert logged_in(world.outsider).get(new).status_code == 404  # like the API: not theirs to see
    assert (
        logged_in(world.outsider).get(f"/associations/{world.assoc.id}/library/reports").status_code
        == 404
    )
    report = (
        api(world.staff)
        .post(
            f"/api/v1/associations/{world.assoc.id}/activity-reports",
            json={"title": "Atelier", "held_on": "2026-11-28"},
        )
        .get_json()
    )
    assert logged_in(world.outsider).get(f"/library/reports/{report['id']}").status_code == 404
    assert logged_in(world.member).get(f"/library/reports/{report['id']}/edit").status_code == 403
    client = logged_in(world.member)
    res = client.post(new, data=form(client, f"/library/reports/{report['id']}"))
    assert res.status_code == 403
    assert count() == 1
