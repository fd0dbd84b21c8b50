"""The "J'offre gratuitement" rules: what a free offer may not be, in four writing styles.

The seed group's rules, made data plus code (``app/rules``): a post offers the author's own help
for free; refused are requests for help (except blood donation requests), calls to contribute
to caravans or other initiatives, job offers, paid contributions, advertising, medical
consultations, links to other sites and phone numbers (contact goes through the platform).
Each rule's ``examples`` are texts it must catch, one tuple per writing style (``ar`` Arabic,
``darija`` Darija in Arabic script, ``arabizi`` Darija in Latin letters and digits, ``fr``);
``passes`` are genuine offers it must leave alone. ``tests/offers/test_rules.py`` runs them and
the labelled corpus in ``tests/offers/corpus/``.

Bump :data:`VERSION` when a rule changes: a post's review records the version that judged it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api import ApiError
from app.rules import BLOCK, LINK_PATTERNS, Hit, Rule, RuleSet, arabic, phone_spans, words

VERSION = 2

#: A blood donation request: the one request the group allows.
BLOOD = (
    arabic("دم", "فصيله", "متبرع", suffix=False)
    + "|"
    + words(r"sang", r"d[e]?mm?", r"blood", r"groupe\s+sanguin", r"[abo]{1,2}\s?[+-]", r"ab\s?[+-]")
    + r"|(?<!\w)(?:ا|ب|او|o|a|b|ab)\s?[+-](?!\w)"
)

_GIVING_VERBS = (
    r"n3ti|n3tiw|n3awn|n3awen|nsa3ed|nsa3d|nmn7|nhdi|nqdm|n9adem|n9dm|nwsal|nwsel|ndir|"
    r"nkhdem|n9ra|nqra|nwarri|nfid|nfaked|n9tasem|nchark|nsahem"
)


RULES = RuleSet(
    "offers",
    VERSION,
    (
        Rule(
            "REQUEST",
            BLOCK,
            _l(
                "This board is for offering help, not asking for it. Only blood donation "
                "requests are allowed (choose \u201cBlood donation request\u201d)."
            ),
            patterns=(
                arabic(
                    "احتاج",
                    "نحتاج",
                    "انا محتاج",
                    "راني محتاج",
                    "حنا محتاجين",
                    "نحن محتاجون",
                    "ساعدوني",
                    "ساعدونا",
                    "عاونوني",
                    "عاونونا",
                    "عاوني",
                    "ابحث عن",
                    "نبحث عن",
                    "اطلب",
                    "خاصني",
                    "خصني",
                    "خاصنا",
                    "خصنا",
                    "كنقلب علي",
                    "كنقلبو علي",
                    "كانقلب علي",
                    "شي حد يعاوني",
                    "شي واحد يعاوني",
                    "من يساعدني",
                    "من يستطيع مساعدتي",
                    "في حاجه الي",
                    "بحاجه الي",
                    "المرجو المساعده",
                    "المحسنين",
                    "مساعدتنا",
                    "عاونوهم",
                    "ساعدوهم",
                    "اهل الخير",
                ),
                r"(?<!\w)[وف]?بغيت(?!\s+(?:نعطي|نعاون|نساعد|نهدي|نمنح|نقدم|نتبرع|نشارك|نفيد|ندير))",
                words(
                    r"bghit(?!\s+(?:" + _GIVING_VERBS + r"))",
                    r"bghina(?!\s+(?:" + _GIVING_VERBS + r"))",
                    r"khasni|5asni|khassni|5assni|khasna|5asna|khesni",
                    r"3awnouni|3awnoni|3awnuni|3awnona|3awnouna|3awnuna|sa3douni|sa3dona|sa3doni",
                    r"(?:ana|rani|7na|hna|ra)\s+(?:m7taj|mo7taj|m7taja|mo7taja|mehtaj|m7tajin)",
                    r"kan9(?:a|e)?l+(?:e|a)?bo?\s+3la",
                    r"(?:chkoun|chkon|chi\s+\w+)\s+y9der\s+y(?:3aw|sa3)\w*|3awnouhom|3awnohom|sa3douhom|mo7sinin|ahl\s+lkhir",
                    r"(?:de\s+)?nous\s+aider|aidez[\s-]*les",
                    r"chi\s+(?:wa7ed|7ad|had)\s+y3awni",
                    r"j'?\s*ai\s+besoin|nous\s+avons\s+besoin|on\s+a\s+besoin|besoin\s+d'?\s*aide",
                    r"aidez[\s-]*(?:moi|nous)|aide[rz]?\s+(?:ma|mon|mes)\s+\w+|m'?\s*aider",
                    r"je\s+(?:re)?cherche|nous\s+(?:re)?cherchons|on\s+cherche",
                    r"je\s+demande|svp\s+aide",
                ),
            ),
            unless=BLOOD,
            examples={
                "ar": ("أحتاج إلى كرسي متحرك لوالدي في فاس", "ساعدوني في مصاريف العلاج"),
                "darija": ("خاصني شي كرسي متحرك لماما", "بغيت شي خدمة عافاكم"),
                "arabizi": ("khasni chi wa7ed y3awni f lkra", "3awnouni a l5wa bghit dwa"),
                "fr": ("J'ai besoin d'un fauteuil roulant pour mon père", "Aidez-moi svp"),
            },
            passes=(
                "بغيت نعطي حوايج ديال الدراري فابور فسلا",
                "كرسي متحرك نعطيه فابور لشي واحد محتاجو، ولمن يحتاجها",
                "bghit n3awn 5 tlamid f lmaths fabor f agadir",
                "نحتاج متبرعين بالدم فصيلة O+ بمستشفى ابن سينا",
            ),
        ),
        Rule(
            "CONTRIBUTION_CALL",
            BLOCK,
            _l(
                "Calls to contribute to a caravan, a collection or another initiative are "
                "not offers. Associations can run a donation campaign instead."
            ),
            patterns=(
                arabic(
                    "ساهموا",
                    "ساهمو",
                    "ساهم معنا",
                    "تبرعوا",
                    "تبرعو",
                    "شاركوا معنا",
                    "شاركو معانا",
                    "ساهمي",
                    "دعمكم",
                    "ادعموا",
                    "ادعمو",
                    "جمع التبرعات",
                    "حمله تبرع",
                    "مساهمتكم",
                    "للمساهمه",
                    "كل مساهمه",
                    "ندعوكم للتبرع",
                    "تدعوكم",
                    "ندعوكم",
                    "تساهمو",
                    "تساهموا",
                    "دير دون",
                    "ديرو دون",
                    "شاركوا في مبادره",
                    "شاركوا في حمله",
                ),
                words(
                    r"sahmo|sahmou|sahmu|sahem\s+m3ana|tbar3o|tbr3o|tbar3ou|charko\s+m3ana",
                    r"dir(?:ou|o|i|iw)?\s+(?:un\s+)?don|3awnona\s+f|3awnouna\s+f|mosahamatkom|musahamatkum",
                    r"sa+hmo\w*|tsa+hmo\w*|tsa+hmou\w*",
                    r"toute\s+contribution|rejoigne[zr]\s+notre\s+(?:initiative|campagne|collecte|caravane)",
                    r"participe[zr]?|contribue[zr]?|faites\s+un\s+don|collecte\s+de\s+fonds",
                    r"cagnotte|soutene[zr]\s+(?:notre|nos|la)|faire\s+un\s+don|vos\s+dons",
                    r"donnez\s+pour|aidez\s+la\s+caravane|cotisation",
                ),
            ),
            negatable=True,
            unless=BLOOD,
            examples={
                "ar": ("ساهموا معنا في قافلة الشتاء لفائدة أطفال الأطلس",),
                "darija": ("ساهمو معانا فالقافلة ديال إفران",),
                "arabizi": ("sahmo m3ana f l9afila dyal lkhenifra",),
                "fr": ("Participez à notre collecte pour la caravane médicale",),
            },
        ),
        Rule(
            "JOB",
            BLOCK,
            _l("Job offers and recruitment are not free offers; post them on a job board."),
            patterns=(
                arabic(
                    "توظيف",
                    "فرصه عمل",
                    "فرص عمل",
                    "مطلوب عامل",
                    "مطلوب موظف",
                    "مطلوب سائق",
                    "مطلوبه",
                    "راتب",
                    "الخلصه",
                    "خلصه",
                    "اجره شهريه",
                    "كنقلبو علي خدام",
                    "عقد عمل",
                    "للعمل بدوام",
                    "بدوام كامل",
                    "بدوام جزئي",
                    "الخلاص",
                    "كونطرا",
                ),
                words(
                    r"recrute|recrutons|recrutement|on\s+recrute|j'?\s*embauche|on\s+embauche|nous\s+embauchons|offre\s+d'?\s*emploi",
                    r"poste\s+(?:de|a\s+pourvoir)|salaire|cdi|cdd|envoye[zr]\s+(?:votre|vos)\s+cv",
                    r"l5elsa|lkhelsa|lkhlsa|l5lsa|khelsa|5elsa|lkhlass?|l5lass?|khlass?",
                    r"(?:a\s+)?plein\s+temps|temps\s+partiel|mi-temps|kontra",
                    r"kan9albo\s+3la\s+(?:khdam|5dam|khddam)|mtloub|matloub|mtlob",
                ),
            ),
            negatable=True,
            examples={
                "ar": ("مطلوب عامل للعمل في مقهى بالدار البيضاء براتب محترم",),
                "darija": ("كنقلبو على خدام فالحانوت والخلصة مزيانة",),
                "arabizi": ("mtloub serveur f casa l5elsa mzyana",),
                "fr": ("On recrute un vendeur, CDD, salaire motivant",),
            },
            passes=("Je donne gratuitement des conseils pour réussir vos entretiens d'embauche",),
        ),
        Rule(
            "PAID",
            BLOCK,
            _l("Everything here is free: no price, no fee, no payment, no sale."),
            patterns=(
                # "ثمن"/"تمن" alone is also "eight" in Darija ("ثمن بلايص"): the price has an
                # article, a preposition or a pronoun
                r"(?<!\w)(?:و?(?:ب|بال|ال|فال))(?:ثمن|تمن)\w{0,3}(?!\w)|(?<!\w)(?:ثمن|تمن)(?:ه|ها|و|هم)(?!\w)",
                r"\d+\s*(?:dh|dhs|mad|dirhams?|درهم|دراهم|dr|euros?|€|rials?|ryal|ريال|فرنك)(?!\w)",
                arabic(
                    "ثمن رمزي",
                    "اثمنه",
                    "السعر",
                    "سعر",
                    "للبيع",
                    "نبيع",
                    "كنبيع",
                    "كانبيع",
                    "الدفع",
                    "مقابل مادي",
                    "رسوم",
                    "واجب التسجيل",
                    "بالفلوس",
                ),
                words(
                    r"prix|tarifs?|payante?s?|payer|paiement|a\s+vendre|vendre|vends|frais",
                    r"nbi3|kanbi3|lbi3|l\s*bi3|b\s*flous|bflous|taman|tman|thaman|ttaman",
                    r"frais\s+d'?\s*inscription|prix\s+symbolique",
                ),
            ),
            negatable=True,
            examples={
                "ar": ("دروس دعم في الرياضيات بثمن رمزي 50 درهم للحصة",),
                "darija": ("كنبيع كرسي متحرك بثمن مناسب",),
                "arabizi": ("kanbi3 7wayj dyal drari b 20dh",),
                "fr": ("Cours de soutien à prix symbolique, 100 dh le mois",),
            },
            passes=("Cours de soutien gratuits, sans aucun frais, pour 5 élèves à Salé",),
        ),
        Rule(
            "AD",
            BLOCK,
            _l("Advertising for a shop, a brand or a product is not allowed."),
            patterns=(
                r"(?<![\d.,])-?\d{1,2}\s*[%٪]",  # a discount (not "free at 100 %")
                arabic(
                    "تخفيض",
                    "تخفيضات",
                    "عرض خاص",
                    "عروض",
                    "متجرنا",
                    "محلنا",
                    "زوروا",
                    "زورو",
                    "اطلبوا الان",
                    "اطلبو",
                    "منتوجاتنا",
                    "ماركه",
                    "الهوتة",
                    "لهوتا",
                    "بروموسيون",
                    "مدرسه خاصه",
                    "حلات التسجيل",
                ),
                words(
                    r"promos?|promotion|soldes|reduction|remise|magasin|boutique|notre\s+marque",
                    r"commande[zr]?|commandi\w*|visite[zr]\s+notre|nos\s+produits|livraison\s+partout",
                    r"tkhfid|t5fid|takhfid|lhota|l7anout\s+dyalna|zourouna|zorona|commandi",
                    r"ecoles?\s+privees?|inscriptions?\s+ouvertes?|7ellat\s+inscriptions?|marque\s+dyalna",
                ),
            ),
            examples={
                "ar": ("تخفيضات كبرى في متجرنا على كل الملابس",),
                "darija": ("زورونا فالمحل ديالنا، عروض خاصة هاد السيمانة",),
                "arabizi": ("tkhfid 50% f l7anout dyalna zourouna",),
                "fr": ("Promo -30% dans notre boutique, visitez notre magasin",),
            },
        ),
        Rule(
            "MEDICAL_CONSULTATION",
            BLOCK,
            _l(
                "Medical consultations and diagnoses cannot be given or asked for here; "
                "see a doctor or a health centre."
            ),
            patterns=(
                arabic(
                    "استشاره طبيه",
                    "استشارات طبيه",
                    "تشخيص",
                    "شنو ندير ل",
                    "اش ندير ل",
                    "شنو دوا",
                    "اشمن دوا",
                    "اشمن دواء",
                    "اي دواء",
                    "ما هو الدواء",
                    "ما هو العلاج",
                    "ما العلاج",
                    "اعراض",
                    "الاعراض",
                    "واش هاد الدوا",
                    "ما الدواء",
                    "الدواء المناسب",
                    "شنو الدوا",
                    "يشخص",
                    "هل يمكن تناول",
                    "صيفطو ليا التحاليل",
                    "ارسلوا التحاليل",
                ),
                words(
                    r"consultations?(?:\s+\w+){0,2}\s+(?:en\s+ligne|a\s+distance|medicales?)",
                    r"consultations?\s+medicales?|diagnostics?|diagnostiquer|symptomes",
                    r"peut[\s-]*on\s+prendre|(?:medecin|docteur)\s+(?:peut|pourrait)\s+me\s+dire",
                    r"(?:tbib|طبيب)\s+(?:\S+\s+){0,3}(?:y9ol|يقول)\s+(?:liya|ليا)",
                    r"(?:envoye[zr]|sifto|صيفطو|ارسلوا)[\s-]*(?:moi|liya|ليا)?\s+(?:vos\s+|les\s+)?(?:analyses|التحاليل|tahalil)",
                    r"quel(?:le)?\s+(?:medicament|traitement|remede)|que\s+faire\s+(?:pour|contre)",
                    r"chno\s+ndir\s+l|ach\s+ndir\s+l|chmen\s+dwa|achmen\s+dwa|wach\s+had\s+dwa",
                    r"chno\s+dwa|ach\s+dwa|tachkhis|tach5is|a3rad",
                    r"(?:tbib|medecin|docteur|doktor|طبيب)\s+(?:\w+\s+){0,3}consultations?",
                ),
            ),
            examples={
                "ar": ("طبيب يقدم استشارة طبية عن بعد لتشخيص الأمراض",),
                "darija": ("شنو ندير لولدي عندو السخانة؟ اشمن دوا نعطيه",),
                "arabizi": ("chno ndir l weldi 3ndo s5ana, chmen dwa",),
                "fr": ("Quel médicament pour la fièvre de mon bébé ?",),
            },
            passes=("Je donne des livres de médecine gratuitement à Rabat",),
        ),
        Rule(
            "LINK",
            BLOCK,
            _l("Links and social media handles are not allowed: people contact you here."),
            patterns=LINK_PATTERNS,
            examples={
                "ar": ("للتسجيل ادخلوا على الرابط www.example.ma",),
                "darija": ("تواصلو معايا فالانستا @karima_help",),
                "arabizi": ("dkhlo l lien f bio wla wa.me/212600000000",),
                "fr": ("Inscriptions sur bit.ly/cours-gratuits",),
            },
        ),
        Rule(
            "PHONE",
            BLOCK,
            _l(
                "Phone numbers are not shown: once you accept a request, you and that person "
                "talk through the platform."
            ),
            detector=phone_spans,
            examples={
                "ar": ("للتواصل ٠٦١٢٣٤٥٦٧٨",),
                "darija": ("عيطو ليا 06 12 34 56 78",),
                "arabizi": ("3iyto 06xx xx xx 12 fabor",),
                "fr": ("Appelez au +212 6 61 23 45 67",),
            },
            passes=("Le 05/12/2026 à 10h, 12 places gratuites pour les enfants à Oujda",),
        ),
        Rule(
            "NOT_FREE",
            BLOCK,
            _l("An offer here asks for nothing in return: no exchange, no swap, no service back."),
            patterns=(
                arabic("مقابل", suffix=False),  # not "مقابلات" (job interviews)
                arabic(
                    "تبادل",
                    "نتبادل",
                    "اتبادل",
                    "يتبادل",
                    "بالتبادل",
                    "استبدل",
                    "نبدل",
                    "كنبدل",
                    "تروك",
                ),
                r"(?<!\w)[وw]\s*(?:homa|ntoma|هوما|نتوما)\s+(?:y|t|ي|ت)(?:3awn|sawb|عاون|صاوب)\w*",
                words(
                    r"en\s+echange|contre\s+(?:un|une|des)\s+(?:service|aide|travail)|troc",
                    r"contrepartie|b\s*lmo9abil|blmo9abil|fl\s*mo9abil|mo9abil|tbadel|nbadlo",
                    r"a\s+echanger|echange\s+contre|contre\s+service|contre\s+(?:un|une|des|du)\s+\w+",
                    r"nbdd?el\w*|kanbdd?el\w*",
                ),
            ),
            negatable=True,
            examples={
                "ar": ("أقدم دروسا في الفرنسية مقابل خدمة في البيت",),
                "darija": ("عندي ملابس ديال الدراري نتبادلها مع حوايج ديال الشتا",),
                "arabizi": ("3andi ktoub dyal lbac nbadlo m3a ktoub dyal lfac",),
                "fr": ("Je donne des cours d'anglais en échange de cours de guitare",),
            },
            passes=("Vêtements d'enfants à donner, gratuit et sans contrepartie, à Salé",),
        ),
    ),
)

#: What a claim may not carry: contact data (contact goes through the platform once accepted)
#: and health details (the author only needs to know the conditions are met).
CLAIM_RULES = RuleSet(
    "offer_claims",
    VERSION,
    (
        RULES.rules[[r.code for r in RULES.rules].index("LINK")],
        RULES.rules[[r.code for r in RULES.rules].index("PHONE")],
        Rule(
            "HEALTH",
            BLOCK,
            _l(
                "Do not write health details here: the author only needs your answers to the "
                "conditions."
            ),
            patterns=(
                arabic(
                    "مريض",
                    "مرض",
                    "سكري",
                    "السكر",
                    "سرطان",
                    "حامل",
                    "اعاقه",
                    "ضغط الدم",
                    "الربو",
                    "اكتئاب",
                ),
                words(
                    r"malade|maladie|diabete|diabetique|cancer|enceinte|handicap\w*|asthme",
                    r"depression|tension|vih|sida|hepatite|epilep\w*|autis\w*",
                    r"mrid|mrida|sokkar|sokar|sekkar|kancer|7amla|hamla|m3a9|mo3a9",
                ),
            ),
            examples={
                "ar": ("أنا مريض بالسكري، أمر غدا",),
                "darija": ("مراتي حامل وندوز العشية",),
                "arabizi": ("ana mrid b sokkar, ndouz ghedda",),
                "fr": ("Je suis diabétique, je passe demain à 10h",),
            },
            passes=("Je passe demain à 10h devant la poste",),
        ),
    ),
)


def refuse(hits: list[Hit]) -> ApiError:
    """The 422 of a post, claim, thanks or photo that breaks the board's rules, with the hits
    (each rule's reason) under ``hits``."""
    return ApiError(
        422,
        "offer_rules",
        _("This post does not follow the board's rules."),
        {"hits": [h.as_dict() for h in hits]},
    )
