"""Every field other people see, filled with each XSS corpus entry through the JSON API, then
read back on every page (and JSON ``*_html`` field, Atom feed, SVG timeline) that shows it.

Each field's text starts with its own marker, so a page that should show a field and does not
(or shows it mangled) fails too: the check cannot pass by not rendering anything.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from markupsafe import escape

from tests.conftest import TEST_DATABASE_URL, token_for
from tests.factories import UserFactory
from tests.xss import (
    BIDI_CONTROLS,
    FIELDS,
    PAGES,
    XSS_CORPUS,
    XssWorld,
    assert_inert,
    assert_page_inert,
    bidi_leaks,
    build_world,
    field_value,
    format_path,
    marker,
)

# (viewer, JSON endpoint, fields it must carry); every "*_html" value in it must be inert.
JSON_ENDPOINTS: list[tuple[str, str, set[str]]] = [
    ("anonymous", "/api/v1/users/{w.founder.id}", {"display_name", "bio"}),
    (
        "anonymous",
        "/api/v1/associations/{w.association_id}",
        {
            "association_name",
            "association_name_alt",
            "association_description",
            "association_address",
        },
    ),
    ("anonymous", "/api/v1/associations?q={m[association_name]}", {"association_description"}),
    (
        "founder",
        "/api/v1/associations/{w.association_id}/members?status=pending",
        {"display_name", "join_message"},
    ),
    ("anonymous", "/api/v1/forums", {"forum_name", "forum_description", "topic_title"}),
    ("anonymous", "/api/v1/forums/{w.forum_id}/topics", {"display_name", "topic_title"}),
    (
        "anonymous",
        "/api/v1/topics/{w.topic_id}",
        {"display_name", "topic_title", "post_body", "reply_body"},
    ),
    ("anonymous", "/api/v1/posts/{w.reply_post_id}", {"reply_body"}),
    ("founder", "/api/v1/posts/{w.first_post_id}/revisions", {"post_body_before_edit"}),
    ("admin", "/api/v1/forums/moderation", {"topic_title", "post_body", "flag_details"}),
    (
        "anonymous",
        "/api/v1/projects/{w.project_id}",
        {
            "association_name",
            "project_title",
            "project_description",
            "milestone_title",
            "milestone_description",
            "activity_title",
            "activity_description",
            "activity_location",
        },
    ),
    ("anonymous", "/api/v1/milestones/{w.milestone_id}", {"milestone_title"}),
    ("anonymous", "/api/v1/activities/{w.activity_id}", {"activity_title"}),
    ("anonymous", "/api/v1/projects/{w.project_id}/comments", {"comment_body"}),
    ("anonymous", "/api/v1/projects/{w.project_id}/history", {"display_name", "project_title"}),
    ("member", "/api/v1/conversations", {"conversation_title", "message_body"}),
    ("member", "/api/v1/conversations/{w.conversation_id}", {"conversation_title"}),
    ("member", "/api/v1/conversations/{w.conversation_id}/messages", {"message_body"}),
    ("member", "/api/v1/notifications", {"association_name", "milestone_title"}),
    ("founder", "/api/v1/notifications", {"display_name", "topic_title"}),
    ("anonymous", "/api/v1/search?q={m[topic_title]}", {"topic_title"}),
    ("member", "/api/v1/documents/{w.document_id}", {"document_title"}),
    ("member", "/api/v1/pages/{w.page_id}", {"page_title", "page_body"}),
    (
        "member",
        "/api/v1/activity-reports/{w.report_id}",
        {"report_title", "report_outputs", "report_lessons"},
    ),
    (
        "anonymous",
        "/api/v1/offers/{w.offer_id}",
        {"offer_title", "offer_body", "offer_area", "offer_condition"},
    ),
    ("anonymous", "/api/v1/offers?type=tutoring", {"offer_title", "offer_area"}),
    ("anonymous", "/api/v1/offers/given", {"thanks_text"}),
    (
        "anonymous",
        "/api/v1/experts/{w.expert_id}",
        {"expert_headline", "expert_bio", "expert_conflicts"},
    ),
    (
        "founder",
        "/api/v1/consultations/{w.expert_request_id}",
        {"expert_request_title", "expert_request_question", "expert_answer"},
    ),
    (
        "anonymous",
        "/api/v1/campaigns/{w.campaign_id}",
        {"campaign_title", "campaign_story", "campaign_target", "budget_label"},
    ),
    (
        "anonymous",
        "/api/v1/campaigns/{w.campaign_id}/updates",
        {"campaign_update", "campaign_image_alt"},
    ),
    ("founder", "/api/v1/campaigns/{w.campaign_id}/expenses", {"expense_supplier"}),
    ("anonymous", "/api/v1/aid/needs", {"aid_douar"}),
    ("founder", "/api/v1/associations/{w.association_id}/kits", {"aid_kit_name"}),
    ("member", "/api/v1/grievances/{w.aid_grievance_id}", {"aid_grievance_body"}),
    (
        "anonymous",
        "/api/v1/opportunities/{w.vol_opp_id}",
        {"vol_title", "vol_description", "vol_role"},
    ),
    ("founder", "/api/v1/opportunities/{w.vol_opp_id}/applications", {"vol_message"}),
    (
        "member",
        "/api/v1/contracts/{w.vol_contract_id}",
        {"contract_tasks", "contract_expenses", "contract_insurance", "contract_end_reason"},
    ),
    (
        "founder",
        "/api/v1/consultations/{w.expert_request_id}/publication",
        {"expert_pub_title", "expert_pub_question", "expert_pub_answer"},
    ),
    (
        "founder",
        "/api/v1/caravans/{w.caravan_id}",
        {
            "car_title",
            "car_description",
            "car_douar",
            "car_component",
            "car_place",
            "car_role",
            "car_load",
            "car_story_ar",
            "car_story_fr",
        },
    ),
    ("anonymous", "/api/v1/caravans/{w.caravan_id}/schedule", {"car_component", "car_place"}),
    (
        "anonymous",
        "/api/v1/caravans/{w.caravan_id}/showcase",
        {"car_title", "car_douar", "car_story_ar", "car_story_fr"},
    ),
]


def test_every_shown_field_is_checked_on_some_page_and_in_json() -> None:
    on_pages = set().union(*(fields for _v, _p, fields in PAGES))
    assert on_pages == set(FIELDS)
    in_json = set().union(*(fields for _v, _p, fields in JSON_ENDPOINTS))
    # The pending association is seen by its founder and platform admins (HTML above).
    assert in_json == set(FIELDS) - {"pending_association_name"}


def _strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{path}[{index}]")
    elif isinstance(data, str):
        yield path, data


def check_pages(world: XssWorld, clients: dict[str, Any]) -> None:
    for who, template, fields in PAGES:
        path = format_path(template, world)
        response = clients[who].get(path)
        assert response.status_code == 200, (who, path, response.status_code)
        html = response.get_data(as_text=True)
        assert_page_inert(html)
        missing = {field for field in fields if marker(field) not in html}
        assert not missing, f"{path} as {who} does not show {missing}"
        leaks = bidi_leaks(html)
        assert not leaks, f"bidi controls outside an isolating element on {path}: {leaks}"


def check_json(world: XssWorld, clients: dict[str, Any]) -> None:
    for who, template, fields in JSON_ENDPOINTS:
        path = format_path(template, world)
        response = clients[who].get(path)
        assert response.status_code == 200, (who, path, response.status_code)
        values = list(_strings(response.get_json()))
        text = "\n".join(value for _path, value in values)
        missing = {field for field in fields if marker(field) not in text}
        assert not missing, f"{path} as {who} does not carry {missing}"
        for key, value in values:
            if key.endswith("_html"):
                assert_inert(value)
            else:
                # Plain-text fields (excerpts, previews, snippets too) are text, never
                # HTML-escaped: the page or the client escapes them once.
                assert "&lt;" not in value or "&lt;" in world.payload, (path, key, value)


def check_escaped_once(world: XssWorld, api_client: Any, page_client: Any) -> None:
    """Titles and names come out as the same text, escaped once: neither raw nor doubled."""
    shown = {
        f"/topics/{world.topic_id}": ("/api/v1/topics/{}", world.topic_id, ("topic", "title")),
        f"/associations/{world.association_id}": (
            "/api/v1/associations/{}",
            world.association_id,
            ("name",),
        ),
        f"/projects/{world.project_id}": ("/api/v1/projects/{}", world.project_id, ("title",)),
        f"/chat/{world.conversation_id}": (
            "/api/v1/conversations/{}",
            world.conversation_id,
            ("title",),
        ),
        f"/users/{world.member.id}": ("/api/v1/users/{}", world.member.id, ("display_name",)),
    }
    for path, (endpoint, item_id, keys) in shown.items():
        value: Any = api_client.get(endpoint.format(item_id)).get_json()
        for key in keys:
            value = value[key]
        assert value.startswith("qz"), value  # the marker: it really is the field's text
        html = page_client.get(path).get_data(as_text=True)
        assert str(escape(value)) in html, (path, value)


#: Escaping is the templates' and serializers' work, the same on both databases: the SQLite
#: pass tries every payload, the PostgreSQL pass one in eight (that PostgreSQL stores and gives
#: back each kind of text unchanged), which keeps the 46 worlds of ~60 objects each in one pass.
CORPUS_IDS = [
    (f"p{i:02d}", payload)
    for i, payload in enumerate(XSS_CORPUS)
    if not TEST_DATABASE_URL or i % 8 == 0 or i == len(XSS_CORPUS) - 1
]


@pytest.mark.parametrize("payload", [p for _i, p in CORPUS_IDS], ids=[i for i, _p in CORPUS_IDS])
def test_corpus_in_every_field_is_inert_everywhere(payload, api, client, logged_in) -> None:
    world = build_world(api, payload)
    pages = {
        "anonymous": client,
        "founder": logged_in(world.founder),
        "member": logged_in(world.member),
        "admin": logged_in(world.admin),
    }
    check_pages(world, pages)
    apis = {
        "anonymous": api(None),
        "founder": api(world.founder),
        "member": api(world.member),
        "admin": api(world.admin),
    }
    check_json(world, apis)
    check_escaped_once(world, apis["founder"], pages["founder"])
    check_feed(world, client)
    check_timeline_svg(world, client)


def test_names_lose_bidi_overrides_but_keep_marks(api, user) -> None:
    name = "\u202eevil.exe\u202c \u2067\u202dsalma\u2069 \u200fسلمى\u200e"
    patched = api(user).patch("/api/v1/me", json={"display_name": name})
    assert patched.status_code == 200
    assert patched.json["display_name"] == "evil.exe salma \u200fسلمى\u200e"
    registered = api(None).post(
        "/api/v1/auth/register",
        json={
            "username": "rlo-person",
            "email": "rlo@example.org",
            "password": "long enough password",
            "display_name": "\u202egnp.exe",
        },
    )
    assert registered.status_code == 201
    assert registered.json["display_name"] == "gnp.exe"
    only_controls = api(user).patch("/api/v1/me", json={"display_name": "\u202e\u202d"})
    assert only_controls.status_code == 422


def test_notification_text_cannot_be_reversed_by_a_name(api) -> None:
    """A name used to carry U+202E into "%(user)s asks to join %(name)s", reversing the
    rest of the sentence for the association's admins."""
    world = build_world(api, "\u202eevil")
    notes = api(world.founder).get("/api/v1/notifications").get_json()["items"]
    names = marker("display_name")
    texts = [n["text"] for n in notes if names in n["text"]]
    assert len(texts) >= 2  # the join requests and the mention
    for text in texts:
        after_name = text.split(names, 1)[1]
        name_and_words_after = after_name.split("qz", 1)[0]  # up to the next field's marker
        assert "evil" in name_and_words_after
        assert not BIDI_CONTROLS & set(name_and_words_after), text


ATOM = "{http://www.w3.org/2005/Atom}"


def check_feed(world: XssWorld, client: Any) -> None:
    response = client.get(f"/forums/{world.forum_id}/feed.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output; must parse
    assert any(marker("topic_title") in (t.text or "") for t in root.iter(f"{ATOM}title"))
    contents = list(root.iter(f"{ATOM}content"))
    assert contents
    for content in contents:
        assert content.get("type") == "html"
        assert marker("post_body") in (content.text or "")
        assert_inert(content.text or "")  # feed readers render this HTML


SVG_FORBIDDEN = {"script", "foreignObject", "a", "animate", "set", "iframe", "image", "use"}


def check_timeline_svg(world: XssWorld, client: Any) -> None:
    response = client.get(f"/projects/{world.project_id}/timeline.svg")
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output
    texts = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in SVG_FORBIDDEN, tag
        for name in element.attrib:
            local = name.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), (tag, name)
            assert local != "href", (tag, name)
        texts.append(element.text or "")
    joined = "\n".join(texts)
    assert marker("milestone_title") in joined and marker("project_title") in joined


# ------------------------------------------------------------------ pushed live over Socket.IO


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.arrived = threading.Condition()

    def on(self, client: Any, event: str, namespace: str) -> None:
        def handler(data: Any) -> None:
            with self.arrived:
                self.events.append((event, data))
                self.arrived.notify_all()

        client.on(event, handler, namespace=namespace)

    def wait_for(self, count: int, timeout: float = 10) -> list[tuple[str, Any]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.events) >= count, timeout)
            return list(self.events)


LIVE_PAYLOADS = [*XSS_CORPUS[:14], "\n\n".join(XSS_CORPUS)]


def test_live_chat_messages_carry_inert_html(api, sio_connect) -> None:
    founder, member = UserFactory(), UserFactory()
    conversation = api(founder).post(
        "/api/v1/conversations", json={"member_ids": [member.id], "title": XSS_CORPUS[0]}
    )
    assert conversation.status_code == 201
    cid = conversation.json["id"]
    client = sio_connect(member, namespaces=["/chat"], token=token_for(member))
    recorder = Recorder()
    recorder.on(client, "message_new", "/chat")
    sender = sio_connect(founder, namespaces=["/chat"])
    for index, body in enumerate(LIVE_PAYLOADS):
        ack = sender.call(
            "message_send",
            {"conversation_id": cid, "body": body, "client_id": f"live-{index}"},
            namespace="/chat",
            timeout=10,
        )
        assert ack["ok"], ack
    events = recorder.wait_for(len(LIVE_PAYLOADS))
    assert len(events) == len(LIVE_PAYLOADS)
    for (_event, data), body in zip(events, LIVE_PAYLOADS, strict=True):
        message = data["message"]
        assert message["body"] == body.strip()
        assert message["body_html"]
        assert_inert(message["body_html"])


def test_live_forum_posts_carry_inert_html(api, sio_connect) -> None:
    world = build_world(api, XSS_CORPUS[1])
    reader = sio_connect(world.member, namespaces=["/forums"])
    recorder = Recorder()
    recorder.on(reader, "post_new", "/forums")
    ack = reader.call("topic_watch", {"topic_id": world.topic_id}, namespace="/forums", timeout=10)
    assert ack["ok"], ack
    writer = api(world.founder)
    bodies = ["\n\n".join(XSS_CORPUS[:23]), "\n\n".join(XSS_CORPUS[23:])]
    for body in bodies:
        response = writer.post(
            f"/api/v1/topics/{world.topic_id}/posts",
            json={"body": body, "quote_post_id": world.reply_post_id},
        )
        assert response.status_code == 201, response.get_json()
    events = recorder.wait_for(len(bodies))
    assert len(events) == len(bodies)
    for _event, data in events:
        post = data["post"]
        assert_inert(post["body_html"])
        assert marker("display_name") in post["author"]["display_name"]
        assert not BIDI_CONTROLS & set(post["author"]["display_name"])
        # the quote excerpt is plain text (the page inserts it with textContent)
        assert marker("reply_body") in post["quote"]["excerpt"]
        assert "&lt;" not in post["quote"]["excerpt"]


def test_field_values_fit_their_limits() -> None:
    for field, limit in FIELDS.items():
        for payload in XSS_CORPUS:
            value = field_value(field, payload)
            assert len(value) <= limit and value.startswith(marker(field))
