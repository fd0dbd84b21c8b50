"""The campaign pages: Open Graph tags and the share card, hostile text kept inert, the giving
form, the host's page."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from campaigns.models import Contribution
from tests.conftest import csrf_token
from tests.xss import XSS_CORPUS, assert_page_inert, build_world, format_path, marker


def test_a_campaign_page_shares_well(api, camp, live):
    row = live()
    html = api(None).get(f"/campaigns/{row['id']}").get_data(as_text=True)
    assert '<meta property="og:title" content="قفة رمضان / Paniers de Ramadan">' in html
    assert (
        f'<meta property="og:image" content="http://localhost/campaigns/{row["id"]}/share.svg">'
        in html
        or (f'/campaigns/{row["id"]}/share.svg"' in html)
    )
    card = api(None).get(f"/campaigns/{row['id']}/share.svg")
    assert card.status_code == 200 and card.mimetype == "image/svg+xml"
    assert "Paniers de Ramadan" in card.get_data(as_text=True)


def test_hostile_text_is_inert_on_the_pages_and_the_card(api):
    payload = XSS_CORPUS[0]
    world = build_world(api, payload)
    for who, path in (
        ("anonymous", "/campaigns"),
        ("anonymous", "/campaigns/{w.campaign_id}"),
        ("founder", "/campaigns/{w.campaign_id}/manage"),
    ):
        client = api(None if who == "anonymous" else getattr(world, who))
        html = client.get(format_path(path, world)).get_data(as_text=True)
        assert marker("campaign_title") in html
        assert_page_inert(html)
    card = api(None).get(f"/campaigns/{world.campaign_id}/share.svg").get_data(as_text=True)
    assert marker("campaign_title") + " &lt;script&gt;" in card
    assert "<script" not in card.lower()


def test_giving_from_the_page(logged_in, camp, live):
    row = live()
    browser = logged_in(camp.donor)
    token = csrf_token(browser, f"/campaigns/{row['id']}")
    bad = browser.post(
        f"/campaigns/{row['id']}/give", data={"csrf_token": token, "dirhams": "12.5"}
    )
    assert bad.status_code == 303
    assert db.session.scalars(select(Contribution)).all() == []
    done = browser.post(
        f"/campaigns/{row['id']}/give",
        data={"csrf_token": token, "dirhams": "150", "incognito": "y"},
    )
    assert done.status_code == 303
    made = db.session.scalars(select(Contribution)).one()
    assert made.amount == 150_00 and made.incognito
    page = browser.get(f"/campaigns/{row['id']}").get_data(as_text=True)
    assert made.reference in page


def test_the_hosts_page_is_the_teams(logged_in, camp, live):
    row = live()
    assert logged_in(camp.coordinator).get(f"/campaigns/{row['id']}/manage").status_code == 200
    assert logged_in(camp.member).get(f"/campaigns/{row['id']}/manage").status_code == 403


def test_the_treasurers_buttons(logged_in, camp, live, give):
    row = live()
    gift = give(row["id"], method="cash", amount=90_00)
    path = f"/campaigns/{row['id']}/manage"
    coordinator = logged_in(camp.coordinator)
    token = csrf_token(coordinator, path)
    refused = coordinator.post(f"{path}/confirm", data={"csrf_token": token, "item": gift["id"]})
    assert refused.status_code == 303
    assert db.session.get(Contribution, gift["id"]).first_confirmer_id is None
    for who, button in (
        (camp.treasurer, "Confirm the cash received"),
        (camp.treasurer2, "Confirm as second person"),
    ):
        browser = logged_in(who)
        assert button in browser.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        token = csrf_token(browser, path)
        done = browser.post(f"{path}/confirm", data={"csrf_token": token, "item": gift["id"]})
        assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Contribution, gift["id"]).status == "confirmed"
    closing = logged_in(camp.treasurer)
    token = csrf_token(closing, path)
    assert closing.post(f"{path}/close", data={"csrf_token": token}).status_code == 303
    assert closing.post(f"{path}/nonsense", data={"csrf_token": token}).status_code == 404
    from campaigns.models import Campaign

    db.session.expire_all()
    assert db.session.get(Campaign, row["id"]).status == "closed"
