"""What knowledge pages put in the search index: the ``pages`` document type.

Only public pages are indexed (everybody may read them); a page that stops being public
leaves the index through the search outbox, written in the same transaction as the edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.db import db
from app.markdown import html_text
from app.search.framework import DocType, Document, register_doc_type
from library.knowledge.models import KnowledgePage

SNIPPET = 200
_DOC = ("title", "body_html", "visibility", "association_id", "lang")


def load_pages(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    rows = session.scalars(
        select(KnowledgePage).where(
            KnowledgePage.id.in_(list(ids)), KnowledgePage.visibility == "public"
        )
    )
    return {
        page.id: Document(
            id=page.id,
            names={"title": page.title},
            text={"body": html_text(page.body_html)},
            facets={
                "association": [str(page.association_id or "network")],
                "lang": [page.lang],
            },
            created=page.created_at.timestamp(),
        )
        for page in rows
    }


def all_page_ids(session: Session) -> Iterable[int]:
    return session.scalars(
        select(KnowledgePage.id)
        .where(KnowledgePage.visibility == "public")
        .order_by(KnowledgePage.id)
    )


def describe_pages(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(KnowledgePage.id, KnowledgePage.title, KnowledgePage.body_html).where(
            KnowledgePage.id.in_(list(ids))
        )
    )
    return {
        pid: {
            "title": title,
            "url": url_for("knowledge.show", page_id=pid),
            "snippet": html_text(body_html)[:SNIPPET],
        }
        for pid, title, body_html in rows
    }


def _page_ids(page: KnowledgePage) -> list[int]:
    state: Any = inspect(page)
    if state.pending or any(state.attrs[a].history.has_changes() for a in _DOC):
        return [page.id]
    return []


def register(app: Flask) -> None:
    """Declare the ``pages`` document type to the search framework."""
    register_doc_type(
        app,
        DocType(
            name="pages",
            load=load_pages,
            all_ids=all_page_ids,
            name_fields={"title": 4.0},
            text_fields={"body": 1.0},
            facets=("association", "lang"),
            watch=((KnowledgePage, _page_ids),),
            describe=describe_pages,
        ),
    )
