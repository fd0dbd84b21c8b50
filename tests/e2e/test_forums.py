"""Two people in the same topic: one replies, the other sees it appear without reloading.
Also: the XSS corpus stays inert in a real browser (no dialog fires)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, make_topic
from tests.xss import XSS_CORPUS


def test_reply_appears_live_in_another_readers_page(new_page, api):
    forum = ForumFactory()
    reader = UserFactory(display_name="Khadija")
    writer = UserFactory(display_name="يوسف")
    topic, _ = make_topic(forum=forum, title="Caravane médicale à Azilal", body="Qui participe ?")

    reader_page = new_page(reader, locale="fr-FR")
    reader_page.goto(f"/topics/{topic.id}")
    expect(reader_page.locator("#posts")).to_have_attribute("data-live", "on")

    writer_page = new_page(writer, locale="ar-MA")
    writer_page.goto(f"/topics/{topic.id}")
    writer_page.fill("#reply-body", "أنا **مشارك** إن شاء الله")
    writer_page.click("#reply-form button[type=submit]")
    expect(writer_page.locator("#post-2")).to_be_visible()

    live = reader_page.locator("#post-2")
    expect(live).to_be_visible()
    expect(live.locator(".post-author bdi")).to_have_text("يوسف")
    expect(live.locator(".post-author .avatar")).to_have_text("ي")  # initials, as on the server
    expect(live.locator(".post-body strong")).to_have_text("مشارك")
    expect(live.locator(".post-body")).to_have_attribute("dir", "auto")
    assert reader_page.locator("article.post").count() == 2
    # the page's own markup, for this reader and in her language: she can quote, react, flag
    expect(live.locator(".post-actions a", has_text="Citer")).to_be_visible()
    expect(live.locator("form.reactions button.reaction").first).to_be_visible()
    expect(live.locator("details.flag summary")).to_be_visible()

    # the writer edits: the reader's copy is replaced by the stored post, "edited" included
    post_id = live.get_attribute("data-post-id")
    edited = api(writer).patch(f"/api/v1/posts/{post_id}", json={"body": "أنا **مشاركة**"})
    assert edited.status_code == 200, edited.json
    expect(live.locator(".post-body strong")).to_have_text("مشاركة")
    expect(live.locator(".post-head a", has_text="modifié (1)")).to_be_visible()


def test_xss_corpus_is_inert_in_the_browser(new_page, api):
    forum = ForumFactory()
    author = UserFactory()
    topic, _ = make_topic(author=author, forum=forum, title="<img src=x onerror=alert(1)>")
    client = api(author)
    for source in XSS_CORPUS:
        client.post(f"/api/v1/topics/{topic.id}/posts", json={"body": source})
    dialogs: list[str] = []
    page = new_page(UserFactory())
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for number in (1, 2):
        page.goto(f"/topics/{topic.id}?page={number}")
        expect(page.locator("#posts")).to_have_attribute("data-live", "on")
        page.wait_for_timeout(300)  # let any injected handler (onerror, onload) fire
        schemes = page.evaluate(
            "[...document.querySelectorAll('.post-body a[href], .post-body img[src]')]"
            ".map(e => (e.href || e.src).split(':')[0])"
        )
        assert set(schemes) <= {"http", "https", "mailto"}, schemes
    # A live post carrying the corpus is inert too.
    client.post(f"/api/v1/topics/{topic.id}/posts", json={"body": "\n\n".join(XSS_CORPUS)})
    expect(page.locator("#post-25")).to_be_visible()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert (
        page.evaluate(
            "document.querySelectorAll("
            "'.post-body script, .post-body iframe, .post-body svg').length"
        )
        == 0
    )
