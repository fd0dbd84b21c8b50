"""Activity reports: counts only, never names."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Versioned, db, utcnow

TITLE_MAX = 200
TEXT_MAX = 20_000
PHOTOS_MAX = 12
AGE_BANDS = ("0-5", "6-12", "13-17", "18-29", "30-59", "60+")
SEXES = ("female", "male")
#: A count above this is a typing error, not an activity.
COUNT_MAX = 100_000


class ActivityReport(Versioned, db.Model):  # type: ignore[name-defined]
    """``attendance``: ``{age_band: {sex: count}}`` for every band and sex (zeros kept)."""

    __tablename__ = "activity_reports"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    held_on: Mapped[dt.date]
    attendance: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)
    outputs: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    #: Library documents (kind ``photo``, same association) shown with the report; each is
    #: shown to a reader only as its own visibility and consent allow.
    photo_document_ids: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in (self.attendance or {}).values())
