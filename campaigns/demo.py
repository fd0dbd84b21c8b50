"""A living demo of campaigns in Fatima's association (Taroudant): a live Wuluj-style
"قفة رمضان / Paniers de Ramadan" with its public-appeal authorisation, budget lines,
contributions (some incognito, some waiting for the money), paid expenses and an update; and
a closed winter campaign with its frozen report. Invented people and amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.db import db, transaction, utcnow
from app.demo import demo_user
from campaigns import services
from campaigns.models import Campaign, CampaignRound, Contribution
from directory import Association
from library import public_photos, valid_authorization

SLUG = "amal-taroudant"
#: (username, dirhams, incognito, confirmed)
GIFTS = [
    ("hassan", 500, False, True),
    ("youssef", 1_200, True, True),
    ("khadija", 300, False, True),
    ("omar", 2_000, True, True),
    ("hassan", 250, False, False),
]


def load_demo_campaigns() -> None:
    """The two campaigns (run again: no-op)."""
    if db.session.scalar(select(func.count(Campaign.id))):
        return
    host = db.session.scalar(select(Association).where(Association.slug == SLUG))
    if host is None:
        return
    try:
        fatima = demo_user("fatima")
    except LookupError:
        return
    with transaction():
        _load(host, fatima)


def _campaign(host: Association, fatima: Any, **data: Any) -> Campaign:
    body = {
        "association_id": host.id,
        "target_group": "أسر هشة في دواوير إقليم تارودانت / familles vulnérables des douars",
        "bank_reference": "CIH Bank 230 810 0001234567890123 45",
        "zakat_declared": True,
        **data,
    }
    row = services.create_campaign(fatima, body)
    services.go_live(fatima, row)
    return row


def _gifts(row: Campaign, fatima: Any, gifts: list[tuple[str, int, bool, bool]]) -> None:
    received = []
    for username, dirhams, incognito, confirmed in gifts:
        try:
            person = demo_user(username)
        except LookupError:
            continue
        made = services.pledge(person, row, {"amount": dirhams * 100, "incognito": incognito})
        if confirmed:
            received.append(made)
    # as the bank statement confirms them
    services.confirm_received(received, fatima, row)


def _spend(row: Campaign, fatima: Any, dirhams: int, supplier: str) -> None:
    line = services.budget_line_ids(row.id)[0]
    made = services.submit_expense(
        fatima,
        row,
        {"amount": dirhams * 100, "budget_line_id": line, "supplier": supplier},
        ("facture.pdf", "application/pdf", b"%PDF-1.4 demo"),
    )
    made.status, made.approved_by, made.approved_at, made.paid_at = (
        "paid",
        None,
        utcnow(),
        utcnow(),
    )
    db.session.flush()


def _ran_since(row: Campaign, days: int) -> None:
    """Demo history: the campaign went live ``days`` ago."""
    row.live_at = utcnow() - dt.timedelta(days=days)
    row.starts_on = row.live_at.date()
    db.session.flush()


def _load(host: Association, fatima: Any) -> None:
    today = utcnow().date()
    if not valid_authorization(host.id, services.PUBLIC_APPEAL, today):
        return  # the library's demo records it (a public appeal needs it, law 18-18)
    winter = _campaign(
        host,
        fatima,
        title="أغطية الشتاء / Couvertures d'hiver",
        story_ar="أغطية لأسر الدواوير الجبلية قبل موجة البرد.",
        story_fr="Des couvertures pour les familles des douars de montagne avant le froid.",
        min_goal=5_000_00,
        optimum_goal=8_000_00,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=10),
        budget_lines=[{"label": "Couvertures / أغطية", "amount": 8_000_00}],
    )
    # it ran over the last three months, while the association's distributions (aid's demo)
    # took place: its report and page show what was delivered
    _ran_since(winter, days=100)
    _gifts(winter, fatima, [("hassan", 3_000, False, True), ("khadija", 2_500, True, True)])
    _spend(winter, fatima, 4_800, "Souk Tiout")
    services.close(fatima, winter)
    ramadan = _campaign(
        host,
        fatima,
        title="قفة رمضان / Paniers de Ramadan",
        story_ar=(
            "مع اقتراب شهر رمضان، نجمع قفة غذائية (دقيق، زيت، سكر، شاي، عدس) لـ300 أسرة "
            "في دواوير إقليم تارودانت. كل قفة بـ150 درهمًا."
        ),
        story_fr=(
            "À l'approche du Ramadan, nous réunissons un panier (farine, huile, sucre, thé, "
            "lentilles) pour 300 familles des douars de Taroudant. Un panier coûte 150 DH."
        ),
        min_goal=20_000_00,
        optimum_goal=45_000_00,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=25),
        budget_lines=[
            {"label": "Paniers alimentaires / القفف الغذائية", "amount": 40_000_00},
            {"label": "Transport vers les douars / النقل", "amount": 5_000_00},
        ],
    )
    _ran_since(ramadan, days=35)
    # two rounds, each with its goal: the first fortnight and the last days before the Eid
    middle = today - dt.timedelta(days=6)
    for label, start, end, goal in (
        ("رمضان 1 / Ramadan 1", ramadan.starts_on, middle, 20_000_00),
        ("رمضان 2 / Ramadan 2", middle + dt.timedelta(days=1), ramadan.ends_on, 25_000_00),
    ):
        db.session.add(
            CampaignRound(
                campaign_id=ramadan.id, label=label, starts_on=start, ends_on=end, goal=goal
            )
        )
    ramadan.report_days = 60
    _gifts(ramadan, fatima, GIFTS)
    given = db.session.scalars(
        select(Contribution).where(Contribution.campaign_id == ramadan.id).order_by(Contribution.id)
    ).all()
    for gift, days_ago in zip(given, (30, 24, 18, 3, 1), strict=False):
        gift.created_at = utcnow() - dt.timedelta(days=days_ago)
    _spend(ramadan, fatima, 1_500, "Épicerie Atlas, Taroudant")
    services.post_update(
        fatima,
        ramadan,
        "تم تجهيز أول 100 قفة، والتوزيع يوم السبت في دوار أيت يعزة. / "
        "Les 100 premiers paniers sont prêts ; distribution samedi.",
        None,
    )
    photos = [d for d, title in public_photos(host.id) if "Ramadan" in title]
    if photos:
        services.post_update(
            fatima,
            ramadan,
            "المتطوعون يجهزون قفف المرحلة الثانية: دقيق وزيت وسكر وشاي. / "
            "Les bénévoles préparent les paniers du deuxième tour : farine, huile, sucre, thé.",
            photos[0],
            "قفف مصفوفة على طاولة / Des paniers alignés sur une table",
        )
    # a draft the team is still writing: the checklist says the bank account is missing
    services.create_campaign(
        fatima,
        {
            "association_id": host.id,
            "title": "محافظ الدخول المدرسي / Cartables de la rentrée",
            "story_ar": "محافظ وأدوات مدرسية لتلاميذ دواوير تارودانت.",
            "story_fr": "Des cartables et fournitures pour les élèves des douars de Taroudant.",
            "target_group": "تلاميذ الابتدائي / élèves du primaire",
            "min_goal": 8_000_00,
            "optimum_goal": 12_000_00,
            "starts_on": today + dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=60),
            "budget_lines": [{"label": "Cartables / محافظ", "amount": 12_000_00}],
        },
    )
