"""The chat's fragments: what ``chat.js`` fetches instead of building messages and
conversations itself (the same markup as the page, in the reader's language and zone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.db import db
from messaging.models import Message
from tests.factories import UserFactory
from tests.messaging.factories import direct, group


def _send(api: Any, who: Any, conv: Any, body: str, client_id: str) -> int:
    sent = api(who).post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": body, "client_id": client_id}
    )
    assert sent.status_code == 201, sent.json
    return int(sent.json["id"])


def test_catch_up_fragment_is_the_pages_markup_after_an_id(logged_in: Any, api: Any) -> None:
    amina = UserFactory(display_name="أمينة", locale="fr", timezone="Africa/Casablanca")
    karim = UserFactory(display_name="Karim")
    conv = direct(amina, karim)
    first = _send(api, karim, conv, "Salam **Amina**", "k1")
    second = _send(api, amina, conv, "<script>x()</script> bien reçu", "a1")
    client = logged_in(amina)

    answer = client.get(f"/chat/{conv.id}/messages?after_id={first}")
    assert answer.status_code == 200
    html, more = answer.json["html"], answer.json["has_more"]
    assert more is False
    assert f'data-message-id="{second}"' in html and f'data-message-id="{first}"' not in html
    assert 'class="message mine sent"' in html and ">Vous<" in html  # in her language
    assert 'data-action="edit"' in html and "<script>" not in html

    everything = client.get(f"/chat/{conv.id}/messages?after_id=0").json["html"]
    assert "<strong>Amina</strong>" in everything and ">Karim<" in everything
    # the same markup as the page renders for the same message
    page = client.get(f"/chat/{conv.id}").get_data(as_text=True)
    item = everything[everything.index("<li") : everything.index("</li>") + 5]
    assert item in page


def test_fragments_page_back_and_forth_in_order(logged_in: Any, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    ids = [_send(api, a, conv, f"m{n}", f"c{n}") for n in range(5)]
    client = logged_in(b)
    newest = client.get(f"/chat/{conv.id}/messages?limit=2").json
    assert newest["has_more"] is True
    assert newest["html"].index(f'"{ids[3]}"') < newest["html"].index(f'"{ids[4]}"')
    older = client.get(f"/chat/{conv.id}/messages?before_id={ids[3]}&limit=2").json
    assert f'"{ids[1]}"' in older["html"] and f'"{ids[2]}"' in older["html"]
    assert f'"{ids[3]}"' not in older["html"]
    after = client.get(f"/chat/{conv.id}/messages?after_id={ids[0]}&limit=3").json
    assert after["has_more"] is True and f'"{ids[4]}"' not in after["html"]
    # nonsense bounds are ignored, not errors
    assert client.get(f"/chat/{conv.id}/messages?after_id=-4&limit=0").status_code == 200


def test_one_message_fragment_shows_its_edit_and_deletion(logged_in: Any, api: Any) -> None:
    a, b = UserFactory(locale="ar"), UserFactory()
    conv = direct(a, b)
    mid = _send(api, b, conv, "avant", "b1")
    assert api(b).patch(f"/api/v1/messages/{mid}", json={"body": "après"}).status_code == 200
    client = logged_in(a)
    html = client.get(f"/chat/{conv.id}/messages/{mid}").json["html"]
    assert "après" in html and "avant" not in html
    assert 'data-action="edit"' not in html  # not hers to edit
    assert api(b).delete(f"/api/v1/messages/{mid}").status_code == 200
    html = client.get(f"/chat/{conv.id}/messages/{mid}").json["html"]
    assert 'class="message deleted"' in html and "après" not in html


def test_fragments_are_for_members_only(logged_in: Any, api: Any, client: Any) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    other = direct(a, stranger)
    mid = _send(api, a, conv, "privé", "p1")
    outsider = logged_in(stranger)
    assert outsider.get(f"/chat/{conv.id}/messages").status_code == 404
    assert outsider.get(f"/chat/{conv.id}/messages/{mid}").status_code == 404
    # a message asked for under another conversation's address is not found
    assert logged_in(a).get(f"/chat/{other.id}/messages/{mid}").status_code == 404
    assert client.get(f"/chat/{conv.id}/messages").status_code in (302, 401)


def test_conversation_list_fragment_marks_the_open_one(logged_in: Any, api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(display_name="Karim"), UserFactory()
    conv = direct(a, b)
    team = group(a, b, c, title="Caravane Azilal")
    _send(api, b, conv, "salam", "k1")
    _send(api, c, team, "réunion demain", "c1")
    answer = logged_in(a).get(f"/chat/list?current={team.id}").json
    assert answer["unread_total"] == 2
    html = answer["html"]
    assert f'data-conversation="{team.id}" aria-current="true"' in html
    assert "Caravane Azilal" in html and "Karim" in html and "réunion demain" in html
    # the open conversation shows no unread figure; the other does
    assert html.count("data-unread hidden>0<") == 1 and "data-unread>1<" in html
    db.session.expire_all()
    assert db.session.query(Message).count() == 2


def test_fragments_time_is_in_the_readers_zone(logged_in: Any, api: Any) -> None:
    a = UserFactory(timezone="Asia/Tokyo", locale="fr")
    b = UserFactory()
    conv = direct(a, b)
    mid = _send(api, b, conv, "l'heure", "t1")
    stored = db.session.get(Message, mid)
    assert stored is not None
    tokyo = stored.created_at.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9)))
    html = logged_in(a).get(f"/chat/{conv.id}/messages/{mid}").json["html"]
    assert tokyo.strftime("%H:%M") in html
