"""Writing knowledge pages: create, edit (optimistic concurrency), each edit a revision.

Services flush; the edge (API endpoint or page) commits. Reads (revisions and their diff) are
in :mod:`library.knowledge.queries`, dictionaries in :mod:`library.knowledge.serialize`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.api import check_version, invalid, not_found
from app.db import db, for_update
from app.markdown import render_markdown
from app.text import clean_name, clean_text
from library.knowledge.access import may_view
from library.knowledge.models import BODY_MAX, LANGS, TITLE_MAX, KnowledgePage, KnowledgeRevision


def _title(value: Any) -> str:
    title = clean_name(value)
    if not title:
        raise invalid(_("A title is required."), "title", "invalid")
    if len(title) > TITLE_MAX:
        raise invalid(_("The title is too long."), "title", "invalid")
    return title


def _body(value: Any) -> str:
    body = clean_text(value)
    if len(body) > BODY_MAX:
        raise invalid(_("The page is too long."), "body", "invalid")
    return body


def _revise(page: KnowledgePage, author: User | None) -> KnowledgeRevision:
    number = (
        db.session.scalar(
            select(func.max(KnowledgeRevision.number)).where(KnowledgeRevision.page_id == page.id)
        )
        or 0
    ) + 1
    revision = KnowledgeRevision(
        page_id=page.id,
        number=number,
        title=page.title,
        body=page.body,
        author_id=author.id if author is not None else None,
    )
    db.session.add(revision)
    return revision


def create_page(actor: User, association_id: int | None, data: dict[str, Any]) -> KnowledgePage:
    """A new page (``from_template``: start from a template page the actor may read)."""
    body = data.get("body")
    title = data.get("title")
    template_id = data.get("from_template")
    if template_id is not None:
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
    """Apply an edit; a new revision when the title or body changed. The page is read again
    under its lock first: an edit from a text someone saved meanwhile is a 409
    ``edit_conflict``, and two saves at once are numbered one after the other."""
    db.session.scalars(
        for_update(select(KnowledgePage).where(KnowledgePage.id == page.id)).execution_options(
            populate_existing=True
        )
    ).one()
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


def publish(title: str, body: str, domain: str, languages: list[str], source_ref: str) -> int:
    """The ``publish_knowledge`` hook (:mod:`app.plugins`): a public network-wide page from
    another feature (an expert's answer), once per ``source_ref``; published again (public)
    when it was taken out. Its id."""
    lang = next((code for code in languages if code in LANGS), "ar")
    found: KnowledgePage | None = db.session.scalar(
        select(KnowledgePage).where(KnowledgePage.source_ref == source_ref)
    )
    if found is not None:
        found.visibility = "public"
        found.bump_version()
        db.session.flush()
        return found.id
    page = KnowledgePage(
        association_id=None,
        title=_title(title),
        body=_body(body),
        lang=lang,
        direction="auto",
        visibility="public",
        template=False,
        created_by_id=None,
        source_ref=source_ref[:64],
        expert_domain=(domain or "")[:32] or None,
    )
    page.body_html = str(render_markdown(page.body))
    db.session.add(page)
    db.session.flush()
    _revise(page, None)
    db.session.flush()
    return page.id


def unpublish(page_id: int) -> bool:
    """The ``unpublish_knowledge`` hook: the page leaves the library (and the search);
    platform administrators still read it. False when there is no such published page."""
    page = db.session.get(KnowledgePage, page_id)
    if page is None or page.source_ref is None or page.visibility == "admins":
        return False
    page.visibility = "admins"
    page.bump_version()
    db.session.flush()
    return True
