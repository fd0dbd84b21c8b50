"""Remote images are not fetched on view (issue 15, item 15): Markdown images in messages and
forum posts become a link "image: <host>" that the reader opens on purpose, so a sender
cannot learn when and from where a message was read."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.forums.factories import ForumFactory
from tests.messaging.factories import direct

TRACKER = "https://tracker.example/pixel.png?to=amina"
BODY = f"Salam ![le plan]({TRACKER})"
LINK = '<a href="https://tracker.example/pixel.png?to=amina" title="le plan"'


def test_a_direct_message_image_is_a_link_to_open_on_purpose(api, logged_in):
    sender, reader = UserFactory(), UserFactory()
    conv = direct(sender, reader)
    sent = api(sender).post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": BODY, "client_id": "img1"}
    )
    assert sent.status_code == 201, sent.json
    html = sent.json["body_html"]
    assert "<img" not in html
    assert LINK in html and "image: tracker.example</a>" in html
    listed = api(reader).get(f"/api/v1/conversations/{conv.id}/messages").json["items"]
    assert "<img" not in listed[-1]["body_html"]
    page = logged_in(reader).get(f"/chat/{conv.id}").get_data(as_text=True)
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "tracker.example" in main and "<img" not in main


def test_a_forum_post_image_is_a_link_too(api, user, client):
    forum = ForumFactory()
    created = api(user).post(
        f"/api/v1/forums/{forum.id}/topics", json={"title": "Plan du local", "body": BODY}
    )
    assert created.status_code == 201, created.json
    topic_id = created.json["topic"]["id"]
    post_html = api(None).get(f"/api/v1/topics/{topic_id}").json["posts"]["items"][0]["body_html"]
    assert "<img" not in post_html and LINK in post_html
    page = client.get(f"/topics/{topic_id}").get_data(as_text=True)
    assert "image: tracker.example" in page and "tracker.example/pixel.png" in page
    assert '<img src="https://tracker' not in page
