"""What an update to a campaign's contributors may not carry (``app/rules`` engine): the
names of the people helped, their phone numbers and their national ID numbers. Donors read
what was done, never who received it. ``tests/campaigns/test_updates.py`` runs each rule's
examples and passes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api import ApiError
from app.rules import BLOCK, Rule, RuleSet, arabic, phone_spans, words

VERSION = 1

RULES = RuleSet(
    "campaign_updates",
    VERSION,
    (
        Rule(
            "BENEFICIARY_NAME",
            BLOCK,
            _l("Do not name the people helped: say what was done, not who received it."),
            patterns=(
                words(
                    r"(?:mme|madame|mr|monsieur|mlle|mademoiselle|lalla|hajja|haja|hadja|"
                    r"si|sidi|veuve|la\s+veuve)\s+[a-z]{3,}",
                    r"(?:nommee?|appelee?|prenommee?|smitha|smito|smiytha)\s+[a-z]{3,}",
                ),
                r"(?<!\w)(?:السيد|السيده|الحاجه|الحاج|الارمله|لاله|لالا|للا|المسماه|المسمي|اسمها|اسمه|سميتها|سميتو)"
                r"\s+[\u0621-\u064a]{3,}",
            ),
            examples={
                "ar": ("وصلت القفة إلى السيدة فاطمة في دوار أيت يعزة",),
                "darija": ("عطينا القفة لـ لالة خديجة الله يحفظها",),
                "arabizi": ("3tina l9ffa l lalla khadija f douar",),
                "fr": ("Le panier a été remis à Mme Bennani, veuve avec quatre enfants",),
            },
            passes=(
                "312 paniers remis à 298 foyers vérifiés dans 4 douars de Taroudant",
                "وزعنا 312 قفة على 298 أسرة في 4 دواوير بتارودانت",
            ),
        ),
        Rule(
            "PHONE",
            BLOCK,
            _l("No phone numbers in an update: the people helped keep their privacy."),
            detector=phone_spans,
            examples={
                "ar": ("للتواصل مع الأسرة: 0612345678",),
                "darija": ("عيطو ليها ف 06 12 34 56 78",),
                "arabizi": ("3ayto liha f 0661234567",),
                "fr": ("Son numéro : 06.61.23.45.67",),
            },
            passes=("Distribution le 12/03 à 10 h au douar Ait Iazza",),
        ),
        Rule(
            "NATIONAL_ID",
            BLOCK,
            _l("No national ID (CIN) numbers in an update."),
            patterns=(
                r"(?<![a-z0-9])[a-z]{1,2}\s?\d{5,7}(?!\d)",
                words(r"(?:cin|cnie)\s*(?:n|no|numero|:)?\s*\S*\d{4,}"),
                arabic("رقم البطاقه الوطنيه", "البطاقه الوطنيه رقم"),
            ),
            examples={
                "ar": ("رقم البطاقة الوطنية JB123456",),
                "darija": ("لاكارط ديالها J456789",),
                "arabizi": ("cin dyalha jb 123456",),
                "fr": ("CIN n° JB123456",),
            },
            passes=("Budget : 45 000 DH pour 300 paniers",),
        ),
    ),
)


def refuse(text: str) -> None:
    """A 422 ``update_refused`` naming each rule the update breaks, with its excerpt."""
    hits = RULES.check(text)
    if hits:
        raise ApiError(
            422,
            "update_refused",
            _("This update cannot be sent:") + " " + " ".join(h.message for h in hits),
            {"body": [h.message for h in hits], "hits": [h.as_dict() for h in hits]},
        )
