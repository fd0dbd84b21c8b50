"""Anonymity that holds: an incognito contributor's name, email and account appear on no page,
API answer, feed or export of the campaign for anyone but the host's treasurers (who read
them through the logged personal-data path); a contributor can switch to incognito later."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.db import db
from app.privacy import PersonalDataAccess
from tests.campaigns.conftest import confirm_cash
from tests.support import world as make

SECRET_NAME = "Zineb Sirriya"
SECRET_EMAIL = "zineb.sirriya@example.org"
LATE_NAME = "Hamid Moutakhafi"


def _surfaces(api, campaign, readers):
    """Every page, API answer, feed and export of the campaign, for each reader."""
    pages = (
        "/campaigns",
        f"/campaigns/{campaign}",
        f"/campaigns/{campaign}/share.svg",
        f"/campaigns/{campaign}/report.pdf",
        f"/campaigns/{campaign}/feed.atom",
        "/campaigns/feed.atom",
        f"/campaigns/{campaign}/manage",
        "/api/v1/campaigns",
        f"/api/v1/campaigns/{campaign}",
        f"/api/v1/campaigns/{campaign}/contributions",
        f"/api/v1/campaigns/{campaign}/report",
        f"/api/v1/campaigns/{campaign}/updates",
        f"/api/v1/campaigns/{campaign}/expenses",
        "/api/v1/notifications",
        "/",
    )
    for who in readers:
        for path in pages:
            response = api(who).get(path, headers={"Accept-Language": "en"})
            yield who, path, response.status_code, response.get_data()


def test_no_surface_shows_an_incognito_contributor(api, camp, live, give):
    hidden = make.person(SECRET_NAME, email=SECRET_EMAIL)
    late = make.person(LATE_NAME)
    db.session.commit()
    row = live()
    secret = give(row["id"], hidden, method="cash", amount=777_00, incognito=True)
    open_gift = give(row["id"], late, method="cash", amount=300_00)
    confirm_cash(api, camp, secret["id"])
    confirm_cash(api, camp, open_gift["id"])
    shown = api(None).get(f"/campaigns/{row['id']}").get_data(as_text=True)
    assert LATE_NAME in shown  # a contributor who is not incognito is thanked by name
    # ... and switches to incognito later
    switched = api(late).post(
        f"/api/v1/contributions/{open_gift['id']}/incognito", json={"incognito": True}
    )
    assert switched.status_code == 200
    assert (
        api(camp.donor)
        .post(f"/api/v1/contributions/{open_gift['id']}/incognito", json={"incognito": False})
        .status_code
        == 404
    )
    update = api(camp.coordinator).post(
        f"/api/v1/campaigns/{row['id']}/updates", json={"body": "300 paniers sont prêts."}
    )
    assert update.status_code == 201
    readers = (None, camp.outsider, camp.member, camp.coordinator, camp.donor, camp.other_admin)
    secrets = [
        SECRET_NAME,
        SECRET_EMAIL,
        LATE_NAME,
        hidden.username,
        late.username,
    ]
    scanned = 0
    for who, path, status, body in _surfaces(api, row["id"], readers):
        scanned += 1
        text = body.decode("utf-8", "replace")
        for secret_text in secrets:
            assert secret_text not in text, (getattr(who, "username", None), path, secret_text)
        if path.startswith("/api/") and status == 200:
            for uid in (hidden.id, late.id):
                assert not re.search(rf'"user_id":\s*{uid}\b', text), (path, uid)
    assert scanned == len(readers) * 15
    # the treasurers read a name for a purpose, and the read is logged
    assert db.session.scalar(select(func.count(PersonalDataAccess.id))) == 0
    read = api(camp.treasurer).post(
        f"/api/v1/contributions/{secret['id']}/personal", json={"purpose": "reçu fiscal"}
    )
    assert read.get_json() == {"name": SECRET_NAME, "email": SECRET_EMAIL}
    assert db.session.scalar(select(func.count(PersonalDataAccess.id))) == 1
    assert (
        api(camp.coordinator)
        .post(f"/api/v1/contributions/{secret['id']}/personal", json={"purpose": "x"})
        .status_code
        == 404
    )
    listed = api(camp.treasurer).get(f"/api/v1/campaigns/{row['id']}/contributions").get_json()
    assert hidden.id in [c["user_id"] for c in listed["items"]]


def test_the_stored_name_and_email_are_encrypted(api, camp, live, give):
    hidden = make.person(SECRET_NAME, email=SECRET_EMAIL)
    db.session.commit()
    row = live()
    give(row["id"], hidden, incognito=True)
    raw = db.session.execute(db.text("SELECT name, email FROM campaign_contributions")).one()
    assert SECRET_NAME not in raw[0] and SECRET_EMAIL not in raw[1]
