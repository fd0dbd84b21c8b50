"""The page to publish and edit a call for volunteers: roles and shifts from a phone form, the
rules' hits explained with their excerpt, quotas and capacities never below the places given."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from app.db import db
from tests.conftest import csrf_token
from volunteering.models import Opportunity, Role, Shift


def _form(vol, **changes):
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=12)
    data = {
        "association_id": str(vol.association.id),
        "title": "Soutien scolaire à Taroudant",
        "description": "Aide aux devoirs pour les élèves du collège, le samedi matin.",
        "skills": ["teaching"],
        "city_id": str(vol.city_id),
        "starts_on": day.isoformat(),
        "ends_on": (day + dt.timedelta(days=2)).isoformat(),
        "min_age": "18",
        "role_id": ["", "", ""],
        "role_title": ["Tuteur", "Accueil", ""],
        "role_quota": ["4", "2", ""],
        "shift_id": ["", ""],
        "shift_starts": [f"{day.isoformat()}T09:00", ""],
        "shift_ends": [f"{day.isoformat()}T12:00", ""],
        "shift_capacity": ["6", ""],
    }
    data.update(changes)
    return data


def test_a_coordinator_publishes_with_roles_and_shifts(vol, logged_in):
    browser = logged_in(vol.coordinator)
    page = browser.get("/volunteering/new")
    assert page.status_code == 200 and "Qafilati Souss" in page.get_data(as_text=True)
    sent = browser.post(
        "/volunteering/new", data=_form(vol, csrf_token=csrf_token(browser, "/volunteering/new"))
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:2000]
    made = db.session.scalar(select(Opportunity))
    assert made.title == "Soutien scolaire à Taroudant" and made.skills == ["teaching"]
    roles = db.session.scalars(select(Role).order_by(Role.id)).all()
    assert [(r.title, r.quota) for r in roles] == [("Tuteur", 4), ("Accueil", 2)]
    shift = db.session.scalar(select(Shift))
    assert shift.capacity == 6 and shift.ends_at - shift.starts_at == dt.timedelta(hours=3)


def test_the_rules_hits_are_explained_with_their_excerpt(vol, logged_in):
    browser = logged_in(vol.coordinator)
    token = csrf_token(browser, "/volunteering/new")
    refused = browser.post(
        "/volunteering/new",
        data=_form(
            vol,
            csrf_token=token,
            description="Pour vous inscrire appelez au +212 6 61 23 45 67 le soir.",
        ),
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'data-code="PHONE"' in html and "61 23 45 67" in html
    # typed text is kept
    assert "Soutien scolaire à Taroudant" in html
    assert db.session.scalar(select(func.count(Opportunity.id))) == 0


def test_bad_input_is_said_beside_its_field_and_nothing_is_written(vol, logged_in):
    browser = logged_in(vol.coordinator)
    token = csrf_token(browser, "/volunteering/new")
    refused = browser.post(
        "/volunteering/new",
        data=_form(vol, csrf_token=token, starts_on="", role_quota=["0", "", ""]),
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 422
    assert "is-invalid" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Opportunity.id))) == 0


def test_only_coordinators_reach_the_form(vol, logged_in, publish):
    assert logged_in(vol.outsider).get("/volunteering/new").status_code == 403
    assert logged_in(vol.member).get("/volunteering/new").status_code == 403
    made = publish()
    assert logged_in(vol.member).get(f"/volunteering/{made['id']}/edit").status_code == 403
    other = logged_in(vol.outsider)
    posted = other.post(
        f"/volunteering/{made['id']}/edit",
        data=_form(vol, csrf_token=csrf_token(other, "/volunteering"), title="Pirate"),
    )
    assert posted.status_code == 403
    db.session.expire_all()
    assert db.session.get(Opportunity, made["id"]).title != "Pirate"


def test_edit_changes_quotas_adds_rows_but_never_below_places_given(api, vol, accepted, logged_in):
    opportunity, _app = accepted(vol.volunteer)  # one volunteer accepted, no role chosen
    role = opportunity["roles"][0]
    shift = opportunity["shifts"][0]
    assert api(vol.volunteer).post(f"/api/v1/shifts/{shift['id']}/signups").status_code == 201
    browser = logged_in(vol.coordinator)
    path = f"/volunteering/{opportunity['id']}/edit"
    page = browser.get(path)
    assert page.status_code == 200 and role["title"] in page.get_data(as_text=True)
    token = csrf_token(browser, path)
    # the times as the form shows them (in the reader's time zone), sent back unchanged
    html = page.get_data(as_text=True)
    starts = re.search(r'id="vo-ss-1" name="shift_starts"[^>]*value="([^"]+)"', html).group(1)
    ends = re.search(r'id="vo-se-1" name="shift_ends"[^>]*value="([^"]+)"', html).group(1)
    base = {
        "csrf_token": token,
        "title": opportunity["title"],
        "description": opportunity["description"],
        "skills": ["construction"],
        "role_id": [str(role["id"]), ""],
        "role_title": [role["title"], "Cuisine"],
        "role_quota": ["9", "3"],
        "shift_id": [str(shift["id"])],
        "shift_starts": [starts],
        "shift_ends": [ends],
        "shift_capacity": ["0"],
    }
    refused = browser.post(path, data=base, headers={"Accept-Language": "fr"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Shift, shift["id"]).capacity == shift["capacity"]
    assert db.session.scalar(select(func.count(Role.id))) == len(opportunity["roles"])
    saved = browser.post(path, data=dict(base, shift_capacity=["8"]))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:1500]
    db.session.expire_all()
    assert db.session.get(Role, role["id"]).quota == 9
    assert db.session.get(Shift, shift["id"]).capacity == 8
    assert db.session.scalar(select(Role.quota).where(Role.title == "Cuisine")) == 3


def test_the_api_edit_refuses_a_quota_below_the_accepted(api, vol, publish):
    made = publish()
    role = made["roles"][0]
    from tests.volunteering.conftest import adult

    adult(api, vol.volunteer)
    applied = api(vol.volunteer).post(
        f"/api/v1/opportunities/{made['id']}/applications", json={"role_id": role["id"]}
    )
    assert (
        api(vol.coordinator)
        .post(f"/api/v1/applications/{applied.get_json()['id']}/accept")
        .status_code
        == 200
    )
    refused = api(vol.coordinator).patch(
        f"/api/v1/opportunities/{made['id']}",
        json={"roles": [{"id": role["id"], "title": role["title"], "quota": 0}]},
    )
    assert refused.status_code == 422 and "roles" in refused.get_json()["error"]["fields"]
    ok = api(vol.coordinator).patch(
        f"/api/v1/opportunities/{made['id']}",
        json={"roles": [{"id": role["id"], "title": "Peinture murale", "quota": 1}]},
    )
    assert ok.status_code == 200
    assert ok.get_json()["roles"][0] == {
        "id": role["id"],
        "title": "Peinture murale",
        "quota": 1,
        "accepted": 1,
    }
