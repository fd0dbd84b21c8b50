"""Hours verified by a coordinator, certificates only from verified hours, the PDF in Arabic
and French, the public verification page and API (name, association, hours, period: nothing
else), and the portfolio as the volunteer's visibility allows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from app.pdf import PdfDocument
from tests.volunteering.conftest import soon
from volunteering import services
from volunteering.models import Certificate, Hours


def _worked(api, vol, accepted, monkeypatch) -> int:
    """The volunteer checked in and out of a shift; the id of the hours made."""
    opportunity, _app = accepted(vol.volunteer)
    signup = (
        api(vol.volunteer)
        .post(f"/api/v1/shifts/{opportunity['shifts'][0]['id']}/signups")
        .get_json()
    )
    start = soon(10, 8)
    monkeypatch.setattr(services, "utcnow", lambda: start)
    assert api(vol.volunteer).post(f"/api/v1/signups/{signup['id']}/check-in").status_code == 200
    monkeypatch.setattr(services, "utcnow", lambda: start + dt.timedelta(hours=6))
    assert api(vol.volunteer).post(f"/api/v1/signups/{signup['id']}/check-out").status_code == 200
    monkeypatch.undo()
    return db.session.scalar(select(Hours.id).where(Hours.signup_id == signup["id"]))


def test_no_certificate_without_verified_hours(api, vol, accepted, monkeypatch):
    hours_id = _worked(api, vol, accepted, monkeypatch)
    refused = api(vol.volunteer).post(
        "/api/v1/certificates", json={"association_id": vol.association.id}
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "no_verified_hours"
    assert db.session.scalar(select(Certificate.id)) is None
    # the volunteer may not verify their own hours, nor may a member or a stranger
    assert api(vol.volunteer).post(f"/api/v1/hours/{hours_id}/verify", json={}).status_code == 403
    assert api(vol.member).post(f"/api/v1/hours/{hours_id}/verify", json={}).status_code == 404
    assert api(vol.outsider).post(f"/api/v1/hours/{hours_id}/verify", json={}).status_code == 404


def test_verified_hours_make_a_certificate_anyone_can_verify(api, vol, accepted, monkeypatch):
    hours_id = _worked(api, vol, accepted, monkeypatch)
    verified = api(vol.coordinator).post(f"/api/v1/hours/{hours_id}/verify", json={})
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    made = api(vol.volunteer).post(
        "/api/v1/certificates", json={"association_id": vol.association.id}
    )
    assert made.status_code == 201, made.get_json()
    certificate = made.get_json()
    assert certificate["hours"] == 6.0 and len(certificate["code"]) == 12
    other = api(vol.volunteer).post(
        "/api/v1/certificates", json={"association_id": vol.association.id}
    )
    assert other.get_json()["code"] != certificate["code"]  # random codes
    check = api(None).get(f"/api/v1/certificates/verify/{certificate['code']}")
    assert check.status_code == 200
    assert check.get_json() == {
        "name": vol.volunteer.display_name,
        "association": "Qafilati Souss",
        "hours": 6.0,
        "period_start": soon(10).date().isoformat(),
        "period_end": soon(10).date().isoformat(),
    }
    assert api(None).get("/api/v1/certificates/verify/NOTACODE1234").status_code == 404


def test_the_verification_page_shows_nothing_beyond_name_association_hours_period(
    api, vol, accepted, monkeypatch, client
):
    api(vol.volunteer).put(
        "/api/v1/me/volunteer", json={"emergency_contact": "Maman SECRET-CONTACT"}
    )
    hours_id = _worked(api, vol, accepted, monkeypatch)
    api(vol.coordinator).post(f"/api/v1/hours/{hours_id}/verify", json={})
    code = (
        api(vol.volunteer)
        .post("/api/v1/certificates", json={"association_id": vol.association.id})
        .get_json()["code"]
    )
    page = client.get(f"/volunteering/verify/{code}", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert vol.volunteer.display_name in html and "Qafilati Souss" in html and "6.0" in html
    main = html[html.index("<main") : html.index("</main>")] if "<main" in html else html
    for secret in (
        "SECRET-CONTACT",
        vol.volunteer.username,
        vol.volunteer.email,
        "1995",
        "Caravane",
    ):
        assert secret not in main
    assert client.get("/volunteering/verify/NOPE").status_code == 404


def test_the_certificate_pdf_is_in_arabic_and_french_for_its_holder_only(
    api, vol, accepted, monkeypatch, logged_in
):
    hours_id = _worked(api, vol, accepted, monkeypatch)
    api(vol.coordinator).post(f"/api/v1/hours/{hours_id}/verify", json={})
    certificate = (
        api(vol.volunteer)
        .post("/api/v1/certificates", json={"association_id": vol.association.id})
        .get_json()
    )
    written: list[str] = []
    paragraph = PdfDocument.paragraph

    def spy(self, text, *args, **kwargs):
        written.append(text)
        return paragraph(self, text, *args, **kwargs)

    monkeypatch.setattr(PdfDocument, "paragraph", spy)
    response = logged_in(vol.volunteer).get(certificate["pdf_url"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = "\n".join(written)
    assert certificate["code"] in text and "Qafilati Souss" in text
    assert "certifie" in text  # French
    assert "تشهد" in text  # Arabic
    assert logged_in(vol.outsider).get(certificate["pdf_url"]).status_code == 404


def test_the_portfolio_follows_the_volunteers_visibility(api, vol, accepted, logged_in):
    accepted(vol.volunteer)
    path = f"/volunteering/people/{vol.volunteer.id}"
    assert logged_in(vol.outsider).get(path).status_code == 404  # served only (the default)
    assert logged_in(vol.coordinator).get(path).status_code == 200  # it accepted them
    api(vol.volunteer).put("/api/v1/me/volunteer", json={"visibility": "network"})
    assert logged_in(vol.outsider).get(path).status_code == 200
