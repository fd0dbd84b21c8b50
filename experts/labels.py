"""Labels of the experts' lists (domains, modes, languages, statuses), translated when shown;
the one list pages, API and notifications use."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.i18n import code_label

#: the translated label of a code of one of the tables below
label = code_label

DOMAIN_LABELS: dict[str, Any] = {
    "legal": _l("Legal"),
    "accounting": _l("Accounting"),
    "fundraising": _l("Fundraising"),
    "monitoring_evaluation": _l("Monitoring and evaluation"),
    "psychosocial": _l("Psychosocial support"),
    "it": _l("IT and digital tools"),
    "communication": _l("Communication"),
    "project_management": _l("Project management"),
}
DOMAIN_ICONS: dict[str, str] = {
    "legal": "bank",
    "accounting": "calculator",
    "fundraising": "piggy-bank",
    "monitoring_evaluation": "graph-up",
    "psychosocial": "heart",
    "it": "laptop",
    "communication": "megaphone",
    "project_management": "kanban",
}
MODE_LABELS: dict[str, Any] = {
    "question": _l("A written question"),
    "session": _l("A one-hour session"),
    "project": _l("A scoped project"),
}
LANGUAGE_LABELS: dict[str, Any] = {
    "ar": _l("Arabic"),
    "fr": _l("French"),
    "en": _l("English"),
    "zgh": _l("Amazigh"),
}
STATUS_LABELS: dict[str, Any] = {
    "offered": _l("Looking for an expert"),
    "accepted": _l("In progress"),
    "closed": _l("Answered"),
    "rated": _l("Rated"),
    "unmatched": _l("No expert available"),
    "cancelled": _l("Cancelled"),
}
OFFER_STATUS_LABELS: dict[str, Any] = {
    "open": _l("Waiting for your answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Passed on (no answer in 48 hours)"),
    "withdrawn": _l("Passed on (you became unavailable)"),
}
SESSION_STATUS_LABELS: dict[str, Any] = {
    "booked": _l("Booked"),
    "held": _l("Held"),
    "cancelled": _l("Cancelled"),
}
