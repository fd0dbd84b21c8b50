"""The search outbox: one row per document to (re)index, written in the same database
transaction as the change it reflects, drained by :func:`app.search.indexer.drain`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import db, utcnow


class SearchOutbox(db.Model):  # type: ignore[name-defined]
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)
