"""Who may read or write activity reports, and "load or 404".

Admins and coordinators of the association write its reports; its members read them; platform
administrators do both. A report the actor may not read answers 404.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.accounts.models import User
from app.api import ApiError, not_found
from app.db import db
from directory import membership_role
from library.reports.models import ActivityReport

EDITOR_ROLES = ("admin", "coordinator")


def may_write(actor: User | None, association_id: int) -> bool:
    if actor is None:
        return False
    return actor.is_admin or membership_role(actor.id, association_id) in EDITOR_ROLES


def may_read(actor: User | None, association_id: int) -> bool:
    if actor is None:
        return False
    return actor.is_admin or membership_role(actor.id, association_id) is not None


def access_report(actor: User | None, report_id: int, need: str = "view") -> ActivityReport:
    report = db.session.get(ActivityReport, report_id)
    if report is None or not may_read(actor, report.association_id):
        raise not_found()
    if need == "edit" and not may_write(actor, report.association_id):
        raise ApiError(403, "forbidden", _("You may not edit this report."))
    return report
