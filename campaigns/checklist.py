"""The going-live checklist of a draft (each condition met or missing, with the link that
fixes it) and what the host's page shows beside its forms."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from campaigns import access, services
from campaigns.ledger import ledger
from campaigns.models import Campaign
from directory import user_memberships
from library import public_photos

#: the going-live conditions in the order the checklist shows them, each with what it says
#: when it is met
CHECKS: tuple[tuple[str, Any], ...] = (
    ("host", _l("The host association is approved.")),
    ("authorization", _l("A public-appeal authorisation is valid today (law 18-18).")),
    ("bank_reference", _l("The bank account the funds go to is given.")),
    ("budget_lines", _l("The budget has at least one line.")),
    ("target_group", _l("The campaign says who it is for.")),
    ("report", _l("No report of an earlier campaign is overdue.")),
    ("group", _l("The host association carries the informal group's campaign.")),
)


def managed_associations(actor: Any) -> dict[int, str]:
    """The associations whose campaigns the actor may draft: id -> name."""
    if actor is None:
        return {}
    return {
        m.association_id: m.association_name
        for m in user_memberships(actor.id)
        if m.role in access.MANAGER_ROLES
    }


def checklist(row: Campaign) -> list[dict[str, Any]]:
    """Each going-live condition: met or not, what it says, and where to fix it."""
    missing = services.missing_for_live(row)
    edit = url_for("campaigns.edit", campaign_id=row.id)
    overdue = services.overdue_reports(row.association_id)
    fixes = {
        "host": url_for("directory.show_association", association_id=row.association_id),
        "authorization": url_for(
            "library.calendar", association_id=row.association_id, _anchor="new-authorization"
        ),
        "bank_reference": f"{edit}#f-bank_reference",
        "budget_lines": f"{edit}#f-budget_lines",
        "target_group": f"{edit}#f-target_group",
        "report": url_for("campaigns.manage", campaign_id=overdue[0].id) if overdue else edit,
        "group": url_for("campaigns.manage", campaign_id=row.id, _anchor="group"),
    }
    return [
        {
            "key": key,
            "ok": key not in missing,
            "met": str(met),
            "missing": str(services.MISSING[key]),
            "fix": fixes[key],
        }
        for key, met in CHECKS
        if key != "group" or row.group_name
    ]


def manage_extras(row: Campaign, actor: Any) -> dict[str, Any]:
    """What the host's page adds for the forms above."""
    return {
        "photos": public_photos(row.association_id),
        "checks": checklist(row) if row.status == "draft" else [],
        "actor_id": actor.id,
        "auditor_or_treasurer": access.may_see_receipt(actor, row),
        "figures": ledger(row.id),
    }
