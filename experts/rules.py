"""What a request for an expert's help and an expert's answer may not contain, in four writing
styles (``app/rules`` engine).

Refused: fees and payment asks (help on jam3ia is free: no fee, tariff or paid follow-up, and
an association does not offer to pay), links, e-mail addresses and phone numbers (the
association and the expert write to each other here), and the personal data of the people an
association helps (national ID card numbers; their phone numbers are caught as phones).
``tests/experts/test_rules.py`` runs each rule's examples and passes. The detectors also
serve the redaction of a consultation published in the library (:mod:`experts.knowledge`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api import ApiError
from app.rules import BLOCK, LINK_PATTERNS, Folded, Hit, Rule, RuleSet, arabic, phone_spans, words

VERSION = 1

#: an e-mail address (folded text: lower case)
EMAIL = re.compile(
    r"[a-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\])\s*[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"
)
#: a Moroccan national ID card number (CIN): one or two letters, then five or six digits
CIN = re.compile(r"(?<![a-z0-9])[a-z]{1,2}\s?-?\d{5,6}(?![0-9])")
#: the words that announce one ("CIN", "carte nationale", "البطاقة الوطنية", "la carte")
CIN_WORDS = re.compile(
    r"(?:cin|c\.i\.n|carte\s+(?:d'identite\s+)?nationale|lbita9a|l?bitaka|بطاقه|البطاقه)"
)


def email_spans(folded: Folded) -> Iterator[tuple[int, int]]:
    """E-mail addresses, also written with "(at)"."""
    for match in EMAIL.finditer(folded.text):
        yield match.span()


def national_id_spans(folded: Folded) -> Iterator[tuple[int, int]]:
    """National ID card numbers: letters glued to five or six digits ("AB123456", "J 412345"
    after "CIN"); a letter, a space and digits alone ("n 12345") is not one."""
    text = folded.text
    for match in CIN.finditer(text):
        glued = re.fullmatch(r"[a-z]{1,2}\d{5,6}", match.group()) is not None
        if glued or CIN_WORDS.search(text[max(0, match.start() - 30) : match.start()]):
            yield match.span()


RULES = RuleSet(
    "experts",
    VERSION,
    (
        Rule(
            "FEE",
            BLOCK,
            _l(
                "Experts help associations for free: no fee, tariff or paid follow-up is asked"
                " or offered here."
            ),
            patterns=(
                arabic(
                    "اتعاب",
                    "اجره",
                    "اجرتك",
                    "مقابل مادي",
                    "مقابل مالي",
                    "تعريفه",
                    "نخلصك",
                    "نخلصوك",
                    "تخلصني",
                    "تخلصوني",
                    "كتاخد",
                    "تاخذ",
                    "بشحال",
                    "شحال",
                    "الفلوس",
                    "فلوس",
                ),
                words(
                    r"honoraires?|tarifs?|remuneration|retribution|facturer|devis",
                    r"(?:vous|te|t')\s*pay\w*|pay\w*\s+(?:l'expert|vos\s+services|votre\s+travail)",
                    r"frais\s+(?:de\s+)?(?:consultation|seance|dossier|service|deplacement)",
                    r"(?:consultation|seance|suivi|accompagnement)\s+payant\w*",
                    r"prix\s+de\s+(?:la\s+|votre\s+)?(?:seance|consultation|service)",
                    r"combien\s+(?:coute|ca\s+coute|vous\s+prenez|prenez-vous)",
                    r"\d+\s*(?:dh|mad|dirhams?|euros?|€)\s*(?:l'heure|par\s+heure|la\s+seance)",
                    r"fees?|hourly\s+rate|we\s+(?:can\s+)?pay\s+you|my\s+rate",
                    r"nkhal?s(?:ek|ok|ouk)|t?khal?s(?:ni|ouni)|ch7al\s+katakhod|b\s?ch7al|flous",
                ),
                r"\d+\s*(?:درهم|دراهم)\s*(?:للساعه|في الساعه|للحصه)",
            ),
            negatable=True,
            examples={
                "ar": ("نحن مستعدون لدفع أتعاب المحامي مقابل هذه الاستشارة",),
                "darija": ("شحال كتاخد على الجلسة؟ نقدرو نخلصوك",),
                "arabizi": ("ch7al katakhod 3la la séance? n9dro nkhalsok",),
                "fr": (
                    "Mes honoraires sont de 300 DH la séance, payables d'avance",
                    "Nous pouvons vous payer pour le suivi du dossier",
                ),
            },
            passes=(
                "Comment présenter un budget de 200 000 DH pour un appel à projets ?",
                "Notre trésorier paie les factures des fournisseurs par virement : quelles "
                "pièces garder ?",
                "كيف نعد التقرير المالي السنوي للجمعية؟",
                "Conseil gratuit, sans aucun frais pour l'association",
            ),
        ),
        Rule(
            "LINK",
            BLOCK,
            _l("Links and social media handles are not allowed: you write to each other here."),
            patterns=LINK_PATTERNS,
            examples={
                "fr": ("Voir le modèle sur www.modeles-asso.ma",),
                "ar": ("تجدون النموذج على الرابط في صفحتنا",),
                "arabizi": ("chofo lien f bio dyali",),
                "darija": ("زورو الصفحة ديالنا facebook.com/jam3iya",),
            },
            passes=("Le modèle de procès-verbal est dans la bibliothèque de jam3ia",),
        ),
        Rule(
            "EMAIL",
            BLOCK,
            _l("E-mail addresses are not shown: you write to each other here."),
            detector=email_spans,
            examples={
                "fr": ("Écrivez-moi à salma.avocate@gmail.com",),
                "arabizi": ("sift liya f amal.asso(at)yahoo.fr",),
            },
            passes=("L'adresse du siège est 12 rue Atlas, Agadir",),
        ),
        Rule(
            "PHONE",
            BLOCK,
            _l(
                "Phone numbers are not shown, neither yours nor those of the people you help:"
                " you write to each other here."
            ),
            detector=phone_spans,
            examples={
                "fr": ("Appelez-moi au 06 12 34 56 78",),
                "darija": ("عيط ليا فـ 0661234567",),
                "arabizi": ("3ayet liya 0612345678",),
                "ar": ("رقم هاتف المستفيدة 0712345678",),
            },
            passes=("L'assemblée générale du 12/12/2026 a réuni 35 adhérents",),
        ),
        Rule(
            "PERSONAL_ID",
            BLOCK,
            _l(
                "The national ID numbers of the people you help are personal data: describe"
                " the situation without them."
            ),
            detector=national_id_spans,
            examples={
                "fr": ("La bénéficiaire (CIN JB412345) n'a pas reçu son aide",),
                "ar": ("المستفيد صاحب البطاقة الوطنية رقم J 412345 لم يتوصل بالدعم",),
                "arabizi": ("lbita9a dyalha AB123456",),
            },
            passes=(
                "Article 5 de la loi 06-18 et le décret 2-04-969",
                "Nous accompagnons 120 familles à Taroudant",
            ),
        ),
    ),
)


def refuse(hits: list[Hit], field: str) -> ApiError:
    """The 422 of a request or an answer that breaks the rules: the hits under ``hits``, and
    each hit's reason beside ``field`` (shown on the page)."""
    return ApiError(
        422,
        "expert_rules",
        _("This text does not follow the platform's rules for experts."),
        {"hits": [h.as_dict() for h in hits], field: [h.message for h in hits]},
    )


def check(text: str, field: str) -> None:
    """Refuse ``text`` (422 ``expert_rules``) when it breaks a rule."""
    hits = RULES.check(text)
    if hits:
        raise refuse(hits, field)
