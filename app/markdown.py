"""User text to HTML: the only way. markdown-it-py with raw HTML off, then nh3.

Mentions and other feature syntax are added by the features on top of the safe output.

The cost is bounded, because every post, message and revision goes through here: link
detection (linkify-it's regular expressions are quadratic on runs like ``a.ma/[a.ma/[...``)
only looks at whitespace-separated runs of at most :data:`MAX_LINK_RUN` characters, and an
output larger than :data:`MAX_HTML_RATIO` times the source falls back to the escaped text.
Features render once when the text is written and store the HTML (and derive plain text
from the stored HTML with :func:`html_text`), never on every view.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_inline.linkify import linkify as _inline_linkify
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "span": {"class"},
    "blockquote": {"class"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE = 100_000
#: Longest run of non-space characters searched for a bare link (longer runs stay text;
#: ``<https://...>`` and ``[text](url)`` still link them). Quadratic within a run, so small.
MAX_LINK_RUN = 500
#: Rendered HTML longer than this many times the source (plus a margin) is replaced by the
#: escaped text: hundreds of links or empty table cells make megabytes out of kilobytes.
MAX_HTML_RATIO = 4
HTML_MARGIN = 2_000
_RUN_RE = re.compile(r"\S+")


class _BoundedLinkify(LinkifyIt):
    """linkify-it searched run by run (links never contain spaces), skipping long runs."""

    def _runs(self, text: str) -> list[tuple[int, str]]:
        return [
            (m.start(), m.group()) for m in _RUN_RE.finditer(text) if len(m.group()) <= MAX_LINK_RUN
        ]

    def test(self, text: str) -> bool:
        return any(LinkifyIt.test(self, run) for _start, run in self._runs(text))

    def match(self, text: str) -> list[Any] | None:
        found: list[Any] = []
        for start, run in self._runs(text):
            for link in LinkifyIt.match(self, run) or ():
                link.index += start
                link.last_index += start
                found.append(link)
        return found or None

    def match_at_start(self, text: str) -> Any:
        run = _RUN_RE.match(text, 0, MAX_LINK_RUN + 1)
        if run is None or run.end() > MAX_LINK_RUN:
            return None
        return LinkifyIt.match_at_start(self, run.group())


def _bounded_inline_linkify(rule: Any) -> Any:
    """markdown-it's inline linkify rule, shown only the end of the pending text.

    It looks for the scheme before ``://`` with a ``$``-anchored search of all the pending text,
    quadratic when that text grows (``http://a.ma/[`` repeated); a scheme is short.
    """

    def linkify(state: Any, silent: bool) -> bool:
        head, state.pending = state.pending[:-_SCHEME_TAIL], state.pending[-_SCHEME_TAIL:]
        try:
            return bool(rule(state, silent))
        finally:
            state.pending = head + state.pending

    return linkify


_SCHEME_TAIL = 64


def _image_as_link(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """An image becomes a link "image: <host>" that the reader opens on purpose.

    Nothing is fetched when a post or message is shown, so a sender cannot learn when and
    from where it was read. The alt text goes in the link's title; the label is
    language-neutral because the HTML is rendered once, when the text is written.
    """
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    try:
        host = urlsplit(src).hostname or ""
    except ValueError:
        host = ""
    label = f"image: {host}" if host else "image"
    title = f' title="{escape(alt)}"' if alt else ""
    return f'<a href="{escape(src)}"{title}>{escape(label)}</a>'


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.linkify = _BoundedLinkify()
    md.enable(["table", "strikethrough", "linkify"])
    md.inline.ruler.at("linkify", _bounded_inline_linkify(_inline_linkify))
    md.add_render_rule("image", _image_as_link)
    # Headings h1/h2 would compete with the page's own; shift every heading down.
    return md


def _demote_headings(html: str) -> str:
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return html


#: Texts shown from their source on every view (project descriptions and comments, association
#: descriptions, bios) are rendered once per process: a small cache of recent renderings.
#: Bounded in count and in size (a longer source is not kept), so a few megabytes at most.
CACHE_SIZE = 128
CACHE_MAX_SOURCE = 20_000


def render_markdown(text: str) -> Markup:
    """Render user Markdown to sanitized HTML (links get rel="nofollow noopener ugc")."""
    source = (text or "")[:MAX_SOURCE]
    if len(source) <= CACHE_MAX_SOURCE:
        return _render_cached(source)
    return _render(source)


@lru_cache(maxsize=CACHE_SIZE)
def _render_cached(source: str) -> Markup:
    return _render(source)


def _render(source: str) -> Markup:
    html = _demote_headings(_parser().render(source))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    if len(clean) > MAX_HTML_RATIO * len(source) + HTML_MARGIN:
        return _escaped_text(source)
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above


def _escaped_text(source: str) -> Markup:
    """The source as escaped paragraphs: the bounded fallback of an explosive rendering."""
    paragraphs = [p for p in re.split(r"\n\s*\n", source) if p.strip()]
    return Markup("\n").join(
        Markup("<p>%s</p>") % Markup("<br>\n").join(escape(line) for line in p.splitlines())
        for p in paragraphs
    )


def html_text(html: str) -> str:
    """The visible text of stored, sanitized HTML (cheap: no Markdown parsing).

    Plain text like :func:`render_plain`, for snippets, previews and the search index.
    """
    return unescape(nh3.clean(html, tags=set(), attributes={})).strip()


def render_plain(text: str) -> str:
    """The visible text of rendered Markdown (for previews, feeds and notifications).

    Plain text, not HTML: "a < b" stays "a < b". Whoever shows it escapes it (Jinja, or
    ``textContent`` in the browser); it must never be marked safe.
    """
    return html_text(str(render_markdown(text)))
