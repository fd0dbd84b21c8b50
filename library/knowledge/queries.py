"""Reads of knowledge pages shared by their pages and their JSON API: templates, revisions
and a word-level diff between two of them."""

from __future__ import annotations

import difflib
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.api import not_found
from app.db import db
from library.knowledge import access
from library.knowledge.models import KnowledgePage, KnowledgeRevision

_WORDS = re.compile(r"\s+|[^\s]+")


def templates(actor: Any) -> list[KnowledgePage]:
    """Template pages the actor may read, by title."""
    query = access.visible_pages(actor).where(KnowledgePage.template.is_(True))
    return sorted(db.session.scalars(query), key=lambda p: p.title.casefold())


def revisions(page: KnowledgePage) -> list[KnowledgeRevision]:
    return list(
        db.session.scalars(
            select(KnowledgeRevision)
            .where(KnowledgeRevision.page_id == page.id)
            .order_by(KnowledgeRevision.number.desc())
        )
    )


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """Word-level diff: ``[{op: equal|insert|delete, text}]`` (whitespace kept with words)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append({"op": "equal", "text": "".join(a[i1:i2])})
            continue
        if i2 > i1:
            out.append({"op": "delete", "text": "".join(a[i1:i2])})
        if j2 > j1:
            out.append({"op": "insert", "text": "".join(b[j1:j2])})
    return out


def diff_revisions(page: KnowledgePage, old: int, new: int) -> dict[str, Any]:
    rows = {
        r.number: r
        for r in db.session.scalars(
            select(KnowledgeRevision).where(
                KnowledgeRevision.page_id == page.id, KnowledgeRevision.number.in_((old, new))
            )
        )
    }
    if old not in rows or new not in rows:
        raise not_found(_("This revision does not exist."))
    return {
        "from": old,
        "to": new,
        "title": word_diff(rows[old].title, rows[new].title),
        "body": word_diff(rows[old].body, rows[new].body),
    }
