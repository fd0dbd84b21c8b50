"""Writing knowledge pages: create, edit (optimistic concurrency), revisions and their diff.

Services flush; the edge (API endpoint or page) commits.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.api import ApiError, check_version, not_found
from app.db import db
from app.markdown import render_markdown
from app.text import clean_name, clean_text
from library.knowledge.models import BODY_MAX, TITLE_MAX, KnowledgePage, KnowledgeRevision

_WORDS = re.compile(r"\s+|[^\s]+")


def _title(value: Any) -> str:
    title = clean_name(value)
    if not title:
        raise ApiError(422, "invalid", _("A title is required."), fields={"title": ["required"]})
    if len(title) > TITLE_MAX:
        raise ApiError(422, "invalid", _("The title is too long."), fields={"title": ["too long"]})
    return title


def _body(value: Any) -> str:
    body = clean_text(value)
    if len(body) > BODY_MAX:
        raise ApiError(422, "invalid", _("The page is too long."), fields={"body": ["too long"]})
    return body


def _revise(page: KnowledgePage, author: User) -> KnowledgeRevision:
    number = (
        db.session.scalar(
            select(func.max(KnowledgeRevision.number)).where(KnowledgeRevision.page_id == page.id)
        )
        or 0
    ) + 1
    revision = KnowledgeRevision(
        page_id=page.id, number=number, title=page.title, body=page.body, author_id=author.id
    )
    db.session.add(revision)
    return revision


def create_page(actor: User, association_id: int | None, data: dict[str, Any]) -> KnowledgePage:
    """A new page (``from_template``: start from a template page the actor may read)."""
    body = data.get("body")
    title = data.get("title")
    template_id = data.get("from_template")
    if template_id is not None:
        from library.knowledge.access import may_view

        template = db.session.get(KnowledgePage, template_id)
        if template is None or not template.template or not may_view(actor, template):
            raise not_found(_("This template does not exist."))
        body = template.body if body is None else body
        title = title or template.title
        data.setdefault("lang", template.lang)
        data.setdefault("direction", template.direction)
    page = KnowledgePage(
        association_id=association_id,
        title=_title(title),
        body=_body(body),
        lang=data.get("lang") or "ar",
        direction=data.get("direction") or "auto",
        visibility=data.get("visibility") or "members",
        template=bool(data.get("template", False)),
        created_by_id=actor.id,
    )
    page.body_html = str(render_markdown(page.body))
    db.session.add(page)
    db.session.flush()
    _revise(page, actor)
    db.session.flush()
    return page


def update_page(
    actor: User, page: KnowledgePage, data: dict[str, Any], expected: int | None
) -> KnowledgePage:
    """Apply an edit; a new revision when the title or body changed."""
    check_version(page.version, expected)
    changed_text = False
    if "title" in data:
        title = _title(data["title"])
        changed_text |= title != page.title
        page.title = title
    if "body" in data:
        body = _body(data["body"])
        if body != page.body:
            page.body = body
            page.body_html = str(render_markdown(body))
            changed_text = True
    for key in ("lang", "direction", "visibility", "template"):
        if key in data and data[key] is not None:
            setattr(page, key, data[key])
    page.bump_version()
    if changed_text:
        _revise(page, actor)
    db.session.flush()
    return page


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


def serialize_page(page: KnowledgePage) -> dict[str, Any]:
    return {
        "id": page.id,
        "association_id": page.association_id,
        "title": page.title,
        "body": page.body,
        "body_html": page.body_html,
        "lang": page.lang,
        "direction": page.direction,
        "visibility": page.visibility,
        "template": page.template,
        "version": page.version,
        "created_at": page.created_at,
        "updated_at": page.updated_at,
    }


def serialize_revision(revision: KnowledgeRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "author_id": revision.author_id,
        "created_at": revision.created_at,
    }
