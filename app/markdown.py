"""User text to HTML: the only way. markdown-it-py with raw HTML off, then nh3.

Mentions and other feature syntax are added by the features on top of the safe output.
"""

from __future__ import annotations

from functools import cache
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "span", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "span": {"class"},
    "blockquote": {"class"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE = 100_000


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    # Headings h1/h2 would compete with the page's own; shift every heading down.
    return md


def _demote_headings(html: str) -> str:
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return html


def render_markdown(text: str) -> Markup:
    """Render user Markdown to sanitized HTML (links get rel="nofollow noopener ugc")."""
    source = (text or "")[:MAX_SOURCE]
    html = _demote_headings(_parser().render(source))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above


def render_plain(text: str) -> str:
    """The visible text of rendered Markdown (for previews, feeds and notifications).

    Plain text, not HTML: "a < b" stays "a < b". Whoever shows it escapes it (Jinja, or
    ``textContent`` in the browser); it must never be marked safe.
    """
    html = render_markdown(text)
    return unescape(nh3.clean(str(html), tags=set(), attributes={})).strip()
