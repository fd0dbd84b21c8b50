"""What a call for volunteers may not be, in four writing styles (``app/rules`` engine).

Refused: fees charged to volunteers (registration, "participation", a kit to buy: the field's
scam), commercial aims (selling, prospecting, unpaid work for a business) and electoral aims
(a party, a candidate, a campaign), links and phone numbers (volunteers apply here; their
numbers and the association's stay off the page). ``tests/volunteering/test_rules.py`` runs each
rule's examples and passes.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api import ApiError
from app.rules import BLOCK, LINK_PATTERNS, Hit, Rule, RuleSet, arabic, phone_spans, words

VERSION = 1

RULES = RuleSet(
    "volunteering",
    VERSION,
    (
        Rule(
            "FEE",
            BLOCK,
            _l(
                "Volunteers never pay to volunteer: no registration fee, contribution, kit or "
                "training to buy."
            ),
            patterns=(
                arabic(
                    "رسوم",
                    "واجب التسجيل",
                    "واجب المشاركه",
                    "مساهمه ماليه",
                    "ثمن المشاركه",
                    "خلص",
                    "تخلص",
                    "يخلص",
                    "نخلص",
                    "دفع",
                    "يدفع",
                    "تدفع",
                ),
                words(
                    r"frais\s+(?:d'|de\s+|des\s+)?(?:inscription|participation|dossier|formation)",
                    r"droits?\s+d'inscription",
                    r"participation\s+(?:de|financiere|aux\s+frais)",
                    r"(?:a|en)\s+payer|payant\w*|paie[rz]?|payer|versez|cotisation",
                    r"\d+\s*(?:dh|mad|dirhams?|euros?|€)",
                    r"khless|khelless|khalas|khlles|tkhelles|ykhelles|nkhelsso|tkhlss|khalsso",
                    r"wajib|wajeb|9er3a|frais",
                ),
                r"\d+\s*(?:درهم|دراهم|ريال)",
            ),
            negatable=True,
            examples={
                "ar": ("للمشاركة في القافلة يجب دفع رسوم التسجيل 200 درهم",),
                "darija": ("خاص كل متطوع يخلص 150 درهم ديال التسجيل",),
                "arabizi": ("kol motatawi3 khasso ykhelles 100 dh dyal inscription",),
                "fr": ("Frais d'inscription de 300 DH pour chaque bénévole",),
            },
            passes=(
                "Repas et transport pris en charge par l'association, sans aucun frais",
                "نبحث عن متطوعين لترميم مدرسة في دوار إمي نتانوت، النقل والأكل على الجمعية",
            ),
        ),
        Rule(
            "COMMERCIAL",
            BLOCK,
            _l(
                "Volunteering serves a public-interest cause: no selling, prospecting or free "
                "work for a business."
            ),
            patterns=(
                arabic("بيع", "مبيعات", "زبناء", "زبائن", "تسويق منتج", "شركه", "مقاوله"),
                words(
                    r"vente|vendre|prospection|prospecter|demarchage|commercial\w*",
                    r"clients?|entreprise|societe|sarl|produits?\s+a\s+vendre",
                    r"bi3|nbi3o|bi3\s+dyal|zbayen|zbone|charika|company",
                ),
            ),
            negatable=True,
            examples={
                "ar": ("نبحث عن متطوعين لبيع منتجات الشركة في الأسواق",),
                "darija": ("بغينا متطوعين يجيبو لينا زبناء جداد",),
                "arabizi": ("bghina benevoles bach nbi3o produits dyal charika",),
                "fr": ("Bénévoles pour prospection de clients pour notre entreprise",),
            },
            passes=("Animation d'ateliers de lecture pour les enfants du quartier",),
        ),
        Rule(
            "ELECTORAL",
            BLOCK,
            _l("Volunteering here has no electoral aim: no party, candidate or campaign."),
            patterns=(
                arabic("انتخاب", "حزب", "مرشح", "حمله انتخابيه", "صوتوا", "التصويت"),
                words(
                    r"electora\w*|elections?|candidats?|parti\s+politique",
                    r"votez|voter\s+pour|campagne\s+politique",
                    r"intikhab\w*|l?7izb|morachah|sawto|sawtou",
                ),
            ),
            examples={
                "ar": ("متطوعون للحملة الانتخابية لمرشح الحزب في الدائرة",),
                "darija": ("بغينا شباب يدورو مع المرشح ديالنا فالحومة",),
                "arabizi": ("bghina chabab l campagne dyal l intikhabat m3a l 7izb",),
                "fr": ("Bénévoles pour la campagne électorale de notre candidat",),
            },
            passes=("Sensibilisation à l'hygiène bucco-dentaire dans les écoles",),
        ),
        Rule(
            "LINK",
            BLOCK,
            _l("Links and social media handles are not allowed: volunteers apply here."),
            patterns=LINK_PATTERNS,
            examples={
                "ar": ("للتسجيل ادخلوا على الرابط www.example.ma",),
                "darija": ("سجلو فالانستا @qafila_help",),
                "arabizi": ("tsejlo f lien f bio",),
                "fr": ("Inscriptions sur bit.ly/benevoles",),
            },
        ),
        Rule(
            "PHONE",
            BLOCK,
            _l("Phone numbers are not shown: volunteers apply here and you answer them here."),
            detector=phone_spans,
            examples={
                "ar": ("للتواصل ٠٦١٢٣٤٥٦٧٨",),
                "darija": ("عيطو ليا 06 12 34 56 78",),
                "arabizi": ("3iyto 06xx xx xx 12",),
                "fr": ("Appelez au +212 6 61 23 45 67",),
            },
            passes=("Le 05/12/2026 à 10h, 12 places pour les jeunes d'Oujda",),
        ),
    ),
)


def refuse(hits: list[Hit]) -> ApiError:
    """The 422 of a call for volunteers that breaks the rules, with each hit's reason."""
    return ApiError(
        422,
        "volunteering_rules",
        _("This call for volunteers does not follow the platform's rules."),
        {"hits": [h.as_dict() for h in hits]},
    )
