"""The library's words in the reader's language: kinds, audiences, statuses, obligations
(pages, PDFs and handover packs use the same)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "statutes": _l("Statutes"),
    "provisional_receipt": _l("Provisional receipt of declaration"),
    "final_receipt": _l("Final receipt of declaration"),
    "board_list": _l("Board list"),
    "general_assembly_minutes": _l("General assembly minutes"),
    "financial_report": _l("Financial report"),
    "activity_report": _l("Activity report"),
    "authorization": _l("Authorisation"),
    "contract": _l("Contract"),
    "receipt": _l("Receipt"),
    "photo": _l("Photo"),
    "video": _l("Video"),
    "template": _l("Template"),
    "guide": _l("Guide"),
    "handover_pack": _l("Handover pack"),
}
VISIBILITY_LABELS = {
    "admins": _l("Administrators only"),
    "members": _l("Members"),
    "network": _l("Everyone signed in"),
    "public": _l("Public"),
}
AUTHORIZATION_LABELS = {
    "public_appeal": _l("Public appeal for donations"),
    "distribution": _l("Distribution"),
    "contractual_volunteering": _l("Contractual volunteering"),
    "data_protection": _l("Personal data processing (CNDP)"),
    "medical_campaign": _l("Free medical campaign (health delegation)"),
}
STATUS_LABELS = {
    "open": _l("Open"),
    "done": _l("Done"),
    "overdue": _l("Overdue"),
    "waived": _l("Waived"),
}


OBLIGATION_LABELS = {
    "final_receipt": _l("Final receipt of the declaration expected"),
    "declare_change": _l("Declare the change of board or statutes to the authorities"),
    "general_assembly": _l("Hold the yearly general assembly"),
    "document_expiring": _l("Renew: %(title)s"),
    "authorization_expiring": _l("Authorisation %(ref)s expires"),
    "campaign_report": _l("File the final report of the campaign: %(title)s"),
}


def obligation_label(ob: Any) -> str:
    """The obligation's title in the reader's language (derived kinds), else as stored."""
    label = OBLIGATION_LABELS.get(ob.kind)
    if label is None:
        return str(ob.title)
    if ob.kind in ("document_expiring", "authorization_expiring", "campaign_report"):
        return str(label) % {"title": ob.title, "ref": ob.title}
    return str(label)


#: Attendance in activity reports (pages and PDF).
SEX_LABELS = {"female": _l("Women and girls"), "male": _l("Men and boys")}
