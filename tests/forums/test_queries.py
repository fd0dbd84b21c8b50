"""A topic page and the forum index run a constant number of SQL statements, whatever the
number of posts, reactions, quotes and forums on them."""

from __future__ import annotations

from app.db import db
from forums import services
from tests.conftest import count_statements as counting
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, make_topic


def busy_topic(forum, posts: int):
    """A topic with ``posts`` replies by several people, quotes, mentions and reactions."""
    people = [UserFactory(username=f"p{posts}x{i}") for i in range(4)]
    topic, first = make_topic(author=people[0], forum=forum)
    for i in range(posts):
        who = people[i % len(people)]
        post = services.reply(
            who,
            topic,
            f"Réponse {i} @{people[(i + 1) % 4].username}",
            first.id if i % 3 == 0 else None,
        )
        services.react(people[(i + 2) % 4], post, topic, "like")
        services.react(people[(i + 3) % 4], post, topic, "thanks")
    db.session.commit()
    return topic


def statements_for(client, path: str) -> int:
    client.get(path)  # warm up: read marks, credential touch
    with counting() as statements:
        response = client.get(path)
        assert response.status_code == 200
    return len(statements)


def test_topic_page_query_count_is_constant(logged_in, api, forum):
    small = busy_topic(forum, 2)
    large = busy_topic(forum, 40)
    viewer = UserFactory()
    browser = logged_in(viewer)
    small_page = statements_for(browser, f"/topics/{small.id}")
    large_page = statements_for(browser, f"/topics/{large.id}?page=2")
    assert small_page == large_page, (small_page, large_page)
    client = api(viewer)
    small_api = statements_for(client, f"/api/v1/topics/{small.id}?per_page=100")
    large_api = statements_for(client, f"/api/v1/topics/{large.id}?per_page=100")
    assert small_api == large_api, (small_api, large_api)
    anonymous = api(None)
    assert statements_for(anonymous, f"/topics/{small.id}") == statements_for(
        anonymous, f"/topics/{large.id}"
    )


def test_forum_index_query_count_is_constant(logged_in, api):
    viewer = UserFactory()
    browser = logged_in(viewer)
    make_topic(forum=ForumFactory())
    few = statements_for(browser, "/forums")
    few_api = statements_for(api(viewer), "/api/v1/forums")
    for _ in range(12):
        make_topic(forum=ForumFactory(), replies=2)
    many = statements_for(browser, "/forums")
    many_api = statements_for(api(viewer), "/api/v1/forums")
    assert few == many, (few, many)
    assert few_api == many_api, (few_api, many_api)


def test_forum_topic_list_query_count_is_constant(api, forum):
    viewer = UserFactory()
    make_topic(forum=forum)
    few = statements_for(api(viewer), f"/api/v1/forums/{forum.id}/topics")
    for i in range(15):
        make_topic(forum=forum, author=UserFactory(), title=f"Sujet numéro {i}", replies=1)
    assert statements_for(api(viewer), f"/api/v1/forums/{forum.id}/topics") == few
