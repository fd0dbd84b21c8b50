"""Telling a household its slot: an SMS-ready text in the household's language (counted in
SMS segments, GSM-7 or UCS-2) for the coordinator to send by phone, and an in-app
notification to the account that registered the household itself. The notification never
holds the one-time code (notifications are stored in clear); the SMS the coordinator sends
does."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from aid.models import Distribution, Entitlement, Household
from app.i18n import reading_as
from app.notifications.services import notify

#: GSM 03.38 basic set (one septet each) and its extension table (two septets each)
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
#: the household's consent language -> the language of its SMS
SMS_LANGUAGE = {"ar": "ar", "darija": "ar", "fr": "fr", "amazigh": "fr"}


def sms_segments(text: str) -> dict[str, Any]:
    """How an SMS carries ``text``: ``gsm`` (160 septets in one, 153 per part) when every
    character is in the GSM 7-bit set, otherwise ``ucs2`` (70 characters in one, 67 per
    part, what Arabic needs)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        length = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "gsm"
    else:
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, part, encoding = 70, 67, "ucs2"
    segments = 1 if length <= single else -(-length // part)
    return {"encoding": encoding, "length": length, "segments": segments, "per_segment": single}


def sms_text(distribution: Distribution, starts_at: Any, code: str, language: str) -> str:
    """The short text of the slot, in ``language`` (``ar`` or ``fr``)."""
    with reading_as(language, None):
        return str(
            _(
                "%(title)s: %(when)s, %(place)s. Code %(code)s.",
                title=distribution.title,
                when=format_datetime(starts_at, "short"),
                place=distribution.place,
                code=code,
            )
        )


def slot_sms(
    distribution: Distribution, household: Household, starts_at: Any, code: str
) -> dict[str, Any]:
    """The SMS-ready text for the coordinator: its language, text and segment count."""
    language = SMS_LANGUAGE.get(household.consent_language, "ar")
    text = sms_text(distribution, starts_at, code, language)
    return {"language": language, "text": text, **sms_segments(text)}


def notify_slot(
    actor: Any, distribution: Distribution, household: Household, entitlement: Entitlement
) -> None:
    """An in-app notification to the person who registered their own household (no code)."""
    if household.origin != "self" or household.registrar_id is None:
        return
    notify(
        [household.registrar_id],
        kind="aid_slot",
        subject=f"aid_entitlement:{entitlement.id}",
        text=_l(
            "Your household %(number)s has a place at “%(title)s” (%(place)s). The association "
            "gives you the time and your code by phone.",
            number=household.number,
            title=distribution.title,
            place=distribution.place,
        ),
        url=url_for("notifications.notifications_page"),
        actor_id=actor.id,
        data={"distribution_id": distribution.id},
    )
