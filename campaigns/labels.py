"""Labels of the campaigns' codes (statuses, models, methods, aid categories), translated when
shown; the one list pages, API and PDFs use."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.i18n import code_label

#: the translated label of a code of one of the tables below
label = code_label

STATUS_LABELS: dict[str, Any] = {
    "draft": _l("Draft"),
    "live": _l("Collecting"),
    "failed": _l("Minimum not reached: refunds under way"),
    "closed": _l("Closed"),
}
MODEL_LABELS: dict[str, Any] = {
    "keep": _l("The association keeps what is raised"),
    "all_or_nothing": _l("All or nothing: refunded if the minimum is not reached"),
}
METHOD_LABELS: dict[str, Any] = {
    "transfer": _l("Bank transfer"),
    "cash": _l("Cash or in person"),
    "card": _l("Card"),
}
CONTRIBUTION_LABELS: dict[str, Any] = {
    "pledged": _l("Waiting for the money"),
    "confirmed": _l("Received"),
    "refunded": _l("Refunded"),
    "cancelled": _l("Cancelled"),
}
EXPENSE_LABELS: dict[str, Any] = {
    "submitted": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "paid": _l("Paid"),
    "rejected": _l("Rejected"),
}
#: aid's categories (the codes of ``aid_delivered`` and ``aid_needs``)
CATEGORY_LABELS: dict[str, Any] = {
    "food_basket": _l("Food basket"),
    "rent": _l("Rent"),
    "school_device": _l("School device (tablet, computer)"),
    "school_supplies": _l("School supplies"),
    "clothing": _l("Clothing"),
    "blanket": _l("Blankets"),
    "tent": _l("Tent"),
    "medical_device": _l("Medical device"),
    "hygiene_kit": _l("Hygiene kit"),
    "heating": _l("Heating"),
}
ANONYMOUS = _l("Anonymous")
ZAKAT = _l("Zakat eligibility declared by the association")
