"""Account lifecycle: suspension by a platform administrator, deletion by the person (personal
data erased, authored content anonymised), export of one's own data."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from app.accounts.models import Credential, User
from app.db import db
from tests.conftest import csrf_token, login
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import PASSWORD, UserFactory
from tests.forums.factories import make_reply, make_topic
from tests.messaging.factories import direct


def token_login(api, login_name: str, password: str = PASSWORD):
    return api(None).post("/api/v1/auth/tokens", json={"login": login_name, "password": password})


def wait_disconnected(client) -> bool:
    for _ in range(50):
        if not client.connected:
            return True
        client.sleep(0.1)
    return not client.connected


# ---------------------------------------------------------------- suspension


def test_platform_admin_suspends_and_unsuspends_a_spammer(app, api, admin, sio_connect):
    spammer = UserFactory()
    spammer_api = api(spammer)
    socket = sio_connect(spammer, namespaces=["/notifications"])
    assert spammer_api.get("/api/v1/me").status_code == 200
    # nobody else may suspend
    for who in (None, UserFactory(), spammer):
        assert api(who).post(f"/api/v1/users/{spammer.id}/suspend").status_code in (400, 401, 403)
    assert api(admin).post(f"/api/v1/users/{admin.id}/suspend").status_code == 409
    assert api(admin).post("/api/v1/users/999999/suspend").status_code == 404
    done = api(admin).post(f"/api/v1/users/{spammer.id}/suspend")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["suspended"] is True
    # sessions, tokens and sockets end; sign-in is refused with a clear message
    assert spammer_api.get("/api/v1/me").status_code == 401
    assert wait_disconnected(socket)
    refused = token_login(api, spammer.username)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "account_suspended"
    # a wrong password still gets the usual answer (suspension is not disclosed)
    assert token_login(api, spammer.username, "wrong password!").status_code == 401
    assert api(None).get(f"/api/v1/users/{spammer.id}").status_code == 404
    db.session.expire_all()
    assert not db.session.scalars(
        select(Credential).where(Credential.user_id == spammer.id, Credential.revoked_at.is_(None))
    ).all()
    # the admin still sees the account, and lifts the suspension
    assert api(admin).get(f"/api/v1/users/{spammer.id}").get_json()["suspended"] is True
    back = api(admin).post(f"/api/v1/users/{spammer.id}/unsuspend")
    assert back.status_code == 200 and back.get_json()["suspended"] is False
    assert token_login(api, spammer.username).status_code == 201


def test_suspension_pages(app, admin, logged_in):
    spammer = UserFactory()
    spammer_browser = logged_in(spammer)
    assert spammer_browser.get("/settings").status_code == 200
    browser = logged_in(admin)
    page = browser.get(f"/users/{spammer.id}").get_data(as_text=True)
    assert f"/users/{spammer.id}/suspend" in page
    # an ordinary member sees no such button and may not post it
    other = logged_in(UserFactory())
    assert f"/users/{spammer.id}/suspend" not in other.get(f"/users/{spammer.id}").get_data(
        as_text=True
    )
    token = csrf_token(other, f"/users/{spammer.id}")
    assert other.post(f"/users/{spammer.id}/suspend", data={"csrf_token": token}).status_code == 403
    token = csrf_token(browser, f"/users/{spammer.id}")
    done = browser.post(f"/users/{spammer.id}/suspend", data={"csrf_token": token})
    assert done.status_code == 302
    # the spammer's session ended; signing in again shows why it fails
    assert spammer_browser.get("/settings").status_code == 302
    fresh = app.test_client()
    token = csrf_token(fresh, "/login")
    refused = fresh.post(
        "/login", data={"login": spammer.username, "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 422
    assert "علّق مديرو المنصة هذا الحساب" in refused.get_data(as_text=True)  # Arabic by default
    page = browser.get(f"/users/{spammer.id}").get_data(as_text=True)
    assert f"/users/{spammer.id}/unsuspend" in page
    token = csrf_token(browser, f"/users/{spammer.id}")
    assert (
        browser.post(f"/users/{spammer.id}/unsuspend", data={"csrf_token": token}).status_code
        == 302
    )
    login(app.test_client(), spammer)


# ---------------------------------------------------------------- deletion


def test_deleting_ones_account_erases_personal_data_and_keeps_content(app, api):
    person = UserFactory(display_name="Fatima Zahra", bio="Call me: 0612345678")
    other = UserFactory(locale="fr")
    topic, _first = make_topic(author=other, body="Question")
    reply = make_reply(person, topic, "My useful answer")
    person_api = api(person)
    username, email = person.username, person.email
    person_api.post("/api/v1/me/calendar")
    # a wrong or missing password changes nothing
    wrong = person_api.delete("/api/v1/me", json={"password": "not my password"})
    assert wrong.status_code == 422 and "password" in wrong.get_json()["error"]["fields"]
    assert person_api.delete("/api/v1/me", json={}).status_code == 422
    assert person_api.get("/api/v1/me").status_code == 200
    done = person_api.delete("/api/v1/me", json={"password": PASSWORD})
    assert done.status_code == 204, done.get_json()
    assert person_api.get("/api/v1/me").status_code == 401
    assert token_login(api, email).status_code == 401
    db.session.expire_all()
    erased = db.session.get(User, person.id)
    assert erased.deleted_at is not None and not erased.is_active
    assert email.lower() not in erased.email.lower() and erased.username != username
    assert erased.bio == "" and "Fatima" not in erased.display_name
    assert erased.display_name == "Deleted user"
    assert not db.session.scalars(select(Credential).where(Credential.user_id == person.id)).all()
    from projects.models import CalendarFeed

    assert db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == person.id)) is None
    # the reply stays, signed "Deleted user" in the reader's language
    shown = api(other).get(f"/api/v1/topics/{topic.id}")
    posts = {p["body"]: p["author"]["display_name"] for p in shown.get_json()["posts"]["items"]}
    assert posts["My useful answer"] == "Utilisateur supprimé"
    assert "Fatima" not in shown.get_data(as_text=True)
    assert api(None).get(f"/api/v1/users/{person.id}").status_code == 404
    # the username and email can be used again
    again = api(None).post(
        "/api/v1/auth/register",
        json={"username": username, "email": email, "password": "another-pass-1"},
    )
    assert again.status_code == 201, again.get_json()
    assert reply.id


def test_the_last_platform_admin_cannot_delete_themselves(app, api, admin):
    refused = api(admin).delete("/api/v1/me", json={"password": PASSWORD})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "last_admin"
    other_admin = UserFactory(is_admin=True)
    assert api(admin).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    refused = api(other_admin).delete("/api/v1/me", json={"password": PASSWORD})
    assert refused.status_code == 409


def test_the_last_admin_of_an_association_must_hand_over_first(app, api):
    founder = UserFactory()
    assoc = AssociationFactory()
    MembershipFactory(association=assoc, user=founder, role="admin")
    refused = api(founder).delete("/api/v1/me", json={"password": PASSWORD})
    assert refused.status_code == 409, refused.get_json()
    assert api(founder).get("/api/v1/me").status_code == 200
    MembershipFactory(association=assoc, role="admin")
    assert api(founder).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204


def test_delete_account_page(app, logged_in):
    person = UserFactory()
    browser = logged_in(person)
    page = browser.get("/settings").get_data(as_text=True)
    assert 'action="/settings/delete"' in page
    token = csrf_token(browser, "/settings")
    wrong = browser.post(
        "/settings/delete", data={"csrf_token": token, "del-password": "nope nope"}
    )
    assert wrong.status_code == 422
    assert browser.get("/settings").status_code == 200
    done = browser.post("/settings/delete", data={"csrf_token": token, "del-password": PASSWORD})
    assert done.status_code == 302
    assert browser.get("/settings").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).deleted_at is not None


# ---------------------------------------------------------------- export


def test_export_is_a_zip_of_ones_own_data(app, api, logged_in):
    person = UserFactory(bio="Je suis bénévole")
    friend = UserFactory()
    assoc = AssociationFactory(name="Association Amal")
    MembershipFactory(association=assoc, user=person, role="member")
    topic, _first = make_topic(author=person, title="Mon sujet", body="Mon premier message")
    make_reply(friend, topic, "Not mine")
    conversation = direct(person, friend)
    sent = api(person).post(
        f"/api/v1/conversations/{conversation.id}/messages",
        json={"body": "Salam khoya", "client_id": "c-1"},
    )
    assert sent.status_code == 201
    assert api(None).get("/api/v1/me/export").status_code == 401
    response = api(person).get("/api/v1/me/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == person.email
    assert data["account"]["bio"] == "Je suis bénévole"
    assert "password_hash" not in json.dumps(data)
    text = json.dumps(data, ensure_ascii=False)
    assert "Mon premier message" in text and "Salam khoya" in text
    assert "Association Amal" in text
    assert "Not mine" not in text
    # the same archive from the settings page
    page = logged_in(person).get("/settings/export")
    assert page.status_code == 200 and page.headers["Content-Type"] == "application/zip"
