"""A closed consultation becomes a redacted question-and-answer page of the library: both
sides consent, the proposed text is redacted, either side edits and publishes it, the library
shows "answered by an expert of the network" with the domain and never the association;
withdrawing a consent cancels it; a platform administrator takes it out afterwards."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from directory import Association
from experts.models import Publication
from library.knowledge.models import KnowledgePage
from tests.conftest import csrf_token

QUESTION = (
    "Je suis Fatima Benali, trésorière de l'Association Amal Taroudant. Notre bureau a été "
    "renouvelé : quels documents déposer auprès de l'autorité locale, et dans quel délai ?"
)
ANSWER = (
    "Bonjour Fatima. Déposez dans les 30 jours le procès-verbal de l'assemblée générale, la "
    "liste des membres du bureau et les statuts à jour. Le récépissé vaut preuve du dépôt. "
    "Salma Idrissi"
)


def _closed(api, people, expert, ask):
    """The coordinator Fatima asked, the expert Salma answered and closed."""
    people["coordinator"].display_name = "Fatima Benali"
    db.session.commit()
    person, _profile = expert("Salma Idrissi")
    row = ask(question=QUESTION)
    path = f"/api/v1/consultations/{row['id']}"
    assert api(person).post(f"{path}/accept").status_code == 200
    closed = api(person).post(f"{path}/close", json={"answer": ANSWER})
    assert closed.status_code == 200, closed.get_json()
    return person, row["id"], path


def test_both_consents_then_a_redacted_page_in_the_library(api, people, expert, ask, logged_in):
    person, cid, path = _closed(api, people, expert, ask)
    coordinator, stranger = people["coordinator"], people["stranger"]
    # denied: a stranger sees nothing; a member of the association, a platform admin and a
    # single consent cannot publish
    assert api(stranger).post(f"{path}/publication/consent").status_code == 404
    assert api(people["member"]).post(f"{path}/publication/consent").status_code == 404
    assert api(people["admin"]).post(f"{path}/publication/consent").status_code == 403
    one = api(coordinator).post(f"{path}/publication/consent")
    assert one.status_code == 200 and one.get_json()["association_consented"]
    assert not one.get_json()["expert_consented"] and one.get_json()["answer"] == ""
    early = api(coordinator).post(f"{path}/publication", json={})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "consent_missing"
    # the expert consents: the redacted text is proposed
    both = api(person).post(f"{path}/publication/consent").get_json()
    assert both["association_consented"] and both["expert_consented"]
    for gone in ("Fatima", "Benali", "Amal Taroudant", "Salma", "Idrissi"):
        assert gone not in both["question"] + both["answer"], gone
    assert "procès-verbal" in both["answer"] and "[…]" in both["question"]
    # the page: the proposed text in the form; a leak put back is refused, beside its field
    browser = logged_in(person)
    page = browser.get(f"/experts/requests/{cid}/publication", headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and "procès-verbal".encode() in page.data
    token = csrf_token(browser, f"/experts/requests/{cid}/publication")
    leaked = browser.post(
        f"/experts/requests/{cid}/publication",
        data={
            "csrf_token": token,
            "title": both["title"],
            "question": both["question"] + " Appelez le 0612345678.",
            "answer": both["answer"] + " Association Amal Taroudant",
        },
        headers={"Accept-Language": "fr"},
    )
    assert leaked.status_code == 422
    text = leaked.get_data(as_text=True)
    assert "un numéro de téléphone" in text and "le nom de l'association" in text
    assert db.session.scalar(select(KnowledgePage.id)) is None
    named = api(coordinator).post(
        f"{path}/publication", json={"answer": "Merci Fatima : déposez le PV sous 30 jours."}
    )
    assert named.status_code == 422 and "answer" in named.get_json()["error"]["fields"]
    # published with an edit
    edited = both["answer"] + "\n\nGardez une copie tamponnée."
    done = browser.post(
        f"/experts/requests/{cid}/publication",
        data={
            "csrf_token": token,
            "title": "Renouvellement du bureau : que déposer ?",
            "question": both["question"],
            "answer": edited,
        },
    )
    assert done.status_code == 302
    state = api(coordinator).get(f"{path}/publication").get_json()
    assert state["status"] == "published" and state["page_id"]
    # the library page: public, the expert's domain, no association, no name
    visitor = api(None)
    library_page = visitor.get(
        f"/library/pages/{state['page_id']}", headers={"Accept-Language": "fr"}
    )
    assert library_page.status_code == 200
    html = library_page.get_data(as_text=True)
    assert "Répondu par un expert du réseau" in html and "Juridique" in html
    assert "Gardez une copie tamponnée." in html
    association = db.session.get(Association, people["assoc"])
    for gone in (association.name, "Fatima", "Salma", "Idrissi", "Benali"):
        assert gone not in html, gone
    stored = db.session.get(KnowledgePage, state["page_id"])
    assert stored.association_id is None and stored.visibility == "public"
    # settled: no withdrawal, no second publication; only a platform admin takes it out
    assert api(person).delete(f"{path}/publication/consent").status_code == 409
    assert api(person).post(f"{path}/publication", json={}).status_code == 409
    assert api(coordinator).delete(f"{path}/publication").status_code == 403
    out = api(people["admin"]).delete(f"{path}/publication")
    assert out.status_code == 200 and out.get_json()["status"] == "unpublished"
    assert visitor.get(f"/library/pages/{state['page_id']}").status_code == 404
    assert api(people["admin"]).get(f"/library/pages/{state['page_id']}").status_code == 200
    assert api(people["admin"]).delete(f"{path}/publication").status_code == 409


def test_withdrawing_a_consent_before_publication_cancels_it(api, people, expert, ask, logged_in):
    person, cid, path = _closed(api, people, expert, ask)
    coordinator = people["coordinator"]
    # from the pages: both consent with the buttons
    for who in (coordinator, person):
        browser = logged_in(who)
        token = csrf_token(browser, f"/experts/requests/{cid}")
        answer = browser.post(
            f"/experts/requests/{cid}/publication/consent", data={"csrf_token": token}
        )
        assert answer.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(Publication))
    assert row.both_consented() and row.answer
    # the expert withdraws (page button): nothing proposed, publishing refused
    browser = logged_in(person)
    token = csrf_token(browser, f"/experts/requests/{cid}")
    browser.post(f"/experts/requests/{cid}/publication/withdraw", data={"csrf_token": token})
    db.session.expire_all()
    row = db.session.scalar(select(Publication))
    assert row.expert_consent_at is None and row.answer == "" and row.status == "pending"
    refused = api(coordinator).post(f"{path}/publication", json={})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "consent_missing"
    assert browser.get(f"/experts/requests/{cid}/publication").status_code == 302
    # withdrawing what one never gave is refused; a stranger is not told anything
    assert api(person).delete(f"{path}/publication/consent").status_code == 409
    assert api(people["stranger"]).delete(f"{path}/publication/consent").status_code == 404
    assert db.session.scalar(select(KnowledgePage.id)) is None


def test_an_open_consultation_cannot_be_published(api, people, expert, ask):
    person, _profile = expert("Salma Idrissi")
    row = ask()
    path = f"/api/v1/consultations/{row['id']}"
    assert api(person).post(f"{path}/accept").status_code == 200
    for who in (people["coordinator"], person):
        refused = api(who).post(f"{path}/publication/consent")
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_closed"
