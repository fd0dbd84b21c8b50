"""Demo board for ``jam3ia seed-demo``: offers in Arabic, Darija (both scripts) and French from
people and associations across Morocco, a blood request, requests in every state, a post
waiting for review, and given offers counted; for moderators, a post readers flagged, a
refusal counted as a strike, and an association's "known to us" codes (used, unused, revoked).
Every text passes the rules it is checked by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import City, user_memberships
from offers import claims, moderation, services
from offers.models import Offer, Referral

# (author, city code, fields): published at once (the authors are vouched below).
OFFERS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "fatima",
        "sale",
        {
            "support_type": "tutoring",
            "capacity": 6,
            "audience": ["student", "learning_difficulties"],
            "age_min": 9,
            "age_max": 15,
            "delivery_mode": "at_provider",
            "allocation": "choose",
            "title": "دروس الدعم في الرياضيات واللغة العربية مجانا",
            "body": "أستاذة متقاعدة، أقدم دروس الدعم مجانا لستة تلاميذ من "
            "المستوى الابتدائي والإعدادي، "
            "كل سبت من العاشرة إلى الثانية عشرة، بمقر الجمعية بحي السلام.",
            "area_hint": "حي السلام",
            "association": True,
        },
    ),
    (
        "youssef",
        "casablanca",
        {
            "support_type": "career_advice",
            "capacity": 10,
            "audience": ["student", "anyone"],
            "delivery_mode": "remote",
            "allocation": "first_come",
            "title": "Relecture de CV et préparation aux entretiens, gratuit",
            "body": "Recruteur depuis 12 ans, je relis gratuitement votre CV et je vous prépare à "
            "l'entretien en visio (45 minutes). Jeunes diplômés et personnes en reconversion.",
            "association": True,
        },
    ),
    (
        "khadija",
        "fes",
        {
            "support_type": "medical_devices",
            "capacity": 1,
            "audience": ["elderly", "disability"],
            "delivery_mode": "pickup",
            "allocation": "choose",
            "title": "عندي كرسي متحرك نعطيه فابور",
            "body": "كرسي متحرك فحالة مزيانة، ديال الواليد الله يرحمو. نعطيه فابور لشي واحد محتاجو "
            "فالمدينة القديمة ولا قريب ليها. خاص يجي ياخدو.",
            "area_hint": "باب الفتوح",
        },
    ),
    (
        "omar",
        "agadir",
        {
            "support_type": "tutoring",
            "capacity": 5,
            "audience": ["student"],
            "age_min": 15,
            "age_max": 18,
            "delivery_mode": "at_provider",
            "allocation": "lottery",
            "title": "Dourous d'anglais l bac, fabor",
            "body": "Ana ostad dyal l'anglais, n9ra 5 dyal tlamid dyal l bac "
            "fabor kol l7ed f lbibliotheque "
            "dyal lhay. Bla flous, ghir jiw b niya.",
            "area_hint": "Hay Dakhla",
        },
    ),
    (
        "nadia",
        "marrakech",
        {
            "support_type": "clothes",
            "capacity": 4,
            "audience": ["child", "family"],
            "delivery_mode": "pickup",
            "allocation": "choose",
            "title": "Vêtements d'enfants (2 à 8 ans) à donner 🆓",
            "body": "Trois sacs de vêtements propres, garçons et filles, pour l'hiver. Gratuit, à "
            "récupérer près de Bab Doukkala.",
            "area_hint": "Bab Doukkala",
        },
    ),
    (
        "hassan",
        "errachidia",
        {
            "support_type": "books",
            "capacity": 20,
            "audience": ["student"],
            "delivery_mode": "pickup",
            "allocation": "first_come",
            "title": "كتب مدرسية للسنة الأولى باكالوريا بالمجان",
            "body": "مجموعة كتب مدرسية ومراجع في العلوم الفيزيائية وعلوم الحياة "
            "والأرض، تكفي لعشرين تلميذا. "
            "بالمجان لمن يحتاجها من تلاميذ المنطقة.",
        },
    ),
    (
        "meryem.alaoui",
        "rabat",
        {
            "support_type": "physiotherapy",
            "capacity": 3,
            "audience": ["elderly", "disability"],
            "delivery_mode": "at_provider",
            "allocation": "choose",
            "title": "حصص الترويض الطبي مجانا لثلاثة أشخاص",
            "body": "أخصائية في الترويض الطبي، أخصص صباح كل أربعاء لثلاثة أشخاص "
            "مسنين أو في وضعية إعاقة، "
            "مجانا وبدون أي مقابل، بعد تقديم وصفة الطبيب المعالج.",
            "area_hint": "حي أكدال",
        },
    ),
    (
        "zineb.bennani",
        "tanger",
        {
            "support_type": "children_activities",
            "capacity": 15,
            "audience": ["child"],
            "age_min": 6,
            "age_max": 12,
            "delivery_mode": "at_provider",
            "allocation": "first_come",
            "title": "Atelier dessin et contes pour enfants, gratuit",
            "body": "Chaque mercredi après-midi, atelier de dessin et lecture de "
            "contes en arabe et en "
            "français pour 15 enfants du quartier. Gratuit, goûter offert.",
            "area_hint": "Quartier Beni Makada",
        },
    ),
    (
        "rachid.amrani",
        "oujda",
        {
            "support_type": "furniture",
            "capacity": 1,
            "audience": ["family"],
            "delivery_mode": "delivery",
            "allocation": "choose",
            "title": "عندي ثلاجة وطابلة ديال الكوزينة، فابور",
            "body": "بدلت الدار وعندي ثلاجة خدامة مزيان وطابلة ديال الكوزينة. "
            "نعطيهم فابور لشي عائلة، "
            "ونوصلهم ليكم فوجدة بالطوموبيل ديالي.",
        },
    ),
    (
        "houda.elfassi",
        "meknes",
        {
            "support_type": "training",
            "capacity": 12,
            "audience": ["mother"],
            "delivery_mode": "at_provider",
            "allocation": "choose",
            "title": "Formation couture pour mamans, gratuite",
            "body": "Six séances de couture (bases, ourlets, retouches) pour 12 "
            "mamans, au local de "
            "notre association. Gratuit, machines fournies.",
            "association": True,
        },
    ),
    (
        "mustapha.ait",
        "agadir",
        {
            "support_type": "transport",
            "capacity": 3,
            "audience": ["anyone"],
            "delivery_mode": "delivery",
            "allocation": "first_come",
            "title": "Nwasl 3 dyal nas l sbitar l7assan tani kol tnin, fabor",
            "body": "Kol nhar tnin kanmchi l sbitar l7assan tani f sba7. 3andi 3 blayes f tomobil, "
            "nwaslkom fabor w nrj3kom m3aya.",
        },
    ),
]

BLOOD = (
    "sanae.berrada",
    "casablanca",
    {
        "kind": "blood_request",
        "blood_group": "O-",
        "facility": "CHU Ibn Rochd, centre de transfusion",
        "title": "Don de sang O- pour une maman opérée demain",
        "body": "Une maman de 34 ans est opérée demain matin. Le centre de "
        "transfusion accepte les dons "
        "de 8 h à 16 h. Merci de dire que vous venez pour cette demande.",
    },
)

# A first post of a newcomer: waits for a moderator.
FIRST_POST = (
    "amine",
    "kenitra",
    {
        "support_type": "tutoring",
        "capacity": 2,
        "audience": ["student"],
        "delivery_mode": "remote",
        "allocation": "choose",
        "title": "Free Python lessons online for two students",
        "body": "Software developer, I teach Python basics online, two evenings a week, free.",
    },
)


# A newcomer's first post that a moderator refused: a strike, with the reason she is told.
REFUSED_POST = (
    "salma",
    "casablanca",
    {
        "support_type": "clothes",
        "capacity": 5,
        "audience": ["child"],
        "delivery_mode": "pickup",
        "allocation": "first_come",
        "title": "Tenues de sport pour enfants, 8-12 ans",
        "body": "Cinq tenues de sport pour enfants, propres, à récupérer au Maârif.",
    },
)
REFUSAL = (
    "Le même lot est déjà proposé trois fois cette semaine : une seule annonce par don,"
    " modifiez la première."
)

# Readers who flagged the transport offer (two for the same reason): it waits for review.
FLAGS = (
    ("salma", "Il demande de l'argent pour l'essence au téléphone"),
    ("amine", "il demande de l'argent pour l'essence au téléphone"),
    ("omar", "ماشي نفس البلاصة اللي مكتوبة"),
)


def _city(code: str) -> City:
    city = db.session.scalar(select(City).where(City.code == code))
    if city is None:
        raise LookupError(code)
    return city


def _payload(city_code: str, fields: dict[str, Any], author: Any) -> dict[str, Any]:
    data = {k: v for k, v in fields.items() if k != "association"}
    data.setdefault("kind", "offer")
    data["city_id"] = _city(city_code).id
    data["free"] = True
    if fields.get("association"):
        admin = [m for m in user_memberships(author.id) if m.role == "admin"]
        if admin:
            data["association_id"] = admin[0].association_id
    return data


def load_demo_offers() -> None:
    """The posts in one transaction, then the requests on them in another (run again: no-op)."""
    if db.session.scalar(select(func.count(Offer.id))):
        return
    with transaction():
        made = _demo_posts()
    with transaction():
        _demo_claims(made)
    with transaction():
        _demo_moderation(made)


def _demo_posts() -> list[Offer]:
    """Vouched authors, offers, donors, a blood request and a first post waiting for review;
    the offers that get requests, in the order of ``OFFERS``."""
    admin = demo_user("admin")
    authors = {name for name, _c, _f in OFFERS} | {BLOOD[0]}
    now = utcnow()
    for name in sorted(authors):
        person = demo_user(name)
        row = services.standing(person.id)
        row.vouched_by_id, row.vouched_at = admin.id, now
    made: list[Offer] = []
    for name, city, fields in OFFERS:
        author = demo_user(name)
        made.append(services.publish(author, _payload(city, fields, author)))
    for name, group in (("omar", "O-"), ("loubna.skalli", "A+"), ("rachid.amrani", "O+")):
        services.set_donor(demo_user(name), {"group": group, "city_id": _city("casablanca").id})
    blood = dict(BLOOD[2], needed_by=now + dt.timedelta(hours=30))
    services.publish(demo_user(BLOOD[0]), _payload(BLOOD[1], blood, None))
    services.publish(demo_user(FIRST_POST[0]), _payload(FIRST_POST[1], FIRST_POST[2], None))
    return made


def _demo_claims(made: list[Offer]) -> None:
    """Requests in every state: pending on fatima's tutoring, accepted on youssef's CV
    advice, and khadija's wheelchair given (counted on the public page)."""
    tutoring, cv, wheelchair = made[0], made[1], made[2]
    known = ""  # fatima's association knows meryem: her request carries its code
    if tutoring.association_id is not None:
        known = claims.make_referral(
            demo_user("fatima"), tutoring.association_id, demo_user("meryem.alaoui").id
        )
    for name, pickup in (
        ("meryem.alaoui", "السبت المقبل مع ابنتي"),
        ("aicha.boutaleb", "أي سبت"),
        ("hassan", "بعد العصر"),
    ):
        answers = dict.fromkeys(tutoring.audience, True)
        code = known if name == "meryem.alaoui" else ""
        claims.claim(demo_user(name), tutoring, answers, pickup, referral=code)
    claims.claim(demo_user("fatima"), cv, {"student": False, "anyone": True}, "Samedi après-midi")
    first = claims.claim(
        demo_user("nadia"), wheelchair, {"elderly": True, "disability": True}, "Demain matin"
    )
    claims.claim(
        demo_user("omar"), wheelchair, {"elderly": True, "disability": False}, "Ce week-end"
    )
    claims.accept(demo_user("khadija"), first)
    claims.mark(demo_user("khadija"), first, "received")
    claims.thank(
        demo_user("nadia"),
        wheelchair,
        "Merci du fond du cœur : mon père peut enfin sortir prendre l'air devant la maison.",
    )
    claims.thank(
        demo_user("fatima"), cv, "شكرا جزيلا، ساعدتني النصائح كثيرا وحصلت على مقابلة ثانية."
    )


def _demo_moderation(made: list[Offer]) -> None:
    """The review queue with readers' flags counted, a strike, and more of the tutoring
    association's codes (meryem's was used on her request): aicha's unused, hassan's revoked."""
    admin = demo_user("admin")
    transport = made[-1]
    for name, reason in FLAGS:
        moderation.flag(demo_user(name), transport, reason)
    name, city, fields = REFUSED_POST
    author = demo_user(name)
    refused = services.publish(author, _payload(city, fields, author))
    moderation.decide(admin, refused, False, REFUSAL)
    fatima = demo_user("fatima")
    tutoring = made[0]
    if tutoring.association_id is None:
        return
    claims.make_referral(fatima, tutoring.association_id, demo_user("aicha.boutaleb").id)
    claims.make_referral(fatima, tutoring.association_id, demo_user("hassan").id)
    revoked = db.session.scalar(
        select(Referral)
        .where(Referral.association_id == tutoring.association_id)
        .order_by(Referral.id.desc())
        .limit(1)
    )
    if revoked is not None:
        claims.revoke_referral(fatima, tutoring.association_id, revoked.id)
