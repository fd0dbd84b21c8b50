"""Each person's time zone: set at sign-up from the browser, editable, used on every page.

An instant late in the UTC evening is the next day in Casablanca (UTC+1) and still the same
day in Toronto (UTC-5), so the day shown tells which zone a page used.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.db import db
from app.i18n import datetime_filter, reading_as
from messaging.models import Message
from tests.conftest import csrf_token
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import PASSWORD, UserFactory
from tests.messaging.factories import direct, send
from tests.projects.factories import ActivityFactory, ProjectFactory

LATE_EVENING = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)


def _register(client, **extra):
    token = csrf_token(client, "/register")
    data = {
        "username": "amina",
        "display_name": "Amina",
        "email": "amina@example.org",
        "password": PASSWORD,
        "csrf_token": token,
        **extra,
    }
    return client.post("/register", data=data)


def _user(username: str) -> User:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def test_sign_up_page_asks_the_browser_for_its_zone(client):
    html = client.get("/register").get_data(as_text=True)
    assert re.search(r'<input[^>]*data-browser-timezone[^>]*name="timezone"', html) or re.search(
        r'<input[^>]*name="timezone"[^>]*data-browser-timezone', html
    )


def test_sign_up_keeps_the_browser_zone(client):
    assert _register(client, timezone="Europe/Paris").status_code == 302
    assert _user("amina").timezone == "Europe/Paris"


def test_sign_up_with_an_unknown_zone_gets_the_platform_zone(client):
    assert _register(client, timezone="Mars/Olympus").status_code == 302
    assert _user("amina").timezone is None


def test_api_sign_up_takes_a_zone(api):
    response = api(None).post(
        "/api/v1/auth/register",
        json={
            "username": "omar",
            "email": "omar@example.org",
            "password": PASSWORD,
            "timezone": "America/Toronto",
        },
    )
    assert response.status_code == 201
    assert response.json["timezone"] == "America/Toronto"


@pytest.mark.parametrize(
    ("locale", "label"), [("ar", "توقيت المغرب"), ("fr", "heure : Maroc"), ("en", "Morocco Time")]
)
def test_settings_offer_zones_in_the_reader_language(logged_in, locale, label):
    person = UserFactory(locale=locale)
    html = logged_in(person).get("/settings").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S)
    assert select_html is not None
    assert label in select_html.group(0)
    # nobody chose yet: the platform's zone is the one selected
    assert re.search(r'<option selected value="Africa/Casablanca"', select_html.group(0)) or (
        re.search(r'value="Africa/Casablanca" selected', select_html.group(0))
    )


def _save_settings(client, person, **changes):
    token = csrf_token(client, "/settings")
    data = {
        "action": "profile",
        "display_name": person.display_name,
        "bio": "",
        "locale": person.locale or "",
        "timezone": "",
        "csrf_token": token,
        **changes,
    }
    return client.post("/settings", data=data)


def test_settings_change_the_zone(logged_in):
    person = UserFactory(locale="fr")
    response = _save_settings(logged_in(person), person, timezone="America/Toronto")
    assert response.status_code == 302
    assert _user(person.username).timezone == "America/Toronto"


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("ar", "اختر منطقة زمنية من القائمة."),
        ("fr", "Choisissez un fuseau horaire dans la liste."),
        ("en", "Choose a time zone from the list."),
    ],
)
def test_settings_refuse_an_unknown_zone_in_the_reader_language(logged_in, locale, message):
    person = UserFactory(locale=locale, timezone="Europe/Paris")
    response = _save_settings(logged_in(person), person, timezone="Mars/Olympus")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _user(person.username).timezone == "Europe/Paris"


def test_api_profile_changes_and_refuses_zones(api, user):
    client = api(user)
    response = client.patch("/api/v1/me", json={"timezone": "Asia/Dubai"})
    assert response.status_code == 200
    assert response.json["timezone"] == "Asia/Dubai"
    refused = client.patch("/api/v1/me", json={"timezone": "Nowhere/Land"})
    assert refused.status_code == 422
    assert "timezone" in refused.json["error"]["fields"]
    back = client.patch("/api/v1/me", json={"timezone": None})
    assert back.status_code == 200
    assert _user(user.username).timezone is None


@pytest.mark.parametrize(
    ("zone", "day"), [(None, "5 déc. 2026"), ("America/Toronto", "4 déc. 2026")]
)
def test_pages_show_dates_in_the_reader_zone(logged_in, zone, day):
    reader = UserFactory(locale="fr", timezone=zone)
    member = UserFactory(created_at=LATE_EVENING)
    html = logged_in(reader).get(f"/users/{member.id}").get_data(as_text=True)
    assert "Membre depuis" in html
    assert day in html


@pytest.mark.parametrize(("zone", "cell_day"), [(None, 5), ("America/Toronto", 4)])
def test_month_calendar_puts_an_activity_on_the_reader_day(logged_in, zone, cell_day):
    association = AssociationFactory()
    coordinator = UserFactory(locale="fr", timezone=zone)
    MembershipFactory(association=association, user=coordinator, role="coordinator")
    project = ProjectFactory(associations=[association])
    activity = ActivityFactory(
        project=project,
        title="Veillée",
        starts_at=LATE_EVENING,
        ends_at=LATE_EVENING + dt.timedelta(minutes=20),
    )
    html = (
        logged_in(coordinator)
        .get(f"/projects/{project.id}/calendar?month=2026-12")
        .get_data(as_text=True)
    )
    cells = re.findall(r"<td[^>]*>.*?</td>", html, re.S)
    holding = [c for c in cells if f'data-activity-id="{activity.id}"' in c]
    assert len(holding) == 1
    assert f'data-date="2026-12-0{cell_day}"' in holding[0]


def test_rendering_for_another_person_uses_their_zone(app):
    with app.test_request_context("/"):
        with reading_as("fr", "America/Toronto"):
            assert "4 déc. 2026, 18:30" in datetime_filter(LATE_EVENING)
        with reading_as("ar", None):  # no zone of their own: the platform's
            assert "00:30" in datetime_filter(LATE_EVENING)


@pytest.mark.parametrize(("zone", "shown"), [(None, "00:30"), ("America/Toronto", "18:30")])
def test_chat_lines_show_the_time_in_the_reader_zone(logged_in, zone, shown):
    reader, writer = UserFactory(timezone=zone), UserFactory()
    conversation = direct(writer, reader)
    send(writer, conversation, "Salam", "c-1")
    db.session.commit()
    db.session.execute(update(Message).values(created_at=LATE_EVENING))
    db.session.commit()
    html = logged_in(reader).get(f"/chat/{conversation.id}").get_data(as_text=True)
    line = html.split('<ol class="messages"')[1].split("</ol>")[0]
    assert f">{shown}</time>" in line
    assert f'data-timezone="{zone or "Africa/Casablanca"}"' in html  # for the live lines
