"""The pages: the list with its filters, an opportunity with apply and sign-up, my
volunteering, the profile form (the contact never shown back), the applications queue."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from tests.conftest import csrf_token
from tests.volunteering.conftest import adult
from volunteering.models import Application, Signup, VolunteerProfile


def test_the_list_filters_and_links_to_each_opportunity(client, vol, publish):
    made = publish()
    page = client.get("/volunteering?q=caravane&remote=no", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"/volunteering/{made['id']}" in html
    assert "Qafilati Souss" in html
    empty = client.get("/volunteering?skill=legal").get_data(as_text=True)
    assert f"/volunteering/{made['id']}" not in empty


def test_apply_from_the_page_then_the_queue_accepts_and_the_volunteer_signs_up(
    api, vol, publish, logged_in
):
    made = publish()
    adult(api, vol.volunteer)
    browser = logged_in(vol.volunteer)
    token = csrf_token(browser, f"/volunteering/{made['id']}")
    sent = browser.post(
        f"/volunteering/{made['id']}/apply", data={"csrf_token": token, "message": "Disponible"}
    )
    assert sent.status_code == 302
    app_id = db.session.scalar(select(Application.id))
    coordinator = logged_in(vol.coordinator)
    queue = coordinator.get(f"/volunteering/associations/{vol.association.id}/queue")
    assert queue.status_code == 200 and "Disponible" in queue.get_data(as_text=True)
    token = csrf_token(coordinator, f"/volunteering/associations/{vol.association.id}/queue")
    assert (
        coordinator.post(
            f"/volunteering/applications/{app_id}/accept", data={"csrf_token": token}
        ).status_code
        == 302
    )
    shift_id = made["shifts"][0]["id"]
    token = csrf_token(browser, f"/volunteering/{made['id']}")
    assert (
        browser.post(
            f"/volunteering/shifts/{shift_id}/signup", data={"csrf_token": token}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.scalar(select(Signup.status)) == "confirmed"
    mine = browser.get("/volunteering/mine").get_data(as_text=True)
    assert made["title"][:20] in mine
    assert (
        logged_in(vol.member)
        .get(f"/volunteering/associations/{vol.association.id}/queue")
        .status_code
        == 403
    )


def test_the_profile_form_saves_and_never_shows_the_contact_back(vol, logged_in):
    browser = logged_in(vol.volunteer)
    token = csrf_token(browser, "/volunteering/profile")
    saved = browser.post(
        "/volunteering/profile",
        data={
            "csrf_token": token,
            "skills": ["teaching", "it"],
            "languages": ["ar", "fr"],
            "birth_year": "1990",
            "visibility": "network",
            "emergency_contact_change": "1",
            "emergency_contact": "Papa SECRET-PHONE",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    row = db.session.get(VolunteerProfile, vol.volunteer.id)
    assert row.skills == ["teaching", "it"] and row.birth_year == 1990
    html = browser.get("/volunteering/profile").get_data(as_text=True)
    assert "SECRET-PHONE" not in html
    token = csrf_token(browser, "/volunteering/profile")
    wrong = browser.post("/volunteering/profile", data={"csrf_token": token, "birth_year": "2030"})
    assert wrong.status_code == 422
