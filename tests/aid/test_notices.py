"""Telling a household its slot: an in-app notification to the person who registered their
own household (never the code), and an SMS-ready text in the household's language, counted in
SMS segments (GSM-7: 160 a segment; Arabic, UCS-2: 70)."""

from __future__ import annotations

import datetime as dt

from aid.notices import sms_segments
from tests.aid.conftest import household_body
from tests.conftest import csrf_token, login

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)


def _plan(api, aid, title="Hiver"):
    made = api(aid.coordinator).post(
        f"/api/v1/associations/{aid.a}/distributions",
        json={
            "title": title,
            "place_kind": "premises",
            "place": "Siège",
            "starts_at": START.isoformat(),
            "slots": 1,
        },
    )
    assert made.status_code == 201
    return made.get_json()


def _self_registered(api, aid, language):
    body = household_body(aid.province, association_id=aid.a)
    body["consent"]["language"] = language
    made = api(aid.outsider).post("/api/v1/households/self-register", json=body)
    assert made.status_code == 201
    household = made.get_json()
    verified = api(aid.admin).post(
        f"/api/v1/households/{household['id']}/verify", json={"method": "home_visit"}
    )
    assert verified.status_code == 200
    return household


def test_a_self_registered_household_is_notified_without_its_code(api, aid):
    household = _self_registered(api, aid, "fr")
    distribution = _plan(api, aid)
    assert api(aid.outsider).get("/api/v1/notifications").get_json()["items"] == []
    given = api(aid.coordinator).post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": household["id"]},
    )
    assert given.status_code == 201
    body = given.get_json()
    notes = api(aid.outsider).get("/api/v1/notifications").get_json()["items"]
    assert len(notes) == 1 and notes[0]["kind"] == "aid_slot"
    assert household["number"] in notes[0]["text"] and "Hiver" in notes[0]["text"]
    assert body["code"] not in str(notes)
    # the coordinator got the SMS, in French, with the code, in one GSM segment
    sms = body["sms"]
    assert sms["language"] == "fr" and sms["encoding"] == "gsm"
    assert body["code"] in sms["text"] and sms["segments"] == 1 and sms["length"] <= 160
    # nobody else is notified, the coordinator (the actor) neither
    assert api(aid.coordinator).get("/api/v1/notifications").get_json()["items"] == []


def test_an_assisted_household_gets_no_notification_and_an_arabic_sms(api, aid, verified):
    household = verified()  # consent language "ar", registered by the coordinator
    distribution = _plan(api, aid, title="قفة رمضان")
    given = api(aid.coordinator).post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": household["id"]},
    )
    sms = given.get_json()["sms"]
    assert sms["language"] == "ar" and sms["encoding"] == "ucs2" and sms["per_segment"] == 70
    assert given.get_json()["code"] in sms["text"] and "قفة رمضان" in sms["text"]
    assert sms["length"] == len(sms["text"])
    assert sms["segments"] == (1 if sms["length"] <= 70 else -(-sms["length"] // 67))
    for who in (aid.coordinator, aid.member, aid.outsider):
        assert api(who).get("/api/v1/notifications").get_json()["items"] == []


def test_the_page_shows_the_sms_with_its_count(app, api, aid, verified):
    household = verified()
    distribution = _plan(api, aid)
    browser = app.test_client()
    login(browser, aid.coordinator)
    token = csrf_token(browser, f"/aid/distributions/{distribution['id']}")
    page = browser.post(
        f"/aid/distributions/{distribution['id']}/entitlements",
        data={"household_id": household["id"], "csrf_token": token},
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "aid-sms" in html and "70" in html


def test_segments_are_counted_per_encoding():
    assert sms_segments("a" * 160) == {
        "encoding": "gsm",
        "length": 160,
        "segments": 1,
        "per_segment": 160,
    }
    assert sms_segments("a" * 161)["segments"] == 2
    assert sms_segments("€" * 80) == {
        "encoding": "gsm",
        "length": 160,
        "segments": 1,
        "per_segment": 160,
    }
    assert sms_segments("ب" * 70)["segments"] == 1
    assert sms_segments("ب" * 71) == {
        "encoding": "ucs2",
        "length": 71,
        "segments": 2,
        "per_segment": 70,
    }
    assert sms_segments("ب" * 135)["segments"] == 3
