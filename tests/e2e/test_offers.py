"""An open feed hears a new offer and shows its card as the server renders it for the feed."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from app.db import db
from directory import City, load_reference_data
from offers import moderation
from tests.factories import UserFactory
from tests.offers.conftest import offer_body


def test_a_new_offer_appears_in_an_open_feed(new_page, api):
    load_reference_data()
    author, reader = UserFactory(), UserFactory()
    moderation.vouch(UserFactory(is_admin=True), author.id)
    agadir = db.session.scalar(select(City.id).where(City.code == "agadir"))
    db.session.commit()

    page = new_page(reader)
    page.goto("/offers")
    feed = page.locator(".offers-feed")
    expect(feed).to_have_attribute("data-live", "on")  # watching its filters' room

    created = api(author).post("/api/v1/offers", json=offer_body(agadir))
    assert created.status_code == 201, created.get_json()
    offer_id = created.get_json()["id"]

    card = feed.locator(f'[data-feed] [data-offer-id="{offer_id}"]')
    expect(card).to_be_visible()
    expect(card).to_have_class("card offer-card offer-fresh")
    expect(card.locator(".badge-new")).to_have_text("Nouveau")
    expect(card.locator(".card-title a")).to_have_text("Cours de maths gratuits pour collégiens")
    expect(card.locator(".card-title a")).to_have_attribute("href", f"/offers/{offer_id}")
    # what the feed's own cards show and a card built in the page did not: city, places left
    expect(card.locator(".offer-meta")).to_contain_text("Agadir")
    expect(card.locator(".offer-places")).to_contain_text("2")
    assert feed.locator("[data-offer-id]").count() == 1

    page.reload()  # the same card, from the feed's first render
    expect(feed.locator(f'[data-offer-id="{offer_id}"] .offer-meta')).to_contain_text("Agadir")


def test_a_visitor_s_open_feed_gets_a_new_offer_live(new_page, api):
    """The wall is public: a visitor (never signed in) watches it live like anyone."""
    load_reference_data()
    author = UserFactory()
    moderation.vouch(UserFactory(is_admin=True), author.id)
    agadir = db.session.scalar(select(City.id).where(City.code == "agadir"))
    db.session.commit()

    page = new_page()  # nobody signed in
    page.goto("/offers")
    feed = page.locator(".offers-feed")
    expect(feed).to_have_attribute("data-live", "on")  # a visitor's socket watches too

    created = api(author).post("/api/v1/offers", json=offer_body(agadir))
    assert created.status_code == 201, created.get_json()
    offer_id = created.get_json()["id"]

    card = feed.locator(f'[data-feed] [data-offer-id="{offer_id}"]')
    expect(card).to_be_visible()
    expect(card).to_have_class("card offer-card offer-fresh")
    expect(card.locator(".card-title a")).to_have_text("Cours de maths gratuits pour collégiens")
    expect(card.locator(".offer-meta")).to_contain_text("Agadir")

    # and it leaves the visitor's feed when its author withdraws it
    assert api(author).delete(f"/api/v1/offers/{offer_id}").status_code == 204
    expect(card).to_have_count(0)
