"""Post text: Markdown through the core renderer, then @mentions turned into profile links.

Mentions are linked after sanitizing, in text outside ``<a>``, ``<code>`` and ``<pre>``, from
usernames found in the database only, so nothing user-supplied reaches the HTML unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import has_request_context
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from app.markdown import render_markdown


def locale() -> str:
    """The request's language code (Arabic outside a request)."""
    return str(get_locale() or "ar")


def _(string: str, **variables: object) -> str:
    """gettext in a request (or socket event); the English source elsewhere (CLI, demo)."""
    if has_request_context():
        return str(gettext(string, **variables))
    return string % variables if variables else string


MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,31})(?![\w-])")
MAX_MENTIONS = 20
_TAG_RE = re.compile(r"(<[^>]*>)")
_SKIP = {"a", "code", "pre"}


def mentioned_usernames(body: str) -> list[str]:
    """Lower-cased usernames mentioned in ``body`` (outside code), first ``MAX_MENTIONS``."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", body, flags=re.S)
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(without_code):
        seen.setdefault(match.group(1).rstrip(".").lower(), None)
        if len(seen) >= MAX_MENTIONS:
            break
    return list(seen)


def link_mentions(html: str, users: Mapping[str, tuple[int, str]]) -> str:
    """Wrap ``@name`` in links for the known ``users`` (lower username -> (id, username))."""
    if not users:
        return html
    out: list[str] = []
    depth = 0
    for piece in _TAG_RE.split(html):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            if name and name.group(1).lower() in _SKIP:
                depth += -1 if piece.startswith("</") else 1
            out.append(piece)
            continue
        if depth > 0:
            out.append(piece)
            continue

        def repl(match: re.Match[str]) -> str:
            key = match.group(1).rstrip(".").lower()
            found = users.get(key)
            if found is None:
                return match.group(0)
            user_id, username = found
            tail = match.group(1)[len(key) :]
            link = f'<a class="mention" href="/users/{user_id}" dir="ltr">'
            return f"{link}@{escape(username)}</a>{tail}"

        out.append(MENTION_RE.sub(repl, piece))
    return "".join(out)


def render_post(body: str, users: Mapping[str, tuple[int, str]]) -> Markup:
    return Markup(link_mentions(str(render_markdown(body)), users))  # noqa: S704 - sanitized
