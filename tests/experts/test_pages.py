"""The experts' pages: directory, become an expert, ask a specialist, a request's page with its
buttons, the expert's page with availability, the funnel."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from experts.models import Consultation, ConsultationOffer, ExpertProfile
from tests.conftest import csrf_token
from tests.experts.conftest import region_id


def test_becoming_an_expert_from_the_page_needs_the_statement(logged_in, people):
    browser = logged_in(people["stranger"])
    token = csrf_token(browser, "/experts/me")
    form = {
        "csrf_token": token,
        "headline": "Comptable bénévole",
        "domains": ["accounting"],
        "languages": ["fr"],
        "modes": ["question"],
        "region_ids": [str(region_id("souss-massa"))],
        "monthly_capacity": "2",
    }
    refused = browser.post("/experts/me", data=form)
    assert refused.status_code == 422
    assert 'id="ex-no-fee-error"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(ExpertProfile.id)) is None
    saved = browser.post("/experts/me", data={**form, "no_fee": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(ExpertProfile))
    assert row.domains == ["accounting"] and row.remote is False
    page = browser.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Comptable bénévole" in page and "expert-statement" in page
    listed = browser.get("/experts?domain=accounting").get_data(as_text=True)
    assert "Comptable bénévole" in listed
    assert "Comptable bénévole" not in browser.get("/experts?domain=legal").get_data(as_text=True)


def test_only_coordinators_reach_the_ask_form(logged_in, people, expert):
    assert logged_in(people["member"]).get("/experts/ask").status_code == 403
    person, _profile = expert()
    browser = logged_in(people["coordinator"])
    token = csrf_token(browser, "/experts/ask")
    sent = browser.post(
        "/experts/ask",
        data={
            "csrf_token": token,
            "association_id": str(people["assoc"]),
            "domain": "legal",
            "mode": "question",
            "language": "fr",
            "region_id": str(region_id("souss-massa")),
            "remote_ok": "y",
            "title": "Statuts à modifier",
            "question": "Comment modifier nos statuts pour ajouter une activité ?",
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    db.session.expire_all()
    row = db.session.scalar(select(Consultation))
    assert sent.headers["Location"].endswith(f"/experts/requests/{row.id}")
    assert "Statuts à modifier" in browser.get("/experts/requests").get_data(as_text=True)
    # the expert sees it among their offers and accepts it from its page
    expert_browser = logged_in(person)
    assert "Statuts à modifier" in expert_browser.get("/experts/offers").get_data(as_text=True)
    token = csrf_token(expert_browser, f"/experts/requests/{row.id}")
    accepted = expert_browser.post(f"/experts/requests/{row.id}/accept", data={"csrf_token": token})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, row.id).status == "accepted"
    closed = expert_browser.post(
        f"/experts/requests/{row.id}/close", data={"csrf_token": token, "answer": ""}
    )
    assert closed.status_code == 422
    closed = expert_browser.post(
        f"/experts/requests/{row.id}/close",
        data={"csrf_token": token, "answer": "Une AG extraordinaire, puis le dépôt du PV."},
    )
    assert closed.status_code == 302
    rated = browser.post(
        f"/experts/requests/{row.id}/rate",
        data={"csrf_token": csrf_token(browser, f"/experts/requests/{row.id}"), "rating": "5"},
    )
    assert rated.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, row.id).status == "rated"


def test_a_stranger_reading_a_request_gets_404(logged_in, people, expert, ask):
    expert()
    row = ask()
    assert logged_in(people["stranger"]).get(f"/experts/requests/{row['id']}").status_code == 404
    assert logged_in(people["member"]).get(f"/experts/requests/{row['id']}").status_code == 404
    assert logged_in(people["coordinator"]).get(f"/experts/requests/{row['id']}").status_code == 200


def test_going_unavailable_from_the_page(logged_in, people, expert, ask):
    person, profile = expert()
    _other, second = expert("Second")
    row = ask()
    browser = logged_in(person)
    token = csrf_token(browser, "/experts/offers")
    done = browser.post("/experts/me/availability", data={"csrf_token": token, "available": "0"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ExpertProfile, profile["id"]).available is False
    offers = db.session.scalars(
        select(ConsultationOffer.status).where(ConsultationOffer.consultation_id == row["id"])
    ).all()
    assert offers == ["withdrawn", "open"]
    assert second["id"]


def test_the_funnel_counts_each_step_per_domain(api, logged_in, people, expert, ask):
    person, _profile = expert(domains=["legal", "accounting"])
    held = ask()
    ask(title="Sans réponse")
    rated = ask(domain="accounting", title="Comptes annuels")
    ask(domain="psychosocial", title="Personne pour ça")  # no expert: requested only
    for row in (held, rated):
        api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    api(person).post(
        f"/api/v1/consultations/{rated['id']}/close",
        json={"answer": "Le bilan, le compte de résultat et l'annexe."},
    )
    api(people["coordinator"]).post(f"/api/v1/consultations/{rated['id']}/rate", json={"rating": 5})
    funnel = api(people["admin"]).get("/api/v1/experts/funnel").get_json()
    by_domain = {r["domain"]: r for r in funnel["items"]}
    assert by_domain["legal"] == {
        "domain": "legal",
        "requested": 2,
        "matched": 2,
        "held": 1,
        "rated": 0,
    }
    assert by_domain["accounting"] == {
        "domain": "accounting",
        "requested": 1,
        "matched": 1,
        "held": 1,
        "rated": 1,
    }
    assert by_domain["psychosocial"] == {
        "domain": "psychosocial",
        "requested": 1,
        "matched": 0,
        "held": 0,
        "rated": 0,
    }
    assert funnel["total"] == {"domain": "all", "requested": 4, "matched": 3, "held": 2, "rated": 1}
    assert api(people["coordinator"]).get("/api/v1/experts/funnel").status_code == 403
    assert logged_in(people["coordinator"]).get("/experts/funnel").status_code == 403
    page = logged_in(people["admin"]).get("/experts/funnel")
    assert page.status_code == 200 and page.get_data(as_text=True).count("<tr>") == 10
