"""Finding documents: the ``documents`` search type (public documents, in the site search)
and the library pages' filter (any document the reader may see), both with the search's own
Arabic/French/Arabizi analysis, so "statuts", "النظام الأساسي" or "9anon" find alike.

Only public documents enter the index; a document whose visibility narrows leaves it through
the search outbox in the same transaction. Titles and tags are indexed, never file contents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.db import db
from app.search.analysis import analyze, analyze_query
from app.search.framework import DocType, Document, register_doc_type
from library.models import BUILT_KINDS, LibraryDocument

_WATCHED = ("title", "tags", "visibility", "kind", "association_id")


#: The search document type of library documents.
DOC_TYPE = "documents"


def _public(query: Any) -> Any:
    return query.where(
        LibraryDocument.visibility == "public", LibraryDocument.kind.not_in(BUILT_KINDS)
    )


def load_documents(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    rows = session.scalars(_public(select(LibraryDocument).where(LibraryDocument.id.in_(ids))))
    return {
        doc.id: Document(
            id=doc.id,
            names={"title": doc.title},
            text={"tags": " ".join(doc.tags or [])},
            facets={"association": [str(doc.association_id or "network")], "kind": [doc.kind]},
            created=doc.created_at.timestamp(),
        )
        for doc in rows
    }


def all_document_ids(session: Session) -> Iterable[int]:
    return session.scalars(_public(select(LibraryDocument.id)).order_by(LibraryDocument.id))


def describe_documents(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(LibraryDocument.id, LibraryDocument.title, LibraryDocument.tags).where(
            LibraryDocument.id.in_(list(ids))
        )
    )
    return {
        did: {
            "title": title,
            "url": url_for("library.document", document_id=did),
            "snippet": " · ".join(tags or []),
        }
        for did, title, tags in rows
    }


def _changed(doc: LibraryDocument) -> list[int]:
    state: Any = inspect(doc)
    if state.pending or any(state.attrs[a].history.has_changes() for a in _WATCHED):
        return [doc.id]
    return []


def matches(doc: LibraryDocument, query: str) -> bool:
    """Whether every term of ``query`` is a term (or the start of one) of the document's
    title or tags, as the search analyses both."""
    wanted = analyze_query(query)
    if not wanted:
        return True
    have = analyze(" ".join([doc.title, *(doc.tags or [])]))
    return all(any(term.startswith(w) for term in have) for w in wanted)


def register(app: Flask) -> None:
    register_doc_type(
        app,
        DocType(
            name=DOC_TYPE,
            load=load_documents,
            all_ids=all_document_ids,
            name_fields={"title": 4.0},
            text_fields={"tags": 2.0},
            facets=("association", "kind"),
            watch=((LibraryDocument, _changed),),
            describe=describe_documents,
        ),
    )
