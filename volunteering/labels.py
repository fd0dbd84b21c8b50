"""Labels of volunteering's lists (skills, languages, statuses), translated when shown."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.i18n import code_label

#: the translated label of a code of one of the tables below
label = code_label

SKILL_LABELS: dict[str, Any] = {
    "teaching": _l("Teaching and tutoring"),
    "health": _l("Health care"),
    "first_aid": _l("First aid"),
    "construction": _l("Building and repairs"),
    "logistics": _l("Logistics"),
    "cooking": _l("Cooking"),
    "animation": _l("Children's activities"),
    "communication": _l("Communication"),
    "it": _l("Computing"),
    "translation": _l("Translation"),
    "accounting": _l("Accounting"),
    "legal": _l("Legal help"),
    "driving": _l("Driving"),
    "other": _l("Other skills"),
}
LANGUAGE_LABELS: dict[str, Any] = {
    "ar": _l("Arabic"),
    "ary": _l("Darija"),
    "zgh": _l("Amazigh"),
    "fr": _l("French"),
    "en": _l("English"),
    "es": _l("Spanish"),
}
APPLICATION_LABELS: dict[str, Any] = {
    "pending": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Not retained"),
    "withdrawn": _l("Withdrawn"),
}
HOURS_LABELS: dict[str, Any] = {
    "pending": _l("To be verified"),
    "verified": _l("Verified"),
}
CLOSE_LABELS: dict[str, Any] = {
    "ended": _l("Ended"),
    "inactive": _l("Closed after 90 days without activity"),
    "closed": _l("Closed by the association"),
}


def hours(minutes: int) -> str:
    """Minutes as hours with at most one decimal ("2.5")."""
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


CARAVAN_STATUS: dict[str, Any] = {
    "draft": _l("Draft"),
    "planning": _l("Planning"),
    "ready": _l("Ready"),
    "under_way": _l("Under way"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
COMPONENT_LABELS: dict[str, Any] = {
    "medical": _l("Medical day"),
    "school_repair": _l("School repair"),
    "distribution": _l("Distribution"),
    "children": _l("Children's activities"),
    "training": _l("Training"),
}
PARTNER_STATUS: dict[str, Any] = {
    "invited": _l("Invited"),
    "accepted": _l("Taking part"),
    "declined": _l("Declined"),
}
LOAD_LABELS: dict[str, Any] = {
    "aid_kit": _l("Aid kit"),
    "distribution": _l("Distribution"),
}
#: The library's authorisation kinds a caravan's components need, as the checks name them.
AUTHORIZATION_NEEDED: dict[str, Any] = {
    "medical_campaign": _l("free medical campaign"),
    "distribution": _l("distribution"),
}
