"""The board's pages: the composer explains a refusal and keeps what was written, a published
offer shows its place and conditions, a request goes through the form and the author answers."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.db import db
from offers.models import Claim, Offer
from tests.conftest import csrf_token
from tests.factories import UserFactory


def _form(city_id: int, **changes: str) -> dict[str, str]:
    form = {
        "kind": "offer",
        "support_type": "tutoring",
        "city_id": str(city_id),
        "capacity": "3",
        "audience": "student",
        "free": "1",
        "title": "دروس الدعم في الرياضيات مجانا",
        "body": "ثلاث حصص في الأسبوع لتلاميذ الإعدادي بحي السلام.",
    }
    form.update(changes)
    return form


def test_the_composer_refuses_with_the_reasons_and_keeps_the_text(logged_in, vouched, city):
    page = logged_in(UserFactory(locale="ar"))
    token = csrf_token(page, "/offers/new")
    body = "دروس الدعم بثمن رمزي، عيطو على 0661234567"
    response = page.post("/offers/new", data={**_form(city(), body=body), "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-code="PAID"' in html and 'data-code="PHONE"' in html
    assert "لا تُعرض أرقام الهاتف" in html  # the PHONE rule, in the writer's language
    assert body in html  # nothing lost: the text is there to correct
    assert db.session.scalar(select(func.count(Offer.id))) == 0


def test_a_vouched_person_publishes_from_the_page_and_it_shows(logged_in, vouched, city, client):
    author = vouched()
    page = logged_in(author)
    token = csrf_token(page, "/offers/new")
    response = page.post("/offers/new", data={**_form(city("sale")), "csrf_token": token})
    assert response.status_code == 302
    offer_id = int(response.headers["Location"].rsplit("/", 1)[1])
    shown = client.get(f"/offers/{offer_id}", headers={"Accept-Language": "fr"})
    html = shown.get_data(as_text=True)
    assert 'dir="auto">دروس الدعم في الرياضيات مجانا' in html
    assert "Salé" in html and "Élèves et étudiants" in html and "3 places restantes" in html
    feed = client.get("/offers?type=tutoring", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    assert f'data-offer-id="{offer_id}"' in feed and 'lang="ar"' in feed and 'dir="rtl"' in feed


def test_asking_and_accepting_through_the_pages(logged_in, vouched, city):
    author = vouched()
    writer = logged_in(author)
    token = csrf_token(writer, "/offers/new")
    created = writer.post("/offers/new", data={**_form(city()), "csrf_token": token})
    offer_id = int(created.headers["Location"].rsplit("/", 1)[1])
    asker = UserFactory(display_name="Samira Asker")
    reader = logged_in(asker)
    token = csrf_token(reader, f"/offers/{offer_id}")
    sent = reader.post(
        f"/offers/{offer_id}/claim",
        data={"answer-student": "yes", "pickup_proposal": "السبت صباحا", "csrf_token": token},
    )
    assert sent.status_code == 302
    row = db.session.scalar(select(Claim).where(Claim.offer_id == offer_id))
    assert row.answers == {"student": True} and row.pickup_proposal == "السبت صباحا"
    mine = writer.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert "Samira Asker" in mine and f"/offers/claims/{row.id}/accept" in mine
    token = csrf_token(writer, f"/offers/{offer_id}")
    writer.post(f"/offers/claims/{row.id}/accept", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Claim, row.id).status == "accepted"
    # the two parties now see a button to write to each other about this request (not their
    # lasting direct chat: the purge deletes this one with the offer); a stranger sees none
    chat = f"/offers/claims/{row.id}/chat"
    after = reader.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert chat in after and f"/chat?with={author.id}" not in after
    answered = writer.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert chat in answered and "راسل Samira Asker" in answered
    stranger_client = logged_in(UserFactory())
    stranger = stranger_client.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert "Samira Asker" not in stranger and chat not in stranger
    token = csrf_token(reader, f"/offers/{offer_id}")
    opened = reader.post(chat, data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/chat/")
    page = reader.get(opened.headers["Location"]).get_data(as_text=True)
    assert "دروس الدعم في الرياضيات مجانا" in page
    token = csrf_token(writer, f"/offers/{offer_id}")
    again = writer.post(chat, data={"csrf_token": token})
    assert again.headers["Location"] == opened.headers["Location"]
    token = csrf_token(stranger_client, f"/offers/{offer_id}")
    assert stranger_client.post(chat, data={"csrf_token": token}).status_code == 404


def test_the_review_queue_and_the_given_page(logged_in, city, client):
    newcomer = UserFactory()
    page = logged_in(newcomer)
    token = csrf_token(page, "/offers/new")
    created = page.post("/offers/new", data={**_form(city()), "csrf_token": token})
    offer_id = int(created.headers["Location"].rsplit("/", 1)[1])
    waiting = page.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert "flash-info" in waiting  # number in line and the estimated wait
    moderator = logged_in(UserFactory(is_admin=True))
    queue = moderator.get("/offers/review").get_data(as_text=True)
    assert f"/offers/{offer_id}" in queue
    token = csrf_token(moderator, "/offers/review")
    moderator.post(
        "/offers/review",
        data={
            "csrf_token": token,
            "offer_id": offer_id,
            "action": "refuse",
            "reason": "Merci de préciser le quartier",
        },
    )
    refused = page.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert "Merci de préciser le quartier" in refused
    assert client.get("/offers/given").status_code == 200


def test_an_association_gives_a_known_to_us_code_that_the_author_sees(logged_in, vouched, city):
    from tests.directory.factories import AssociationFactory, MembershipFactory

    association = AssociationFactory(status="approved", name="Association Amal Salé")
    admin = UserFactory()
    MembershipFactory(association=association, user=admin, role="admin")
    person = UserFactory(display_name="Hind Person")
    db.session.commit()
    assert logged_in(UserFactory()).get(f"/offers/referrals/{association.id}").status_code == 403
    board = logged_in(admin)
    assert f"/offers/referrals/{association.id}" in board.get(
        f"/associations/{association.id}"
    ).get_data(as_text=True)
    token = csrf_token(board, f"/offers/referrals/{association.id}")
    made = board.post(
        f"/offers/referrals/{association.id}",
        data={"csrf_token": token, "username": person.username},
    )
    code = made.get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    author = vouched()
    writer = logged_in(author)
    token = csrf_token(writer, "/offers/new")
    created = writer.post("/offers/new", data={**_form(city()), "csrf_token": token})
    offer_id = int(created.headers["Location"].rsplit("/", 1)[1])
    asker = logged_in(person)
    token = csrf_token(asker, f"/offers/{offer_id}")
    asker.post(
        f"/offers/{offer_id}/claim",
        data={"answer-student": "yes", "referral_token": code, "csrf_token": token},
    )
    seen = writer.get(f"/offers/{offer_id}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Hind Person" in seen and "Association Amal Salé" in seen


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="card offer-card[^"]*" data-offer-id=.*?</li>', html, re.S)


def test_the_live_card_is_the_feeds_own_card_marked_new(client, api, vouched, post_offer):
    offer = post_offer(vouched(), title="Cours <b>gratuits</b> de maths")
    [in_feed] = _cards(client.get("/offers").get_data(as_text=True))
    response = client.get(f"/offers/{offer['id']}/card")
    assert response.status_code == 200
    [live] = _cards(response.get_json()["html"])
    assert "offer-fresh" in live and "badge-new" in live
    assert "offer-fresh" not in in_feed and "badge-new" not in in_feed
    unmarked = re.sub(r'<span class="badge badge-new">[^<]*</span> ', "", live)
    assert unmarked.replace(" offer-fresh", "") == in_feed
    assert "Cours &lt;b&gt;gratuits&lt;/b&gt; de maths" in live  # the author's words are text
    assert re.search(r"bi-geo-alt[^>]*></i> <bdi>[^<]+</bdi>", live)  # the city, named


def test_a_card_is_shown_to_whoever_may_read_its_offer(client, api, post_offer, logged_in):
    author = UserFactory()  # not vouched: the post waits for review
    offer = post_offer(author)
    assert offer["status"] == "review"
    assert client.get(f"/offers/{offer['id']}/card").status_code == 404
    assert logged_in(UserFactory()).get(f"/offers/{offer['id']}/card").status_code == 404
    mine = logged_in(author)
    assert f'data-offer-id="{offer["id"]}"' in mine.get(f"/offers/{offer['id']}/card").json["html"]
    [card] = _cards(mine.get("/offers/mine").get_data(as_text=True))
    assert f'data-offer-id="{offer["id"]}"' in card and "badge-warn" in card  # its status
    assert client.get("/offers/999999/card").status_code == 404
