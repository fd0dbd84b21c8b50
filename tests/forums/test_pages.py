"""Forum pages: they work without JavaScript, keep user text inert, read right in Arabic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.db import db
from forums.models import Flag, Post, Reaction, Topic
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.forums.factories import make_reply, make_topic
from tests.xss import XSS_CORPUS, assert_inert

BODY_RE = re.compile(r"<!-- post-body -->(.*?)<!-- /post-body -->", re.S)


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_index_forum_and_topic_pages(client, forum):
    topic, _ = make_topic(forum=forum, title="الماء في القرى", body="نقاش **مهم**", replies=1)
    index = client.get("/forums").get_data(as_text=True)
    assert forum.name_ar in index and "الماء في القرى" in index
    page = client.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert 'dir="auto">الماء في القرى</a>' in page
    page = client.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert (
        '<div class="user-content post-body" dir="auto">'
        "<!-- post-body --><p>نقاش <strong>مهم</strong></p>" in page
    )
    assert f"/login?next=/topics/{topic.id}" in page  # anonymous readers: log in to reply
    assert 'id="reply-form"' not in page


@pytest.fixture
def config(config: Config) -> Config:
    """No rate limits on these pages (the XSS corpus alone is more posts than a minute allows;
    the posting limit has its own tests)."""
    return replace(config, ratelimit_enabled=False)


def test_xss_corpus_renders_inert_in_the_topic_page(api, logged_in, forum):
    author = UserFactory()
    topic, _ = make_topic(author=author, forum=forum, title="<script>alert(1)</script>")
    client = api(author)
    for source in XSS_CORPUS:
        assert (
            client.post(f"/api/v1/topics/{topic.id}/posts", json={"body": source}).status_code
            == 201
        )
    html = logged_in(UserFactory()).get(f"/topics/{topic.id}?page=1").get_data(as_text=True)
    bodies = BODY_RE.findall(html)
    assert len(bodies) == 1 + min(len(XSS_CORPUS), 19)
    for body in bodies:
        assert_inert(body)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title, escaped
    # The live payloads carry the same sanitized HTML.
    for item in api(None).get(f"/api/v1/topics/{topic.id}?per_page=100").json["posts"]["items"]:
        assert_inert(item["body_html"])


def test_new_topic_and_reply_through_forms(logged_in, forum):
    user = UserFactory()
    browser = logged_in(user)
    token = csrf_token(browser, f"/forums/{forum.id}/new")
    response = browser.post(
        f"/forums/{forum.id}/new",
        data={"title": "Formation des bénévoles", "body": "Qui est partant ?", "csrf_token": token},
    )
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.title == "Formation des bénévoles"))
    reply = browser.post(f"/topics/{topic.id}/reply", data={"body": "Moi !", "csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("#post-2")
    page = browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert "Moi !" in page


def test_forms_refuse_missing_csrf_and_empty_bodies(logged_in, forum):
    topic, _ = make_topic(forum=forum)
    browser = logged_in(UserFactory())
    assert browser.post(f"/topics/{topic.id}/reply", data={"body": "no token"}).status_code == 400
    token = csrf_token(browser, f"/topics/{topic.id}")
    empty = browser.post(f"/topics/{topic.id}/reply", data={"body": "  ", "csrf_token": token})
    assert empty.status_code == 422 and 'id="reply-body-error"' in empty.get_data(as_text=True)
    new = browser.post(
        f"/forums/{forum.id}/new", data={"title": "", "body": "", "csrf_token": token}
    )
    assert new.status_code == 422
    assert count(Post) == 1


def test_reply_form_in_locked_topic_is_refused(logged_in, admin, forum, api):
    topic, _ = make_topic(forum=forum)
    api(admin).patch(f"/api/v1/topics/{topic.id}", json={"locked": True})
    browser = logged_in(UserFactory())
    page = browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert 'id="reply-form"' not in page
    token = csrf_token(browser, f"/topics/{topic.id}")
    refused = browser.post(
        f"/topics/{topic.id}/reply", data={"body": "sneaky", "csrf_token": token}
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)  # the text is not lost: shown with the reason
    assert "sneaky</textarea>" in page and 'id="reply-body-error"' in page
    assert count(Post) == 1


def test_react_and_quote_through_forms(logged_in, forum):
    topic, first = make_topic(forum=forum, body="Très bonne idée")
    browser = logged_in(UserFactory())
    token = csrf_token(browser, f"/topics/{topic.id}")
    for _ in range(2):
        browser.post(f"/posts/{first.id}/react", data={"kind": "thanks", "csrf_token": token})
    assert count(Reaction) == 1
    page = browser.get(f"/topics/{topic.id}?quote={first.id}").get_data(as_text=True)
    assert f'name="quote_post_id" value="{first.id}"' in page
    browser.post(
        f"/topics/{topic.id}/reply",
        data={"body": "+1", "quote_post_id": first.id, "csrf_token": token},
    )
    page = browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert 'class="quote"' in page and "Très bonne idée" in page


def test_edit_page_and_history(logged_in, forum):
    author = UserFactory()
    topic, first = make_topic(author=author, forum=forum, body="avant")
    browser = logged_in(author)
    token = csrf_token(browser, f"/posts/{first.id}/edit")
    browser.post(
        f"/posts/{first.id}/edit", data={"body": "après", "title": topic.title, "csrf_token": token}
    )
    history = browser.get(f"/posts/{first.id}/history").get_data(as_text=True)
    assert "avant" in history and "après" in history
    stranger = logged_in(UserFactory())
    assert stranger.get(f"/posts/{first.id}/edit").status_code == 403
    token = csrf_token(stranger, f"/topics/{topic.id}")
    assert stranger.post(f"/posts/{first.id}/delete", data={"csrf_token": token}).status_code == 403


def test_moderation_page_is_for_moderators(logged_in, admin, forum, api):
    topic, _ = make_topic(forum=forum)
    flagged = make_reply(UserFactory(), topic, "spam spam")
    api(UserFactory()).post(f"/api/v1/posts/{flagged.id}/flags", json={"reason": "spam"})
    assert logged_in(UserFactory()).get("/forums/moderation").status_code == 403
    page = logged_in(admin).get("/forums/moderation").get_data(as_text=True)
    assert "spam spam" in page


def test_hidden_topic_page_is_404_for_members(client, logged_in, admin, api, forum):
    topic, _ = make_topic(forum=forum)
    api(admin).patch(f"/api/v1/topics/{topic.id}", json={"hidden": True})
    assert client.get(f"/topics/{topic.id}").status_code == 404
    assert logged_in(admin).get(f"/topics/{topic.id}").status_code == 200


def test_new_since_last_visit_marker(logged_in, forum):
    reader = UserFactory()
    topic, _ = make_topic(forum=forum, replies=1)
    browser = logged_in(reader)
    assert 'id="new"' not in browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    make_reply(UserFactory(), topic, "nouveau message")
    page = browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert page.index('id="new"') < page.index('id="post-3"')
    assert page.index('id="post-2"') < page.index('id="new"')


def test_atom_feed(client, forum):
    make_topic(
        forum=forum, title="Appel à projets 2026", body="Date limite : <script>x</script> **mars**"
    )
    response = client.get(f"/forums/{forum.id}/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Appel à projets 2026"]
    content = entries[0].find("a:content", ns).text
    assert "<strong>mars</strong>" in content
    assert_inert(content)
    assert client.get("/forums/999/feed.atom").status_code == 404


def test_admin_creates_a_forum_through_the_form(logged_in, admin):
    from forums.models import Forum

    browser = logged_in(admin)
    token = csrf_token(browser, "/forums/new")
    response = browser.post(
        "/forums/new",
        data={
            "name_ar": "الشباب",
            "name_fr": "Jeunesse",
            "name_en": "Youth",
            "description_fr": "Engagement des jeunes",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    forum = db.session.scalar(select(Forum).where(Forum.name_fr == "Jeunesse"))
    assert forum.description_fr == "Engagement des jeunes"
    empty = browser.post("/forums/new", data={"csrf_token": token})
    assert empty.status_code == 422
    member = logged_in(UserFactory())
    assert member.get("/forums/new").status_code == 403
    assert count(Forum) == 1


def test_watch_forms_and_unread_page(logged_in, api, forum):
    reader = UserFactory()
    browser = logged_in(reader)
    token = csrf_token(browser, f"/forums/{forum.id}")
    browser.post(f"/forums/{forum.id}/watch", data={"on": "1", "csrf_token": token})
    assert 'name="on" value="0"' in browser.get(f"/forums/{forum.id}").get_data(as_text=True)
    api(UserFactory()).post(
        f"/api/v1/forums/{forum.id}/topics", json={"title": "Réunion régionale", "body": "Samedi"}
    )
    from app.notifications.models import Notification

    assert count(Notification, Notification.user_id == reader.id) == 1
    unread = browser.get("/forums/unread").get_data(as_text=True)
    assert "Réunion régionale" in unread
    browser.post(f"/forums/{forum.id}/watch", data={"on": "0", "csrf_token": token})
    assert 'name="on" value="1"' in browser.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert logged_in(UserFactory()).get("/forums/unread").status_code == 200


def test_reactions_are_named_in_the_readers_language(logged_in, forum):
    reader = UserFactory(locale="ar")
    topic, _ = make_topic(forum=forum)
    page = logged_in(reader).get(f"/topics/{topic.id}").get_data(as_text=True)
    assert 'title="شكرًا"' in page and 'title="thanks"' not in page


def test_a_refused_new_topic_shows_the_reason_beside_its_field(logged_in, forum):
    browser = logged_in(UserFactory())
    token = csrf_token(browser, f"/forums/{forum.id}/new")
    answer = browser.post(
        f"/forums/{forum.id}/new",
        data={"title": "ab", "body": "Un message gardé", "csrf_token": token},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="title-error">(.*?)</p>', page, re.S)
    assert error is not None and "200" in error.group(1)  # between 3 and 200 characters
    assert 'aria-describedby="title-error"' in page
    assert "Un message gardé</textarea>" in page and 'value="ab"' in page
    assert count(Topic, Topic.forum_id == forum.id) == 0


def test_a_refused_reply_keeps_its_text_and_quote_with_the_reason_beside(logged_in, forum):
    topic, first = make_topic(forum=forum, body="Le premier message")
    browser = logged_in(UserFactory())
    token = csrf_token(browser, f"/topics/{topic.id}")
    long_text = "Une longue réponse. " * 1001  # over BODY_MAX (20,000 characters)
    answer = browser.post(
        f"/topics/{topic.id}/reply",
        data={"body": long_text, "quote_post_id": first.id, "page": "1", "csrf_token": token},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="reply-body-error">(.*?)</p>', page, re.S)
    assert error is not None and "20000" in error.group(1).replace(",", "").replace("\u202f", "")
    assert 'aria-describedby="reply-body-error"' in page and "autofocus" in page
    assert long_text.strip() in page
    assert f'name="quote_post_id" value="{first.id}"' in page
    assert count(Post) == 1


def test_a_refused_edit_keeps_the_title_and_shows_the_reason_beside_the_body(logged_in, forum):
    author = UserFactory()
    _topic, first = make_topic(author=author, forum=forum, body="avant")
    browser = logged_in(author)
    token = csrf_token(browser, f"/posts/{first.id}/edit")
    answer = browser.post(
        f"/posts/{first.id}/edit",
        data={"body": " ", "title": "Un titre retouché", "version": "1", "csrf_token": token},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="body-error"' in page and 'value="Un titre retouché"' in page
    db.session.expire_all()
    assert db.session.get(Post, first.id).body == "avant"


def test_a_flag_through_the_form_and_a_second_one(logged_in, forum):
    topic, first = make_topic(forum=forum)
    browser = logged_in(UserFactory(locale="en"))
    token = csrf_token(browser, f"/topics/{topic.id}")
    good = browser.post(
        f"/posts/{first.id}/flag",
        data={"reason": "other", "details": "Hors sujet", "csrf_token": token},
    )
    assert good.status_code == 302 and good.headers["Location"].endswith(f"#post-{first.number}")
    assert count(Flag, Flag.post_id == first.id, Flag.details == "Hors sujet") == 1
    # a refusal no field shows (already flagged) is said at the post
    again = browser.post(f"/posts/{first.id}/flag", data={"reason": "spam", "csrf_token": token})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"#post-{first.number}")
    landing = browser.get(again.headers["Location"]).get_data(as_text=True)
    assert "You have already flagged this post." in landing
    assert count(Flag) == 1


def test_a_refused_new_forum_shows_the_reasons_beside_its_fields_and_keeps_the_input(
    logged_in, admin
):
    from forums.models import NAME_MAX, Forum

    browser = logged_in(admin)
    token = csrf_token(browser, "/forums/new")
    too_long = "ن" * (NAME_MAX + 1)
    answer = browser.post(
        "/forums/new",
        data={"name_ar": too_long, "description_fr": "Engagement des jeunes", "csrf_token": token},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    # the API's rule (at most NAME_MAX characters), beside the Arabic name
    error = re.search(r'<p class="field-error" id="name_ar-error">(.*?)</p>', page, re.S)
    assert error is not None and str(NAME_MAX) in error.group(1)
    assert 'aria-describedby="name_ar-error"' in page
    assert f'value="{too_long}"' in page and "Engagement des jeunes</textarea>" in page
    # no name at all: the service's reason, beside the English name, the description kept
    nameless = browser.post(
        "/forums/new", data={"description_en": "Youth work", "csrf_token": token}
    )
    assert nameless.status_code == 422
    page = nameless.get_data(as_text=True)
    assert re.search(r'<p class="field-error" id="name_en-error"><i [^>]*></i> [^<]+</p>', page)
    # and on top of the form, which is long on a phone
    assert re.search(r'<p class="form-error" role="alert">[^<]+</p>', page)
    assert "Youth work</textarea>" in page
    assert count(Forum) == 0


def test_a_refused_flag_opens_its_panel_at_the_post_with_the_reason_and_the_text(logged_in, forum):
    from forums.models import REASON_MAX

    topic, first = make_topic(forum=forum)
    second = make_reply(UserFactory(), topic)
    browser = logged_in(UserFactory())
    token = csrf_token(browser, f"/topics/{topic.id}")
    page = browser.get(f"/topics/{topic.id}").get_data(as_text=True)
    # the form is sent to its own place on the page: a refusal is shown where the person was
    assert f'action="/posts/{second.id}/flag#flag-{second.id}"' in page
    details = "Trop long. " * (REASON_MAX // 10 + 1)
    answer = browser.post(
        f"/posts/{second.id}/flag",
        data={"reason": "other", "details": details, "csrf_token": token},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    panels = re.findall(r'<details class="flag" id="flag-(\d+)"( open)?>', page)
    assert panels == [(str(first.id), ""), (str(second.id), " open")]  # this post's only
    panel = page.split(f'id="flag-{second.id}"')[1].split("</details>")[0]
    assert f'id="details-{second.id}-error"' in panel
    assert f'aria-describedby="details-{second.id}-error"' in panel
    assert f'value="{details}"' in panel
    assert re.search(r'<option selected value="other">|<option value="other" selected>', panel)
    # a reason the form does not offer: said beside the reason
    bad = browser.post(f"/posts/{first.id}/flag", data={"reason": "nonsense", "csrf_token": token})
    assert bad.status_code == 422
    panel = bad.get_data(as_text=True).split(f'id="flag-{first.id}"')[1].split("</details>")[0]
    assert panel.startswith(" open") and f'id="reason-{first.id}-error"' in panel
    # "something else" without a word: beside the details, what to write (not a bare
    # "Required.")
    bare = browser.post(
        f"/posts/{first.id}/flag",
        data={"reason": "other", "details": "  ", "csrf_token": token},
        headers={"Accept-Language": "fr"},
    )
    assert bare.status_code == 422
    panel = bare.get_data(as_text=True).split(f'id="flag-{first.id}"')[1].split("</details>")[0]
    beside = rf'<p class="field-error" id="details-{first.id}-error">(.*?)</p>'
    error = re.search(beside, panel, re.S)
    assert error is not None and "Précisez le problème." in error.group(1)
    assert count(Flag) == 0
