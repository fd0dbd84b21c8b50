"""The topic's fragments: what ``topic.js`` fetches instead of building posts itself (the
same markup as the page, with the actions this reader may take, in the reader's language)."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import UserFactory
from tests.forums.factories import make_reply, make_topic

#: a form's CSRF token is signed with the second it was made: equal markup, other token
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _unsigned(html: str) -> str:
    return CSRF.sub('name="csrf_token"', html)


def test_posts_after_a_number_are_the_pages_markup(client: Any, logged_in: Any, forum: Any) -> None:
    author = UserFactory(display_name="Khadija")
    reader = UserFactory(locale="fr")
    topic, _first = make_topic(author=author, forum=forum, body="Qui vient ?", replies=2)
    browser = logged_in(reader)
    answer = browser.get(f"/topics/{topic.id}/items?after_number=1")
    assert answer.status_code == 200
    data = answer.json
    assert data["last_number"] == 3 and data["has_more"] is False
    html = data["html"]
    assert 'id="post-2"' in html and 'id="post-3"' in html and 'id="post-1"' not in html
    assert ">Citer<" in html and 'class="flag"' in html  # her actions, in her language
    assert f'href="/posts/{_first.id + 1}/edit"' not in html  # not hers to edit
    # the same markup as the page shows for the same post
    page = browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    item = html[html.index("<article") : html.index("</article>") + 10]
    assert _unsigned(item) in _unsigned(page)
    # an anonymous reader of a public topic gets it too, without the actions
    anonymous = client.get(f"/topics/{topic.id}/items?after_number=0").json["html"]
    assert 'id="post-1"' in anonymous and ">Citer<" not in anonymous
    # nothing new: an empty fragment, the number unchanged
    nothing = browser.get(f"/topics/{topic.id}/items?after_number=3").json
    assert nothing["html"].strip() == "" and nothing["last_number"] == 3


def test_posts_after_page_through_a_long_topic(logged_in: Any, forum: Any) -> None:
    topic, _first = make_topic(forum=forum, replies=24)
    reader = logged_in(UserFactory())
    first = reader.get(f"/topics/{topic.id}/items?after_number=0").json
    assert first["has_more"] is True and first["last_number"] == 20
    rest = reader.get(f"/topics/{topic.id}/items?after_number=20").json
    assert rest["has_more"] is False and rest["last_number"] == 25
    # the quote link of a post points at the page it is on
    assert f"/topics/{topic.id}?page=2&amp;quote=" in rest["html"]
    assert reader.get(f"/topics/{topic.id}/items?after_number=-5").status_code == 200


def test_one_post_fragment_is_the_stored_post_for_its_author(logged_in: Any, forum: Any) -> None:
    author = UserFactory()
    topic, _first = make_topic(author=author, forum=forum)
    reply = make_reply(author, topic, "premier jet")
    mine = logged_in(author).get(f"/posts/{reply.id}/item").json["html"]
    assert "premier jet" in mine and f'href="/posts/{reply.id}/edit"' in mine
    other = logged_in(UserFactory()).get(f"/posts/{reply.id}/item").json["html"]
    assert f'href="/posts/{reply.id}/edit"' not in other


def test_fragments_of_a_hidden_topic_are_not_found(api: Any, logged_in: Any, forum: Any) -> None:
    admin = UserFactory(is_admin=True)
    topic, first = make_topic(forum=forum)
    assert api(admin).patch(f"/api/v1/topics/{topic.id}", json={"hidden": True}).status_code == 200
    member = logged_in(UserFactory())
    assert member.get(f"/topics/{topic.id}/items?after_number=0").status_code == 404
    assert member.get(f"/posts/{first.id}/item").status_code == 404
