"""The board's page forms: a refused post is drawn again as typed, each reason beside its field
(status 422, or the refusal's own status), the board's rule hits listed once and not flashed
as well, nothing written; an accepted post works; who may post is checked. On an offer's
page, a refusal no field shows (asked or reported already) is flashed on the offer as it is
now."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db
from offers.models import BloodDonor, Flag, Offer, OfferAlert, Referral, Thanks
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.support import world as make

Browser = Callable[[User], FlaskClient]


def _count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _flashes(html: str) -> list[str]:
    return re.findall(r'class="alert flash flash-error[^"]*"[^>]*>(.*?)</div>', html, re.S)


def _reason(html: str, field_id: str) -> str:
    """The reasons said beside the field ``field_id`` (empty when none)."""
    found = re.search(rf'<p class="field-error[^"]*" id="{field_id}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _offer_form(city_id: int, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "kind": "offer",
        "support_type": "tutoring",
        "city_id": str(city_id),
        "capacity": "3",
        "audience": ["student", "child"],
        "free": "1",
        "title": "Soutien scolaire en français",
        "body": "Deux heures le mercredi après-midi, à la maison des jeunes.",
    }
    form.update(changes)
    return form


# --- the composer ------------------------------------------------------------------------


def test_a_refused_offer_keeps_what_was_typed_with_each_reason_beside_its_field(
    logged_in: Browser, vouched: Callable[[], User], city: Callable[..., int]
) -> None:
    page = logged_in(vouched())
    rabat = city("rabat")
    sent = _offer_form(rabat, capacity="beaucoup", age_min="200", title="", area_hint="Agdal")
    refused = page.post("/offers/new", data={**sent, "csrf_token": csrf_token(page, "/offers/new")})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _reason(html, "of-capacity")  # the API's own check: not a whole number
    assert _reason(html, "of-age-min")  # the API's range, from its nested conditions
    assert 'value="beaucoup"' in html and 'value="200"' in html and 'value="Agdal"' in html
    assert re.search(rf'<option value="{rabat}" selected>', html)  # the place kept
    for ticked in ("student", "child"):  # the audience ticks kept
        assert re.search(rf'name="audience" value="{ticked}" checked', html)
    assert not re.search(r'name="audience" value="mother" checked', html)
    assert _count(Offer) == 0


def test_a_missing_field_is_said_beside_it_and_the_rules_not_flashed_again(
    logged_in: Browser, vouched: Callable[[], User], city: Callable[..., int]
) -> None:
    page = logged_in(vouched())
    sent = _offer_form(city(), title="", free="")
    sent.pop("free")
    refused = page.post("/offers/new", data={**sent, "csrf_token": csrf_token(page, "/offers/new")})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _reason(html, "of-title") and _reason(html, "free")
    assert 'data-code="MISSING_FIELD"' not in html  # said beside the fields, not listed too
    assert _flashes(html) == []
    assert _count(Offer) == 0


def test_a_rule_hit_is_listed_once_and_not_flashed(
    logged_in: Browser, vouched: Callable[[], User], city: Callable[..., int]
) -> None:
    page = logged_in(vouched())
    body = "Cours de soutien, 50 dh la séance, appelez le 0661234567"
    sent = _offer_form(city(), body=body)
    refused = page.post("/offers/new", data={**sent, "csrf_token": csrf_token(page, "/offers/new")})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'data-code="PHONE"' in html and body in html
    assert _flashes(html) == []  # the list says it; no summary on top repeats it
    assert _count(Offer) == 0


def test_a_refused_blood_request_stays_a_blood_request(
    logged_in: Browser, vouched: Callable[[], User], city: Callable[..., int]
) -> None:
    page = logged_in(vouched())
    token = csrf_token(page, "/offers/new?kind=blood_request")
    refused = page.post(
        "/offers/new",
        data={
            "csrf_token": token,
            "kind": "blood_request",
            "blood_group": "AB-",
            "city_id": str(city("rabat")),
            "needed_by": "pas une date",
        },
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="blood_request" checked' in html
    assert '<option value="AB-" selected>' in html
    assert _reason(html, "of-needed") and 'value="pas une date"' in html
    assert _count(Offer) == 0
    done = page.post(
        "/offers/new",
        data={
            "csrf_token": token,
            "kind": "blood_request",
            "blood_group": "AB-",
            "city_id": str(city("rabat")),
            "facility": "CHU Ibn Sina",
            "needed_by": "2099-01-01T10:00",
            "title": "",
        },
    )
    assert done.status_code == 302
    row = db.session.scalar(select(Offer))
    assert row is not None and row.kind == "blood_request" and row.facility == "CHU Ibn Sina"


def test_the_composer_is_for_people_signed_in(client: FlaskClient) -> None:
    assert client.get("/offers/new").status_code in (302, 401)
    assert client.post("/offers/new", data={"title": "x"}).status_code in (302, 400, 401)
    assert _count(Offer) == 0


# --- editing -----------------------------------------------------------------------------


def test_an_edit_refused_beside_its_field_keeps_the_offer(
    logged_in: Browser, vouched: Callable[[], User], post_offer: Callable[..., dict[str, Any]]
) -> None:
    author = vouched()
    offer = post_offer(author)
    browser = logged_in(author)
    url = f"/offers/{offer['id']}/edit"
    refused = browser.post(
        url,
        data={
            "csrf_token": csrf_token(browser, url),
            "title": "Maths le samedi",
            "body": "Toujours gratuit.",
            "ends_on": "2026-13-45",
            "delivery_mode": "by_drone",
        },
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _reason(html, "ends_on") and _reason(html, "delivery_mode")
    assert 'value="Maths le samedi"' in html and 'value="2026-13-45"' in html
    db.session.expire_all()
    assert db.session.get(Offer, offer["id"]).title == offer["title"]
    cleared = browser.post(
        url,
        data={"csrf_token": csrf_token(browser, url), "title": "Maths le samedi", "body": ""},
    )
    assert cleared.status_code == 303
    db.session.expire_all()
    row = db.session.get(Offer, offer["id"])
    assert row.title == "Maths le samedi" and row.body == ""  # an emptied field is cleared


def test_a_rule_refused_edit_is_not_flashed_as_well(
    logged_in: Browser, vouched: Callable[[], User], post_offer: Callable[..., dict[str, Any]]
) -> None:
    author = vouched()
    offer = post_offer(author)
    browser = logged_in(author)
    url = f"/offers/{offer['id']}/edit"
    refused = browser.post(
        url, data={"csrf_token": csrf_token(browser, url), "title": "Voir www.exemple.com"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-code="LINK"' in html
    assert _flashes(html) == []


# --- the blood donor card ----------------------------------------------------------------


def test_the_donor_card_refused_beside_its_fields_then_saved(
    logged_in: Browser, city: Callable[..., int], client: FlaskClient
) -> None:
    person = UserFactory()
    page = logged_in(person)
    token = csrf_token(page, "/offers/blood-donor")
    refused = page.post(
        "/offers/blood-donor", data={"csrf_token": token, "group": "", "city_id": str(city())}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _reason(html, "bd-group")
    assert re.search(rf'<option value="{city()}" selected>', html)  # the city kept
    assert 'name="active" value="1" checked' not in html  # unticked, as sent
    unknown = page.post(
        "/offers/blood-donor", data={"csrf_token": token, "group": "O+", "city_id": "999999"}
    )
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and _reason(html, "bd-city")
    assert '<option value="O+" selected>' in html
    assert _count(BloodDonor) == 0
    saved = page.post(
        "/offers/blood-donor",
        data={"csrf_token": token, "group": "O+", "city_id": str(city()), "active": "1"},
    )
    assert saved.status_code == 302
    assert _count(BloodDonor) == 1
    again = page.get("/offers/blood-donor").get_data(as_text=True)
    assert '<option value="O+" selected>' in again and 'value="1" checked' in again
    assert client.post("/offers/blood-donor", data={"group": "O+"}).status_code in (302, 400, 401)


# --- alerts ------------------------------------------------------------------------------


def test_an_alert_refused_on_the_feed_keeps_the_filters_then_saved(
    logged_in: Browser, city: Callable[..., int]
) -> None:
    page = logged_in(UserFactory())
    token = csrf_token(page, "/offers")
    refused = page.post(
        "/offers/alerts", data={"csrf_token": token, "type": "tutoring", "audience": "aliens"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _reason(html, "alert")  # beside the alert's button
    assert '<option value="tutoring" selected>' in html  # the feed's filters kept
    assert _count(OfferAlert) == 0
    saved = page.post("/offers/alerts", data={"csrf_token": token, "type": "blood"})
    assert saved.status_code == 302 and "type=blood" in saved.headers["Location"]
    assert _count(OfferAlert) == 1
    nothing = page.post("/offers/alerts", data={"csrf_token": token})
    assert nothing.status_code == 422 and _flashes(nothing.get_data(as_text=True))
    assert _count(OfferAlert) == 1


# --- an offer's page: a request, thanks, a flag -----------------------------------------


def test_thanks_refused_beside_the_text_then_given_and_only_by_a_beneficiary(
    logged_in: Browser, city: Callable[..., int]
) -> None:
    author, helped = UserFactory(), UserFactory()
    offer_id = make.offer(author, "Cours de maths")
    make.claim(offer_id, helped, accept_as=author)
    page = logged_in(helped)
    token = csrf_token(page, f"/offers/{offer_id}")
    empty = page.post(f"/offers/{offer_id}/thanks", data={"csrf_token": token, "text": ""})
    assert empty.status_code == 422 and _reason(empty.get_data(as_text=True), "th-text")
    phone = "Merci ! appelez-moi au 0661234567"
    listed = page.post(f"/offers/{offer_id}/thanks", data={"csrf_token": token, "text": phone})
    html = listed.get_data(as_text=True)
    assert listed.status_code == 422 and 'data-code="PHONE"' in html and phone in html
    assert _flashes(html) == [] and f'action="/offers/{offer_id}/thanks#thanks"' in html
    assert _count(Thanks) == 0
    done = page.post(f"/offers/{offer_id}/thanks", data={"csrf_token": token, "text": "Merci"})
    assert done.status_code == 302 and _count(Thanks) == 1
    stranger = logged_in(UserFactory())
    refused = stranger.post(
        f"/offers/{offer_id}/thanks",
        data={"csrf_token": csrf_token(stranger, f"/offers/{offer_id}"), "text": "Merci"},
    )
    assert refused.status_code == 403 and _count(Thanks) == 1


def test_a_flag_refused_comes_back_open_with_its_reason_then_sent(
    logged_in: Browser, city: Callable[..., int]
) -> None:
    author = UserFactory()
    offer_id = make.offer(author, "Cours de maths")
    reader = logged_in(UserFactory())
    token = csrf_token(reader, f"/offers/{offer_id}")
    long = "trop " * 70
    refused = reader.post(f"/offers/{offer_id}/flag", data={"csrf_token": token, "reason": long})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _reason(html, "fl-reason")
    assert 'id="report" open' in html and long.strip() in html
    assert _count(Flag) == 0
    sent = reader.post(f"/offers/{offer_id}/flag", data={"csrf_token": token, "reason": "pub"})
    assert sent.status_code == 302 and _count(Flag) == 1
    own = logged_in(author)
    mine = own.post(
        f"/offers/{offer_id}/flag",
        data={"csrf_token": csrf_token(own, f"/offers/{offer_id}"), "reason": "test"},
    )
    assert mine.status_code == 302  # no field says it: flashed, on the offer as it is now
    assert _flashes(own.get(mine.headers["Location"]).get_data(as_text=True))
    assert _count(Flag) == 1


def test_a_request_refused_keeps_what_was_typed_beside_its_field(
    logged_in: Browser, city: Callable[..., int]
) -> None:
    offer_id = make.offer(UserFactory(), "Cours de maths")
    asker = logged_in(UserFactory())
    token = csrf_token(asker, f"/offers/{offer_id}")
    refused = asker.post(
        f"/offers/{offer_id}/claim",
        data={
            "csrf_token": token,
            "answer-student": "yes",
            "pickup_proposal": "Samedi matin",
            "referral_token": "not-a-code",
        },
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _reason(html, "cl-referral")
    assert 'value="Samedi matin"' in html and 'value="yes" required checked' in html
    phone = asker.post(
        f"/offers/{offer_id}/claim",
        data={"csrf_token": token, "answer-student": "no", "pickup_proposal": "au 0661234567"},
    )
    assert phone.status_code == 422 and 'data-code="PHONE"' in phone.get_data(as_text=True)
    sent = asker.post(
        f"/offers/{offer_id}/claim",
        data={"csrf_token": token, "answer-student": "yes", "pickup_proposal": "Samedi"},
    )
    assert sent.status_code == 302


# --- referrals and the review queue -----------------------------------------------------


def test_a_referral_for_an_unknown_username_is_said_beside_it(logged_in: Browser) -> None:
    admin = UserFactory()
    association = make.association("Amal Salé", admin=admin)
    page = logged_in(admin)
    url = f"/offers/referrals/{association.id}"
    token = csrf_token(page, url)
    refused = page.post(url, data={"csrf_token": token, "username": "nobody-here"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _reason(html, "rf-user")
    assert 'value="nobody-here"' in html and _count(Referral) == 0
    person = UserFactory()
    made = page.post(url, data={"csrf_token": token, "username": person.username})
    assert made.status_code == 200 and "<code>" in made.get_data(as_text=True)
    assert _count(Referral) == 1
    outsider = logged_in(UserFactory())
    assert (
        outsider.post(
            url, data={"csrf_token": csrf_token(outsider), "username": person.username}
        ).status_code
        == 403
    )
    assert _count(Referral) == 1


def test_a_refusal_without_a_reason_is_said_at_its_post_in_the_queue(
    logged_in: Browser, city: Callable[..., int]
) -> None:
    offer_id = make.offer(UserFactory(), "Cours de maths", status="review")
    moderator = logged_in(UserFactory(is_admin=True))
    token = csrf_token(moderator, "/offers/review")
    refused = moderator.post(
        "/offers/review", data={"csrf_token": token, "offer_id": offer_id, "action": "refuse"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _reason(html, f"rv-reason-{offer_id}")
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).status == "review"
