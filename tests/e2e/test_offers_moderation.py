"""The moderation pages of the board on a phone (390 px), in Arabic (right to left) and French:
the review queue with readers' flags and a photo, an association's "known to us" codes, and a
person's strikes on their own page; nothing off screen, nothing left in English."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app.db import db
from directory import City, load_reference_data
from offers import claims, moderation, services
from offers.models import Offer
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.e2e.test_every_page import PAGE_JS
from tests.factories import UserFactory
from tests.offers.conftest import offer_body

SHOTS = os.environ.get("JAM3IA_SHOTS")

#: English sentences of these pages that must not be left untranslated
ENGLISH = (
    "reports by readers",
    "report by readers",
    "Reported by readers",
    "Codes given",
    "Revoke",
    "Not used yet",
    "strikes in the last",
    "Your posts are read",
    "Post refused by a moderator",
    "Photo of a first post",
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _world(api):
    load_reference_data()
    agadir = db.session.scalar(select(City.id).where(City.code == "agadir"))
    admin = UserFactory(is_admin=True)
    author = UserFactory(display_name="Karima Author")
    moderation.vouch(admin, author.id)
    db.session.commit()
    flagged = api(author).post("/api/v1/offers", json=offer_body(agadir)).get_json()
    for reason in ("C'est payant, une longue raison écrite par un lecteur", "publicité", ""):
        api(UserFactory()).post(f"/api/v1/offers/{flagged['id']}/flags", json={"reason": reason})
    books = api(UserFactory()).post(
        "/api/v1/offers",
        json=offer_body(agadir, support_type="books", title="Livres", body="Une caisse."),
    )
    offer = db.session.get(Offer, books.get_json()["id"])
    moderation.decide(admin, offer, True)
    db.session.commit()
    services.add_photo(db.session.get(type(author), offer.author_id), offer, _jpeg(), True)
    offer.status, offer.review_reason = "review", "photo"
    # a strike for the author: a refused post
    refused = (
        api(author)
        .post(
            "/api/v1/offers",
            json=offer_body(agadir, title="Vêtements", body="Des pulls.", support_type="clothes"),
        )
        .get_json()
    )
    row = db.session.get(Offer, refused["id"])
    row.status, row.review_reason = "review", "rules"
    db.session.commit()
    moderation.decide(admin, row, False, "Annonce commerciale, merci de relire les règles")
    association = AssociationFactory(status="approved")
    board = UserFactory()
    MembershipFactory(association=association, user=board, role="admin")
    db.session.commit()
    for _n in range(3):
        claims.make_referral(board, association.id, author.id)
    db.session.commit()
    return admin, author, board, association


@pytest.mark.parametrize("locale", ["ar", "fr"])
def test_the_moderation_pages_on_a_phone(new_page, api, locale):
    admin, author, board, association = _world(api)
    for who in (admin, author, board):
        who.locale = locale
    db.session.commit()
    pages = [
        (admin, "/offers/review"),
        (board, f"/offers/referrals/{association.id}"),
        (author, "/offers/mine"),
    ]
    for who, path in pages:
        page = new_page(who, locale=locale, viewport={"width": 390, "height": 844})
        page.goto(path)
        assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "ltr")
        facts = page.evaluate(PAGE_JS)
        assert facts["overflow"] <= 1, (path, facts["wide"])
        text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        left = [e for e in ENGLISH if e in text]
        assert not left, (path, left)
        if path == "/offers/review":
            photo = page.locator(".review-photos img").first
            assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
        if SHOTS:
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{locale}.png"), full_page=True)
