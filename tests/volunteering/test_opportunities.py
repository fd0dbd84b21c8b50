"""Calls for volunteers through the API: who may publish and edit, the rules that refuse fees,
commercial and electoral aims, and search by words, skill, place, remote and date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.db import db
from tests.volunteering.conftest import opportunity_body
from volunteering.models import Opportunity, Role, Shift


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Opportunity.id))) or 0


def test_a_coordinator_publishes_roles_and_shifts(api, vol, publish):
    made = publish()
    assert made["status"] == "open" and made["association_name"] == "Qafilati Souss"
    assert [r["quota"] for r in made["roles"]] == [5, 2]
    assert made["shifts"][0]["places_left"] == 3
    assert "تارودانت" in made["place"]  # the default locale is Arabic
    assert db.session.scalar(select(func.count(Role.id))) == 2
    assert db.session.scalar(select(func.count(Shift.id))) == 1


def test_members_outsiders_and_anonymous_may_not_publish(api, vol):
    for who, status in ((vol.member, 403), (vol.outsider, 403), (None, 401)):
        response = api(who).post("/api/v1/opportunities", json=opportunity_body(vol))
        assert response.status_code == status, response.get_json()
        assert "error" in response.get_json()
    assert _count() == 0


def test_a_stranger_may_not_edit_an_opportunity(api, vol, publish):
    made = publish()
    response = api(vol.outsider).patch(
        f"/api/v1/opportunities/{made['id']}", json={"title": "Pris"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    missing = api(vol.outsider).patch("/api/v1/opportunities/999999", json={"title": "x"})
    assert missing.status_code == 404
    db.session.expire_all()
    assert db.session.get(Opportunity, made["id"]).title.startswith("Caravane")


def test_a_fee_charged_to_volunteers_is_refused_with_the_rule_explained_in_french(api, vol):
    body = opportunity_body(
        vol, description="Frais d'inscription de 300 DH par bénévole, à payer sur place."
    )
    response = api(vol.coordinator).post(
        "/api/v1/opportunities", json=body, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "volunteering_rules"
    fee = next(h for h in error["fields"]["hits"] if h["code"] == "FEE")
    assert fee["action"] == "block" and "300 DH" in fee["excerpt"]
    assert "bénévoles ne paient jamais" in fee["message"]
    assert _count() == 0


def test_a_fee_in_darija_is_refused_in_arabic(api, vol):
    body = opportunity_body(vol, description="خاص كل متطوع يخلص 150 درهم ديال التسجيل")
    response = api(vol.coordinator).post(
        "/api/v1/opportunities", json=body, headers={"Accept-Language": "ar"}
    )
    assert response.status_code == 422
    hits = response.get_json()["error"]["fields"]["hits"]
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in h["message"]) for h in hits)


def test_electoral_and_phone_posts_are_refused_and_no_cost_is_not_a_fee(api, vol, publish):
    for text, code in (
        ("Bénévoles pour la campagne électorale de notre candidat", "ELECTORAL"),
        ("Contactez Karim au 06 61 23 45 67", "PHONE"),
        ("bghina benevoles bach nbi3o produits dyal charika", "COMMERCIAL"),
    ):
        response = api(vol.coordinator).post(
            "/api/v1/opportunities", json=opportunity_body(vol, description=text)
        )
        assert response.status_code == 422, text
        assert code in [h["code"] for h in response.get_json()["error"]["fields"]["hits"]]
    assert _count() == 0
    publish(description="Participation gratuite, sans aucun frais pour les bénévoles.")


def test_a_contractual_opportunity_is_for_adults(api, vol, publish):
    made = publish(contractual=True, min_age=16)
    assert made["min_age"] == 18 and made["contractual"] is True


def test_place_or_remote_is_required(api, vol, publish):
    response = api(vol.coordinator).post(
        "/api/v1/opportunities", json=opportunity_body(vol, city_id=None)
    )
    assert response.status_code == 422 and "city_id" in response.get_json()["error"]["fields"]
    assert publish(city_id=None, remote=True)["remote"] is True


def test_search_by_words_skill_place_remote_and_date(api, vol, publish):
    school = publish()
    online = publish(
        title="دعم مدرسي عن بعد لتلاميذ الإعدادي",
        description="ساعتان في الأسبوع عبر الفيديو لمرافقة التلاميذ في الرياضيات.",
        skills=["teaching"],
        city_id=None,
        remote=True,
    )
    client = api(None)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/opportunities?{query}")
        assert response.status_code == 200, response.get_json()
        return [o["id"] for o in response.get_json()["items"]]

    assert ids("q=rénovation") == [school["id"]]
    assert ids("q=renovation") == [school["id"]]  # accents folded
    assert ids("q=المدرسي") == [online["id"]]  # Arabic light stemming
    assert ids("skill=teaching") == [online["id"]]
    assert ids("remote=true") == [online["id"]]
    assert ids(f"province={school['province_id']}") == [school["id"]]
    day = dt.date.fromisoformat(school["starts_on"]) + dt.timedelta(days=1)
    assert set(ids(f"date={day.isoformat()}")) == {school["id"], online["id"]}
    later = dt.date.fromisoformat(school["ends_on"]) + dt.timedelta(days=40)
    assert ids(f"date={later.isoformat()}") == []
    facets = client.get("/api/v1/opportunities").get_json()["facets"]
    assert facets["skill"]["teaching"] == 1


def test_a_closed_opportunity_leaves_the_search(api, vol, publish):
    made = publish()
    closed = api(vol.coordinator).patch(
        f"/api/v1/opportunities/{made['id']}", json={"status": "closed"}
    )
    assert closed.status_code == 200 and closed.get_json()["closed_reason"] == "closed"
    assert api(None).get("/api/v1/opportunities").get_json()["items"] == []
    assert api(None).get(f"/api/v1/opportunities/{made['id']}").status_code == 200
