"""render_markdown(): the only door from user text to HTML. The XSS corpus must come out inert."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.markdown import render_markdown, render_plain
from tests.xss import XSS_CORPUS, assert_inert


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_xss_corpus_renders_inert(source):
    assert_inert(str(render_markdown(source)))


def test_markdown_features_survive():
    html = str(
        render_markdown(
            "# Titre\n\n**gras** _italique_ ~~barré~~\n\n> citation\n\n- un\n- deux\n\n"
            "`code` [lien](https://jam3ia.ma) https://example.org\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h3>Titre</h3>" in html  # h1 is kept for the page itself
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert "<s>barré</s>" in html or "<del>barré</del>" in html
    assert "<blockquote>" in html and "<li>un</li>" in html and "<code>code</code>" in html
    assert 'href="https://jam3ia.ma"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
    assert 'href="https://example.org"' in html  # linkified
    assert "<table>" in html


def test_arabic_and_darija_pass_through():
    text = "السلام عليكم، **مرحبا** بكم — salam 3likoum, labas?"
    html = str(render_markdown(text))
    assert "<strong>مرحبا</strong>" in html
    assert "3likoum" in html


def test_render_plain_strips_markup_and_gives_text_not_html():
    # The text a reader sees: typed tags stay visible text, and are not escaped a second time
    # (the page or textContent escapes it once; it used to show "&lt;b&gt;" to readers).
    assert render_plain("**bold** <b>x</b> [link](https://a.b)") == "bold <b>x</b> link"
    assert render_plain("Tom & Jerry: 3 < 4 &amp; `a<b`") == "Tom & Jerry: 3 < 4 & a<b"


def test_huge_input_is_bounded():
    html = str(render_markdown("a" * 500_000))
    assert len(html) < 150_000


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_renders_without_dangerous_markup(text):
    assert_inert(str(render_markdown(text)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                "script",
                "img",
                " src=",
                "onerror=",
                "javascript:",
                "[",
                "](",
                ")",
                "!",
                '"',
                "'",
                "alert(1)",
                "\n",
                "`",
                "<svg",
                "data:",
                "&#x6a;",
            ]
        ),
        max_size=30,
    )
)
def test_fragments_of_attacks_stay_inert(parts):
    assert_inert(str(render_markdown("".join(parts))))


# ---------------------------------------------------------------- cost (issue 15, item 1)

#: Inputs that made link detection quadratic (linkify-it's bracket and scheme scans) or that
#: blow up the output (a link every few characters).
ADVERSARIAL = ["a.ma/[", "http://a.ma/[", "a.ma/(", "a.ma/[ ", "[", "a@b.ma[", "[a](b)"]


def _render_seconds(source: str) -> float:
    import gc
    import time

    best = float("inf")
    from app import markdown

    for _ in range(3):
        markdown._render_cached.cache_clear()  # time the rendering, not the cache
        gc.collect()
        start = time.perf_counter()
        render_markdown(source)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_render_time_grows_linearly_on_adversarial_input(unit):
    render_markdown("warm up https://jam3ia.ma")
    small = unit * (2_500 // len(unit))
    large = unit * (20_000 // len(unit))  # 8x the input, within a post's 20,000 characters
    ratio = _render_seconds(large) / _render_seconds(small)
    # Linear: about 8 (plus noise); quadratic: about 64. A generous bound between the two.
    assert ratio < 24, f"{unit!r}: 8x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_rendered_size_stays_proportional_to_the_source(unit):
    source = unit * (20_000 // len(unit))
    html = str(render_markdown(source))
    assert len(html) <= 4 * len(source) + 2_000
    assert_inert(html)


def test_an_explosive_source_falls_back_to_its_escaped_text():
    html = str(render_markdown("<b>x</b>\n\n" + "a.ma/[" * 3000))
    assert html.startswith("<p>&lt;b&gt;x&lt;/b&gt;</p>") and "<a" not in html


def test_links_are_still_detected_in_text_around_long_runs():
    html = str(render_markdown("voir https://jam3ia.ma/a et " + "x" * 5000 + " ou www.jam3ia.ma"))
    assert 'href="https://jam3ia.ma/a"' in html and 'href="http://www.jam3ia.ma"' in html
