"""Topics and posts in ``GET /api/v1/search``: Arabic, French and Arabizi; only what everybody
may read is found."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.forums.factories import make_reply, make_topic


def hits(api, q: str, scope: str = "posts") -> list[int]:
    response = api(None).get("/api/v1/search", query_string={"q": q, "scope": scope})
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_posts_are_found_in_arabic_french_and_arabizi(api, forum):
    topic, _ = make_topic(forum=forum, title="Bénévolat", body="Ouverture")
    arabic = make_reply(UserFactory(), topic, "نبحث عن متطوعين لتنظيم **المخيمات** الصيفية")
    french = make_reply(
        UserFactory(), topic, "Les associations rurales manquent de bénévoles formés."
    )
    arabizi = make_reply(UserFactory(), topic, "3andna mochkil kbir f tanzim dyal l'jam3iya")
    assert arabic.id in hits(api, "المخيم")  # light stemming: المخيمات ~ المخيم
    assert arabic.id in hits(api, "متطوع")
    assert french.id in hits(api, "association rurale")  # French stemming
    assert french.id in hits(api, "benevole")  # accents folded
    assert arabizi.id in hits(api, "tanzim")
    assert arabizi.id in hits(api, "jam3iya")
    items = (
        api(None)
        .get("/api/v1/search", query_string={"q": "benevole", "scope": "posts"})
        .json["items"]
    )
    hit = next(i for i in items if i["id"] == french.id)
    assert hit["type"] == "posts" and hit["url"].endswith("#post-3") and hit["title"] == "Bénévolat"


def test_topics_are_found_by_title(api, forum):
    topic, _ = make_topic(
        forum=forum, title="التمويل العمومي للجمعيات", body="أسئلة حول طلبات الدعم"
    )
    assert topic.id in hits(api, "تمويل", scope="topics")
    everything = api(None).get("/api/v1/search", query_string={"q": "تمويل", "scope": "all"}).json
    assert {"type": "topics", "id": topic.id} in [
        {"type": i["type"], "id": i["id"]} for i in everything["items"]
    ]


def test_hidden_deleted_and_held_posts_are_not_found(app, api, admin, forum):
    topic, _ = make_topic(forum=forum, title="Sujet ouvert", body="ordinaire")
    hidden = make_reply(UserFactory(), topic, "zanzibarique contenu masqué")
    author = UserFactory()
    deleted = make_reply(author, topic, "xylophonique message retiré")
    assert hits(api, "zanzibarique") == [hidden.id]
    api(admin).post(f"/api/v1/posts/{hidden.id}/moderate", json={"action": "hide"})
    api(author).delete(f"/api/v1/posts/{deleted.id}")
    assert hits(api, "zanzibarique") == []
    assert hits(api, "xylophonique") == []
    api(admin).post(f"/api/v1/posts/{hidden.id}/moderate", json={"action": "unhide"})
    assert hits(api, "zanzibarique") == [hidden.id]
    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(hold_first_posts=1)
    held = (
        api(UserFactory())
        .post(f"/api/v1/topics/{topic.id}/posts", json={"body": "quetzalcoatl"})
        .json
    )
    assert held["pending"] is True
    assert hits(api, "quetzalcoatl") == []
    api(admin).post(f"/api/v1/posts/{held['id']}/moderate", json={"action": "approve"})
    assert hits(api, "quetzalcoatl") == [held["id"]]


def test_hidden_topic_takes_its_posts_out_of_search(api, admin, forum):
    topic, first = make_topic(
        forum=forum, title="Ornithorynque secret", body="premier ornithorynque"
    )
    reply = make_reply(UserFactory(), topic, "deuxième ornithorynque")
    assert sorted(hits(api, "ornithorynque")) == sorted([first.id, reply.id])
    assert hits(api, "ornithorynque", scope="topics") == [topic.id]
    api(admin).patch(f"/api/v1/topics/{topic.id}", json={"hidden": True})
    assert hits(api, "ornithorynque") == []
    assert hits(api, "ornithorynque", scope="topics") == []
    api(admin).patch(f"/api/v1/topics/{topic.id}", json={"hidden": False})
    assert len(hits(api, "ornithorynque")) == 2


def test_edits_are_reindexed(api, user, forum):
    _topic, first = make_topic(author=user, forum=forum, body="ancienne version pamplemousse")
    assert hits(api, "pamplemousse") == [first.id]
    api(user).patch(f"/api/v1/posts/{first.id}", json={"body": "nouvelle version clémentine"})
    assert hits(api, "pamplemousse") == []
    assert hits(api, "clementine") == [first.id]
