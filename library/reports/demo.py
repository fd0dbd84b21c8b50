"""Two demo activity reports for ``jam3ia seed-demo`` (counts only, no names)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db, utcnow
from app.demo import demo_user
from directory import Association, user_memberships
from library.models import LibraryDocument
from library.reports import services
from library.reports.models import ActivityReport


def load_demo() -> None:
    if db.session.scalar(select(ActivityReport.id).limit(1)) is not None:
        return
    association_id = db.session.scalar(
        select(Association.id).where(Association.status == "approved").order_by(Association.id)
    )
    if association_id is None:
        return
    admin = demo_user("admin")
    today = utcnow().date()
    photos = _photos(association_id)
    french_id = _admin_association("youssef") or association_id
    services.create_report(
        admin,
        association_id,
        {
            "title": "قافلة طبية بدوار أيت بوكماز",
            "held_on": today - dt.timedelta(days=40),
            "attendance": {
                "0-5": {"female": 18, "male": 21},
                "6-12": {"female": 25, "male": 22},
                "18-29": {"female": 14, "male": 6},
                "30-59": {"female": 31, "male": 17},
                "60+": {"female": 12, "male": 15},
            },
            "outputs": ("181 استشارة طبية، 64 نظارة طبية موزعة، 23 حالة موجهة للمستشفى الإقليمي."),
            "lessons": (
                "خاص نبداو التسجيل نهار قبل. النساء كبار السن بغاو طبيبة: نزيدو طبيبة المرة الجاية."
            ),
            "photo_document_ids": photos[1:2],
        },
    )
    services.create_report(
        admin,
        french_id,
        {
            "title": "Atelier de soutien scolaire – rentrée",
            "held_on": today - dt.timedelta(days=12),
            "attendance": {
                "6-12": {"female": 19, "male": 16},
                "13-17": {"female": 11, "male": 9},
            },
            "outputs": (
                "35 kits scolaires remis, 4 séances de soutien en mathématiques et en français."
            ),
            "lessons": (
                "Prévoir une salle plus grande ; les parents veulent un point d'étape mensuel."
            ),
            "photo_document_ids": _photos(french_id)[2:3],
        },
    )
    db.session.flush()


def _photos(association_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(LibraryDocument.id)
            .where(
                LibraryDocument.association_id == association_id, LibraryDocument.kind == "photo"
            )
            .order_by(LibraryDocument.id)
        )
    )


def _admin_association(username: str) -> int | None:
    """The first association the demo user ``username`` runs (the French report goes there)."""
    try:
        who = demo_user(username)
    except LookupError:
        return None
    return next((m.association_id for m in user_memberships(who.id) if m.role == "admin"), None)
