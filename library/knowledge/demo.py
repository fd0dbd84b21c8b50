"""Demo knowledge pages for ``jam3ia seed-demo``: network templates (statutes model, general
assembly minutes model) in Arabic and French, a Darija how-to, and a page of one association."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from app.demo import demo_user
from directory import Association
from library.knowledge import services
from library.knowledge.models import KnowledgePage

STATUTES_AR = """# نموذج النظام الأساسي لجمعية

## الفصل 1: التسمية والمقر
تأسست طبقا لمقتضيات الظهير الشريف رقم 1.58.376 المتعلق بحق تأسيس الجمعيات جمعية تحمل اسم
**[اسم الجمعية]**، مقرها الاجتماعي بـ [العنوان].

## الفصل 2: الأهداف
- [الهدف الأول]
- [الهدف الثاني]

## الفصل 3: العضوية
يشترط في العضو أن يكون بالغا سن الرشد وأن يلتزم بالقانون الأساسي والنظام الداخلي.

## الفصل 4: الجمع العام
ينعقد الجمع العام العادي مرة كل سنة على الأقل بدعوة من الرئيس.
"""

STATUTES_FR = """# Modèle de statuts d'association

## Article 1 : Dénomination et siège
Il est fondé, conformément au dahir n° 1-58-376 réglementant le droit d'association, une
association dénommée **[nom]**, dont le siège est à [adresse].

## Article 2 : Objet
- [premier objectif]
- [deuxième objectif]

## Article 3 : Membres
Peut être membre toute personne majeure qui adhère aux statuts et au règlement intérieur.

## Article 4 : Assemblée générale
L'assemblée générale ordinaire se réunit au moins une fois par an sur convocation du président.
"""

MINUTES_AR = """# محضر الجمع العام

- **التاريخ:** [اليوم] على الساعة [الساعة]
- **المكان:** [المكان]
- **عدد الحاضرين:** [العدد] من أصل [عدد الأعضاء]، النصاب القانوني متوفر.

## جدول الأعمال
1. التقرير الأدبي
2. التقرير المالي
3. انتخاب المكتب المسير

## المقررات
- صادق الجمع العام على التقرير الأدبي بـ [عدد] صوتا.
- صادق الجمع العام على التقرير المالي بـ [عدد] صوتا.

توقيع الرئيس: ............ توقيع الكاتب العام: ............
"""

MINUTES_FR = """# Procès-verbal de l'assemblée générale

- **Date :** le [jour] à [heure]
- **Lieu :** [lieu]
- **Présents :** [nombre] membres sur [total], le quorum est atteint.

## Ordre du jour
1. Rapport moral
2. Rapport financier
3. Élection du bureau

## Décisions
- Le rapport moral est adopté par [nombre] voix.
- Le rapport financier est adopté par [nombre] voix.

Signature du président : ............ Signature du secrétaire général : ............
"""

DECLARE_ARY = """# كيفاش تصرّح بجمعية جديدة (Comment déclarer une association)

1. جمعو **الملف**: 2 نسخ ديال القانون الأساسي، لائحة أعضاء المكتب، نسخ ديال البطائق الوطنية،
   والمحضر ديال الجمع العام التأسيسي.
2. سيرو للسلطة المحلية (القيادة ولا الباشوية) وحطّو الملف، وخدو **الوصل المؤقت** مختوم ومؤرخ.
3. تسناو الوصل النهائي: خاصو يوصل فـ 60 يوم. إلى ما وصلش، الجمعية تقدر تخدم عادي.
4. خلّيو نسخة من كلشي فـ المكتبة ديال الجمعية على jam3ia.

> Astuce: kteb lmoḥdar dyal ljam3 l3am b nmodel "محضر الجمع العام" bach ma tnsa walo.
"""

ASSOCIATION_PAGE_FR = """# Accueil des nouveaux bénévoles

Bienvenue ! Avant votre première activité :

- lisez la charte du bénévole (dans la bibliothèque) ;
- présentez-vous au coordinateur le jour J, **15 minutes avant** le début ;
- aucune photo d'enfant sans l'accord écrit des parents.
"""


def load_demo() -> None:
    # pages other features published (an expert's answer) do not count
    written = select(KnowledgePage.id).where(KnowledgePage.source_ref.is_(None)).limit(1)
    if db.session.scalar(written) is not None:
        return
    admin = demo_user("admin")
    network = [
        ("نموذج النظام الأساسي", STATUTES_AR, "ar", "rtl", True),
        ("Modèle de statuts", STATUTES_FR, "fr", "ltr", True),
        ("نموذج محضر الجمع العام", MINUTES_AR, "ar", "rtl", True),
        ("Modèle de procès-verbal d'assemblée générale", MINUTES_FR, "fr", "ltr", True),
        ("كيفاش تصرّح بجمعية جديدة", DECLARE_ARY, "ary", "auto", False),
    ]
    for title, body, lang, direction, template in network:
        services.create_page(
            admin,
            None,
            {
                "title": title,
                "body": body,
                "lang": lang,
                "direction": direction,
                "visibility": "public",
                "template": template,
            },
        )
    association_id = db.session.scalar(
        select(Association.id).where(Association.status == "approved").order_by(Association.id)
    )
    if association_id is not None:
        services.create_page(
            admin,
            association_id,
            {
                "title": "Accueil des nouveaux bénévoles",
                "body": ASSOCIATION_PAGE_FR,
                "lang": "fr",
                "direction": "ltr",
                "visibility": "members",
            },
        )
    db.session.flush()
