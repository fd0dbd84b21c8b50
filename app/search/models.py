"""Search tables.

- ``search_outbox``: one row per document to (re)index, written in the same database
  transaction as the change it reflects, drained by :func:`app.search.framework.drain`.
- ``search_document`` and ``search_term``: the PostgreSQL backend's index
  (:mod:`app.search.backends.postgres`). They exist on SQLite too, empty, so one schema and
  one migration history serve both databases; the PostgreSQL column types (``tsvector``,
  ``text[]``, byte-order collation) and GIN indexes apply on PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model, utcnow

#: analyzed terms as ``field:term`` lexemes (GIN-indexed tsvector on PostgreSQL)
TERMS = Text().with_variant(TSVECTOR(), "postgresql")
#: ``facet:value`` strings, or access-control values (GIN-indexed text[] on PostgreSQL)
VALUES = JSON().with_variant(ARRAY(Text()), "postgresql")
#: compared byte by byte (code point order, as Python sorts), prefix scans on the B-tree
ORDERED_TEXT = Text().with_variant(Text(collation="C"), "postgresql")
#: PostgreSQL keeps a row's vector inline and uncompressed up to a page: above the default
#: 2 kB target it compresses it (pglz), and every ``@@`` of a search then decompresses it
#: again, once per clause and row (4x slower ranking, bench/search.py). A storage option of
#: each partition (a partitioned table has no storage of its own).
VECTORS_INLINE = "WITH (toast_tuple_target = 8160)"
#: on PostgreSQL each document type's rows are a partition of ``search_document`` (LIST on
#: ``doc_type``) named by :func:`partition_name`: a rebuild loads a bare table, builds its
#: indexes in bulk (10x faster than row by row into a GIN index) and swaps it in
PARTITION_PREFIX = "search_document__"


def partition_name(doc_type: str) -> str:
    """The name of ``doc_type``'s partition (any type name gives a valid, distinct name)."""
    if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", doc_type):
        return PARTITION_PREFIX + doc_type
    return f"{PARTITION_PREFIX}{zlib.crc32(doc_type.encode()):08x}"


def is_partition(table_name: str | None) -> bool:
    """A partition of the index (created at run time, not part of the declared schema)."""
    return bool(table_name) and str(table_name).startswith(PARTITION_PREFIX)


class SearchOutbox(Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)


class SearchDocument(Model):
    """One indexed document of one type."""

    __tablename__ = "search_document"

    doc_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    doc_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    terms: Mapped[str] = mapped_column(TERMS)
    facets: Mapped[list[str]] = mapped_column(VALUES)
    acl: Mapped[list[str]] = mapped_column(VALUES)
    sort_name: Mapped[str] = mapped_column(ORDERED_TEXT)
    created: Mapped[float] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        # no pending list: written in small batches, read all the time
        Index(
            "ix_search_document_terms",
            "terms",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
        Index(
            "ix_search_document_facets",
            "facets",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
        Index("ix_search_document_name", "doc_type", "sort_name", "doc_id"),
        Index("ix_search_document_newest", "doc_type", "created", "doc_id"),
        Index("ix_search_document_geo", "doc_type", "lat", "lon"),
        {"postgresql_partition_by": "LIST (doc_type)"},
    )


class SearchTerm(Model):
    """The dictionary of one document type: how many documents hold each value.

    ``field`` is a text field (its analyzed terms), a name's ``__sk`` / ``__sp`` field, or a
    reserved name starting with ``:``: ``:facet:<name>`` (facet values), ``:acl`` (access
    values) and ``:documents`` (term ``""``: the number of documents)."""

    __tablename__ = "search_term"

    doc_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    field: Mapped[str] = mapped_column(String(80), primary_key=True)
    term: Mapped[str] = mapped_column(ORDERED_TEXT, primary_key=True)
    df: Mapped[int] = mapped_column(Integer)
