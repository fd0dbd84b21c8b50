"""Mentions: which ``@names`` count, and where they become links (pure logic)."""

from forums.text import link_mentions, mentioned_usernames, render_post

USERS = {"omar": (7, "Omar"), "nadia.c": (9, "nadia.c")}


def test_mentioned_usernames():
    body = "Merci @Omar et @nadia.c. Mail: x@omar.ma `@code` ```\n@fenced\n``` @omar again"
    assert mentioned_usernames(body) == ["omar", "nadia.c"]


def test_links_only_known_users_outside_code_and_links():
    html = str(render_post("@omar [@omar](https://e.org) `@omar` @ghost, @nadia.c.", USERS))
    assert html.count('href="/users/7"') == 1
    assert '<a class="mention" href="/users/9" dir="ltr">@nadia.c</a>.' in html
    assert "@ghost" in html and "/users/ghost" not in html
    assert "<code>@omar</code>" in html


def test_mention_html_is_escaped():
    assert "&lt;b&gt;" in link_mentions("<p>@omar</p>", {"omar": (1, "<b>")})
