"""Each experts rule catches its examples in the writing styles and leaves its passes alone;
no rule fires on genuine requests and answers; a request or an answer breaking a rule is
refused with its codes and translated reasons (API) or the reason beside the field (page)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import db
from experts.models import Consultation
from experts.rules import RULES
from tests.conftest import csrf_token

CASES = [
    (rule.code, text) for rule in RULES.rules for texts in rule.examples.values() for text in texts
]
PASSES = [(rule.code, text) for rule in RULES.rules for text in rule.passes]
GENUINE = [
    "Quels documents déposer après l'élection du nouveau bureau ?",
    "كيف نعد التقرير المالي السنوي للجمع العام مع الوثائق المطلوبة من الممولين؟",
    "bghina n3rfo kifach nwjdo dossier dyal appel à projets l ateliers dyal qraya",
    "Partez des résultats attendus, puis un budget par activité avec les apports en nature.",
    "Notre budget annuel est de 85 000 DH, dont 20 000 DH de subvention communale.",
]


@pytest.mark.parametrize(("code", "text"), CASES)
def test_each_rule_catches_its_examples(app, code, text):
    assert code in [hit.code for hit in RULES.check(text)]


@pytest.mark.parametrize(("code", "text"), PASSES)
def test_each_rule_leaves_its_passes(app, code, text):
    assert code not in [hit.code for hit in RULES.check(text)]


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_texts_pass_every_rule(app, text):
    assert RULES.check(text) == []


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("Nous pouvons vous payer 500 DH pour relire nos statuts, merci d'avance.", "FEE"),
        ("Appelez notre présidente au 0661234567 pour les détails du dossier.", "PHONE"),
        ("La bénéficiaire Fatna, CIN JB412345, n'a pas reçu sa carte RAMED.", "PERSONAL_ID"),
        ("Tout est expliqué sur notre page facebook.com/amal.taroudant", "LINK"),
        ("Répondez-moi plutôt à amal.taroudant@gmail.com, c'est plus simple.", "EMAIL"),
    ],
)
def test_a_request_breaking_a_rule_is_refused_with_codes_and_reasons(api, people, question, code):
    from tests.experts.conftest import ask_body

    response = api(people["coordinator"]).post(
        "/api/v1/consultations", json=ask_body(people["assoc"], question=question)
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "expert_rules"
    hits = error["fields"]["hits"]
    assert code in [h["code"] for h in hits]
    assert all(h["message"] for h in hits) and error["fields"]["question"]
    assert db.session.scalar(select(Consultation.id)) is None


def test_the_reason_is_translated(api, people):
    from tests.experts.conftest import ask_body

    response = api(people["coordinator"]).post(
        "/api/v1/consultations",
        json=ask_body(people["assoc"], question="Combien coûte une séance avec vous ?"),
        headers={"Accept-Language": "ar"},
    )
    hit = response.get_json()["error"]["fields"]["hits"][0]
    assert hit["code"] == "FEE" and "مجان" in hit["message"]


def test_an_answer_breaking_a_rule_is_refused_and_nothing_changes(api, people, expert, ask):
    person, _p = expert("Answers")
    row = ask()
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    refused = api(person).post(
        f"/api/v1/consultations/{row['id']}/close",
        json={"answer": "Mes honoraires pour le suivi sont de 300 DH, écrivez-moi au 0612345678"},
    )
    assert refused.status_code == 422
    codes = {h["code"] for h in refused.get_json()["error"]["fields"]["hits"]}
    assert codes == {"FEE", "PHONE"}
    db.session.expire_all()
    assert db.session.get(Consultation, row["id"]).status == "accepted"
    ok = api(person).post(
        f"/api/v1/consultations/{row['id']}/close",
        json={"answer": "Déposez le PV de l'AG et la liste du bureau à l'autorité locale."},
    )
    assert ok.status_code == 200


def test_the_ask_page_shows_the_reason_beside_the_question(logged_in, people, ref):
    browser = logged_in(people["coordinator"])
    token = csrf_token(browser, "/experts/ask")
    page = browser.post(
        "/experts/ask",
        data={
            "csrf_token": token,
            "association_id": str(people["assoc"]),
            "domain": "legal",
            "mode": "question",
            "language": "fr",
            "title": "Statuts",
            "question": "Appelez notre présidente au 0661234567 pour les détails du dossier.",
            "remote_ok": "y",
        },
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Phone numbers are not shown" in html
    assert db.session.scalar(select(Consultation.id)) is None


def test_held_session_notes_pass_the_rules_too(api, people, expert, ask, monkeypatch):
    import datetime as dt

    from experts import sessions
    from experts.models import ExpertSession
    from tests.experts.test_sessions import ALL_WEEK

    person, _p = expert("Notes", modes=["session"], weekly_slots=ALL_WEEK)
    row = ask(mode="session")
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    hour = (
        api(people["coordinator"])
        .get(f"/api/v1/consultations/{row['id']}/free-hours")
        .get_json()["items"][0]
    )
    booked = (
        api(people["coordinator"])
        .post(f"/api/v1/consultations/{row['id']}/session", json={"starts_at": hour})
        .get_json()
    )
    monkeypatch.setattr(
        sessions, "utcnow", lambda: dt.datetime.fromisoformat(hour) + dt.timedelta(minutes=5)
    )
    refused = api(person).post(
        f"/api/v1/sessions/{booked['id']}/held", json={"notes": "Suite payante : 200 DH par heure"}
    )
    assert refused.status_code == 422
    assert [h["code"] for h in refused.get_json()["error"]["fields"]["hits"]] == ["FEE"]
    db.session.expire_all()
    assert db.session.get(ExpertSession, booked["id"]).status == "booked"
    assert db.session.get(Consultation, row["id"]).status == "accepted"
