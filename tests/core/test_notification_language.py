"""A notification is kept as its message and parameters and written in each reader's
language: a French reader's action reaches an Arabic reader in Arabic and an English one in
English, on the page (names in <bdi>), in the API, in the live push and in the digest."""

from __future__ import annotations

import pytest

from app.db import db
from app.notifications.models import Notification
from forums.models import Watch
from tests.factories import UserFactory
from tests.forums.factories import make_topic
from tests.support.sockets import Inbox

REPLIED = {
    "ar": "ردّ <bdi>Youssef Benali</bdi> في «<bdi>جمعيات الأطلس</bdi>»",
    "fr": "<bdi>Youssef Benali</bdi> a répondu dans « <bdi>جمعيات الأطلس</bdi> »",
    "en": "<bdi>Youssef Benali</bdi> replied in “<bdi>جمعيات الأطلس</bdi>”",
}


def _reply_by_a_french_reader(api, watchers):
    owner = UserFactory()
    topic, _ = make_topic(author=owner, title="جمعيات الأطلس")
    for watcher in watchers:
        db.session.add(Watch(user_id=watcher.id, topic_id=topic.id))
    db.session.commit()
    youssef = UserFactory(display_name="Youssef Benali", locale="fr")
    response = api(youssef).post(
        f"/api/v1/topics/{topic.id}/posts",
        json={"body": "Très bonne idée"},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 201
    return topic


def test_stored_as_message_and_parameters_never_as_text(api):
    reader = UserFactory(locale="ar")
    _reply_by_a_french_reader(api, [reader])
    note = db.session.query(Notification).filter_by(user_id=reader.id).one()
    assert note.text == ""
    assert note.message["_msg"] == "%(name)s replied in “%(title)s”"
    assert note.message["_params"] == {"name": "Youssef Benali", "title": "جمعيات الأطلس"}


@pytest.mark.parametrize("locale", ["ar", "fr", "en"])
def test_the_page_speaks_the_reader_language(api, logged_in, locale):
    reader = UserFactory(locale=locale)
    _reply_by_a_french_reader(api, [reader])
    html = logged_in(reader).get("/notifications").get_data(as_text=True)
    expected = REPLIED[locale]
    if locale == "fr":  # the French catalogue's own quotes and spaces
        expected = expected.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    assert expected in html or REPLIED[locale] in html, html.split("<main", 1)[1][:1500]


def test_the_api_and_the_push_speak_the_recipient_language(api, sio_connect):
    arabic, english = UserFactory(locale="ar"), UserFactory(locale="en")
    socket = sio_connect(arabic, namespaces=["/notifications"])
    pushed = Inbox(socket, "notification_new", "/notifications")
    _reply_by_a_french_reader(api, [arabic, english])
    assert pushed.wait()
    assert pushed.items[0]["notification"]["text"] == "ردّ Youssef Benali في «جمعيات الأطلس»"
    listed = api(english).get("/api/v1/notifications").get_json()["items"]
    assert listed[0]["text"] == "Youssef Benali replied in “جمعيات الأطلس”"
