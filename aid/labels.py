"""The words for aid's codes, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import code_label

#: the translated label of a code of one of the tables below
label = code_label

STATUS = {
    "pending": _l("Waiting for verification"),
    "verified": _l("Verified"),
    "duplicate": _l("Set aside as a duplicate"),
    "archived": _l("Archived"),
}
ORIGIN = {"assisted": _l("Registered by the association"), "self": _l("Self-registration")}
AGE_BAND = {
    "under_5": _l("Under 5"),
    "age_5_17": _l("5 to 17"),
    "age_18_59": _l("18 to 59"),
    "age_60_plus": _l("60 and over"),
}
VULNERABILITY = {
    "widow_head": _l("Widow heading the household"),
    "single_parent": _l("Single parent"),
    "disability": _l("Person with a disability"),
    "chronic_illness": _l("Chronic illness"),
    "elderly_alone": _l("Elderly person alone"),
    "orphans": _l("Orphans in the household"),
    "no_income": _l("No regular income"),
    "disaster_affected": _l("Affected by a disaster"),
    "remote_douar": _l("Remote douar"),
}
REGISTRY = {
    "registered": _l("Declares being in the social registry (RSU)"),
    "not_registered": _l("Declares not being in the social registry"),
    "in_progress": _l("Registration in the social registry under way"),
    "unknown": _l("Does not know / not asked"),
}
CONSENT_MODE = {
    "paper": _l("Signed on paper"),
    "witnessed_verbal": _l("Spoken, before a witness"),
    "digital": _l("Given online"),
}
CONSENT_PURPOSE = {
    "aid_delivery": _l("Receiving aid"),
    "contact": _l("Being contacted"),
    "duplicate_check": _l("Checking for double registrations"),
    "statistics": _l("Anonymous statistics"),
}
LANGUAGE = {
    "ar": _l("Arabic"),
    "fr": _l("French"),
    "darija": _l("Darija"),
    "amazigh": _l("Amazigh"),
}
NEED = {
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
SIZE = {
    "xs": "XS",
    "s": "S",
    "m": "M",
    "l": "L",
    "xl": "XL",
    "xxl": "XXL",
    "child_2_4": _l("Child 2–4 years"),
    "child_5_8": _l("Child 5–8 years"),
    "child_9_12": _l("Child 9–12 years"),
}
VERIFY = {
    "home_visit": _l("Home visit"),
    "document_seen": _l("Document seen"),
    "referral": _l("Referral by a partner"),
    "known_member": _l("Known to a member"),
}
DECISION = {
    "distinct": _l("Two different households"),
    "duplicate": _l("The same household: set the new one aside"),
    "merge": _l("The same household: merge the needs"),
}
MATCHED = {
    "phone": _l("Same phone number"),
    "national_id": _l("Same national ID"),
    "name": _l("Same name, birth year and commune"),
}
MOVEMENT = {
    "donation_in": _l("Donation received"),
    "purchase": _l("Purchase"),
    "transfer": _l("Transfer"),
    "distribution_out": _l("Distributed"),
    "adjustment": _l("Adjustment"),
    "audit": _l("Stock count"),
}
PLACE = {"premises": _l("The association's premises"), "public_site": _l("A public site")}


def network_message(result: dict[str, str]) -> str:
    """The cross-association check's answer in words (category and month only)."""
    status = result.get("status")
    if status == "served":
        return str(
            _(
                "Already served by another association for %(category)s in %(month)s.",
                category=label(NEED, result.get("category")),
                month=result.get("month", ""),
            )
        )
    if status == "none":
        return str(_("Not served by another association of the network."))
    if status == "limit_reached":
        return str(
            _("The network check is paused: this association used its checks for this hour.")
        )
    return ""


GRIEVANCE_KIND = {
    "exclusion": _l("Left out of aid"),
    "quality": _l("Quality of the aid"),
    "conduct": _l("Conduct of someone of the association"),
    "data_access": _l("See the data kept about my household"),
    "data_correction": _l("Correct the data kept about my household"),
}
GRIEVANCE_STATUS = {
    "open": _l("Waiting for an answer"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
}
PERSONAL_FIELD = {
    "head_name": _l("Name of the head of household"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "birth_year": _l("Year of birth"),
    "contact": _l("Contact"),
}

PROXY_RELATION = {
    "spouse": _l("Spouse"),
    "child": _l("Son or daughter"),
    "parent": _l("Father or mother"),
    "sibling": _l("Brother or sister"),
    "relative": _l("Other relative"),
    "neighbour": _l("Neighbour"),
    "other": _l("Someone else"),
}
DELIVERY_STATUS = {
    "scheduled": _l("Scheduled"),
    "delivered": _l("Delivered"),
    "failed": _l("Not delivered"),
}
DELIVERY_PROOF = {"pin": _l("The household's PIN"), "witness": _l("A witness from the team")}
