"""Labels of the offers' seeded lists (support types, audiences, delivery modes, statuses),
translated when shown; the one list pages, API and notifications use."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.i18n import code_label

#: the translated label of a code of one of the tables below
label = code_label

SUPPORT_TYPE_LABELS: dict[str, Any] = {
    "care": _l("Care and nursing"),
    "physiotherapy": _l("Physiotherapy"),
    "children_activities": _l("Activities for children"),
    "medical_devices": _l("Medical devices"),
    "medicines": _l("Medicines"),
    "training": _l("Training"),
    "books": _l("Books and school supplies"),
    "clothes": _l("Clothes"),
    "career_advice": _l("CV and interview advice"),
    "tutoring": _l("Tutoring"),
    "food": _l("Food"),
    "furniture": _l("Furniture and household items"),
    "transport": _l("Transport"),
    "other": _l("Other help"),
}
SUPPORT_TYPE_ICONS: dict[str, str] = {
    "care": "heart-pulse",
    "physiotherapy": "person-walking",
    "children_activities": "balloon",
    "medical_devices": "bandaid",
    "medicines": "capsule",
    "training": "easel",
    "books": "book",
    "clothes": "handbag",
    "career_advice": "briefcase",
    "tutoring": "pencil",
    "food": "basket",
    "furniture": "lamp",
    "transport": "car-front",
    "other": "gift",
}
AUDIENCE_LABELS: dict[str, Any] = {
    "student": _l("Students"),
    "mother": _l("Mothers"),
    "child": _l("Children"),
    "learning_difficulties": _l("Children with learning difficulties"),
    "elderly": _l("Elderly people"),
    "disability": _l("People with a disability"),
    "family": _l("Families in need"),
    "anyone": _l("Anyone in need"),
}
DELIVERY_LABELS: dict[str, Any] = {
    "pickup": _l("Pickup"),
    "delivery": _l("Delivered"),
    "remote": _l("Remote (online or by phone)"),
    "at_provider": _l("At the provider's place"),
}
ALLOCATION_LABELS: dict[str, Any] = {
    "choose": _l("I choose among the requests"),
    "first_come": _l("First come, first served"),
    "lottery": _l("Draw after 24 hours (fair chance)"),
}
STATUS_LABELS: dict[str, Any] = {
    "review": _l("Waiting for review"),
    "published": _l("Published"),
    "paused": _l("Paused"),
    "consumed": _l("Given"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
    "refused": _l("Refused"),
}
CLAIM_STATUS_LABELS: dict[str, Any] = {
    "pending": _l("Waiting for the answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "received": _l("Received"),
    "no_show": _l("Did not come"),
    "withdrawn": _l("Withdrawn"),
    "closed": _l("The offer has ended"),
}
KIND_LABELS: dict[str, Any] = {
    "offer": _l("Free offer"),
    "blood_request": _l("Blood donation request"),
}
