"""A person's profile: avatar, name, "Message" (from messaging) and their associations (from
the directory), each offered through the registry, with the directory's privacy kept."""

from __future__ import annotations

from app.accounts import blocks
from app.db import db
from tests.conftest import csrf_token
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.messaging.factories import direct


def test_profile_offers_to_message_the_person(client, logged_in):
    karim, me = UserFactory(display_name="Karim Bennani"), UserFactory(locale="fr")
    html = logged_in(me).get(f"/users/{karim.id}").get_data(as_text=True)
    assert f'href="/chat?with={karim.id}"' in html
    assert ">KB</span>" in html  # initials when there is no picture
    conversation = direct(me, karim)
    html = logged_in(me).get(f"/users/{karim.id}").get_data(as_text=True)
    assert f'href="/chat/{conversation.id}"' in html  # straight to the chat they have
    assert "/chat?with=" not in client.get(f"/users/{karim.id}").get_data(as_text=True)
    assert "/chat?with=" not in logged_in(karim).get(f"/users/{karim.id}").get_data(as_text=True)


def test_no_message_button_between_blocked_people(logged_in):
    karim, me = UserFactory(), UserFactory()
    blocks.block(karim, me.id)
    db.session.commit()
    assert (
        "chat"
        not in logged_in(me)
        .get(f"/users/{karim.id}")
        .get_data(as_text=True)
        .split("<main", 1)[1]
        .split("</main>")[0]
    )


def test_profile_lists_associations_whose_members_the_viewer_may_see(client, logged_in):
    person = UserFactory()
    public = AssociationFactory(name="Association Ouverte")
    private = AssociationFactory(name="جمعية خاصة", members_visibility="members")
    MembershipFactory(association=public, user=person, role="coordinator")
    MembershipFactory(association=private, user=person)
    anonymous = client.get(f"/users/{person.id}", headers={"Accept-Language": "fr"})
    html = anonymous.get_data(as_text=True)
    assert "Association Ouverte" in html and "Coordinateur" in html
    assert "جمعية خاصة" not in html
    colleague = UserFactory()
    MembershipFactory(association=private, user=colleague)
    assert "جمعية خاصة" in logged_in(colleague).get(f"/users/{person.id}").get_data(as_text=True)
    admin = UserFactory(is_admin=True)
    assert "جمعية خاصة" in logged_in(admin).get(f"/users/{person.id}").get_data(as_text=True)


def test_association_page_offers_to_write_call_and_email(client, logged_in):
    association = AssociationFactory(
        name="جمعية الأمل", phone="+212 537 98 33 22", email="contact@alamal.ma"
    )
    visitor = client.get(f"/associations/{association.id}").get_data(as_text=True)
    assert 'href="tel:+212537983322"' in visitor and 'href="mailto:contact@alamal.ma"' in visitor
    assert 'name="association_id"' not in visitor  # writing needs an account
    person = UserFactory(locale="fr")
    browser = logged_in(person)
    page = browser.get(f"/associations/{association.id}").get_data(as_text=True)
    assert "Écrire à l&#39;association" in page
    token = csrf_token(browser, f"/associations/{association.id}")
    response = browser.post(
        "/chat/new", data={"association_id": association.id, "csrf_token": token}
    )
    assert response.status_code == 302 and "/chat/" in response.headers["Location"]
    again = browser.post("/chat/new", data={"association_id": association.id, "csrf_token": token})
    assert again.headers["Location"] == response.headers["Location"]  # one inbox thread each
    pending = AssociationFactory(status="pending", created_by_id=person.id)
    missing = browser.post("/chat/new", data={"association_id": pending.id, "csrf_token": token})
    assert missing.headers["Location"].endswith("/chat")
