# ruff: noqa: E501 - demo prose reads better unwrapped
"""Demo forums for ``jam3ia seed-demo``: realistic Arabic and French discussions."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from app.db import db, transaction, utcnow
from app.demo import DEMO_PEOPLE, demo_user
from directory import list_fields, user_memberships
from forums import services
from forums.demo_threads import COMMON_THREADS, FIELD_THREADS, Thread
from forums.models import Forum, Post, Reaction, Topic

THREADS = [
    (
        "education",
        "محاربة الهدر المدرسي في العالم القروي: ما الذي نجح عندكم؟",
        "fatima",
        "السلام عليكم،\n\nفي جمعيتنا بإقليم **تارودانت** لاحظنا أن نسبة الانقطاع عن الدراسة ترتفع بعد المستوى السادس، خصوصاً عند الفتيات. جربنا النقل المدرسي لكن التكلفة مرتفعة.\n\nما هي التجارب التي نجحت عندكم؟",
        [
            (
                "khadija",
                "وعليكم السلام @fatima\n\nعندنا في الحوز اشتغلنا على **دار الطالبة** بشراكة مع الجماعة، والنتيجة كانت جيدة: ارتفع عدد الفتيات المتمدرسات في الإعدادي بحوالي 30٪.",
            ),
            (
                "youssef",
                "Chez nous à Azilal, les cours de soutien le samedi matin ont beaucoup aidé. On a aussi mis en place un *parrainage* entre lycéens et collégiens.",
            ),
            (
                "hassan",
                "تجربة مهمة. هل عندكم نموذج اتفاقية الشراكة مع الجماعة؟ نحتاجه في ملف التمويل.",
            ),
        ],
    ),
    (
        "environment",
        "Gestion de l’eau : retours d’expérience sur les khettaras",
        "omar",
        "Bonjour à toutes et à tous,\n\nNotre association à Errachidia réhabilite deux **khettaras** cette année. Qui a déjà travaillé avec l’ABH (agence de bassin) sur ce type de projet ?\n\n- coût moyen par mètre linéaire\n- implication des ayants droit\n- entretien après les travaux",
        [
            (
                "nadia",
                "Bonjour @omar, nous l’avons fait à Tinghir en 2023. Le point clé : signer la convention d’entretien **avant** les travaux, sinon personne ne se sent responsable.",
            ),
            (
                "fatima",
                "تجربة رائعة. عندنا مشكل مماثل في سوس مع السواقي التقليدية، سأشارك معكم التقرير.",
            ),
        ],
    ),
    (
        "health",
        "Caravanes médicales : comment organiser le suivi des patients ?",
        "salma",
        "We run two medical caravans a year in the Atlas. The hard part is follow-up: patients we refer to the provincial hospital often never go. Any ideas?",
        [
            (
                "youssef",
                "On a essayé un suivi par **WhatsApp** avec un relais dans chaque douar. Ça marche mieux que les appels.",
            ),
            (
                "khadija",
                "نفس الملاحظة عندنا. الحل كان التنسيق المسبق مع المستشفى الإقليمي لتخصيص يوم للحالات المحالة من القافلة.",
            ),
        ],
    ),
]


def load_demo() -> None:
    """Field forums, an admin-created forum and a few discussions (idempotent), in one
    transaction: committed when all of it is written, nothing of it kept when a step fails."""
    with transaction():
        _load()


def _load() -> None:
    services.sync_field_forums()
    general = db.session.scalar(
        select(Forum).where(Forum.field_id.is_(None), Forum.name_en == "General")
    )
    if general is None:
        services.create_forum(
            demo_user("admin"),
            {
                "name_ar": "النقاش العام",
                "name_fr": "Discussions générales",
                "name_en": "General",
                "description_ar": "كل ما يهم الجمعيات: التمويل، القوانين، التكوين.",
                "description_fr": "Tout ce qui concerne les associations : financement, lois, formation.",
                "description_en": "Everything about associations: funding, law, training.",
                "position": 0,
            },
        )
    db.session.flush()
    by_code = {f.code: f.id for f in list_fields()}
    forums = list(db.session.scalars(select(Forum).order_by(Forum.position, Forum.id)))
    for code, title, author, body, replies in THREADS:
        if db.session.scalar(select(Topic.id).where(Topic.title == title)):
            continue
        field_id = next((fid for c, fid in by_code.items() if code in c), None)
        forum = next((f for f in forums if field_id and f.field_id == field_id), forums[0])
        topic, _post = services.create_topic(demo_user(author), forum, title, body)
        first = _post
        for who, text in replies:
            services.reply(demo_user(who), topic, text, first.id if who == "hassan" else None)
        _spread(topic)
    general = db.session.scalar(select(Forum).where(Forum.name_en == "General"))
    title = "التصريح السنوي للجمعيات: الوثائق المطلوبة"
    if general is not None and not db.session.scalar(select(Topic.id).where(Topic.title == title)):
        topic, _post = services.create_topic(
            demo_user("hassan"),
            general,
            title,
            "شكون يعرف اللائحة الكاملة ديال الوثائق اللي خاصها تتقدم للسلطة المحلية بعد الجمع العام؟ 3afakom",
        )
        services.reply(
            demo_user("nadia"),
            topic,
            "Le PV de l’AG, la liste des membres du bureau avec copies des CIN, et le rapport moral et financier.",
        )
        topic.pinned = True
        _spread(topic)
    _association_intro()
    by_field = {f.id: f.code for f in list_fields()}
    for code, title, author, body, replies in FIELD_THREADS:
        home = next((f for f in forums if f.field_id and by_field.get(f.field_id) == code), None)
        if home is not None:
            _thread(home, (code, title, author, body, replies))
    _fill_quiet_forums()


def _thread(forum: Forum, thread: Thread) -> None:
    """Post a discussion (once: matched on its title), then spread it over the last months."""

    _code, title, author, body, replies = thread
    if db.session.scalar(select(Topic.id).where(Topic.title == title)):
        return
    topic, _first = services.create_topic(demo_user(author), forum, title, body)
    for who, text in replies:
        services.reply(demo_user(who), topic, text)
    _spread(topic)


def _fill_quiet_forums() -> None:
    """Everyday questions go, one each, to the forums that still have fewer than two topics."""
    unused = [
        t
        for t in COMMON_THREADS
        if not db.session.scalar(select(Topic.id).where(Topic.title == t[1]))
    ]
    forums = list(db.session.scalars(select(Forum).order_by(Forum.position, Forum.id)))
    for forum in forums:
        while unused and _topic_count(forum) < 2:
            _thread(forum, unused.pop(0))


def _topic_count(forum: Forum) -> int:
    return int(
        db.session.scalar(
            select(func.count(Topic.id)).where(Topic.forum_id == forum.id, Topic.deleted.is_(False))
        )
        or 0
    )


def _spread(topic: Topic) -> None:
    """Date a new topic 4 to 88 days back (deterministic per title), each reply a few hours to
    days after the one before, never in the future; then refresh the listing counters."""
    rng = random.Random(topic.title)
    now = utcnow()
    at = now - dt.timedelta(
        days=rng.randint(4, 88), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
    )
    posts = list(
        db.session.scalars(select(Post).where(Post.topic_id == topic.id).order_by(Post.number))
    )
    topic.created_at = at
    for post in posts:
        post.created_at = min(at, now - dt.timedelta(minutes=5))
        at += dt.timedelta(hours=rng.randint(1, 60), minutes=rng.randint(0, 59))
    _react(rng, posts, now)
    db.session.flush()
    services.refresh_counters(topic)


#: how often each reaction is given in the demo (thanks and likes most, as in a real forum)
_REACTION_WEIGHTS = {"like": 6, "thanks": 5, "love": 2, "celebrate": 1, "wow": 1, "laugh": 1}


def _react(rng: random.Random, posts: list[Post], now: dt.datetime) -> None:
    """A few reactions from the demo people on most posts (never the author's own), dated
    after the post, so that a discussion shows what readers thought of it."""
    people = [demo_user(username) for username, *_rest in DEMO_PEOPLE]
    kinds, weights = list(_REACTION_WEIGHTS), list(_REACTION_WEIGHTS.values())
    for post in posts:
        readers = [p for p in people if p.id != post.author_id]
        for person in rng.sample(readers, k=min(len(readers), rng.choice((0, 1, 2, 2, 3, 4)))):
            db.session.add(
                Reaction(
                    post_id=post.id,
                    user_id=person.id,
                    kind=rng.choices(kinds, weights)[0],
                    created_at=min(
                        post.created_at + dt.timedelta(minutes=rng.randint(3, 600)), now
                    ),
                )
            )


def _association_intro() -> None:
    """A member introduces their association (the directory's demo data), when there is one."""

    general = db.session.scalar(select(Forum).where(Forum.name_en == "General"))
    if general is None:
        return
    youssef = demo_user("youssef")
    memberships = user_memberships(youssef.id)
    if not memberships:
        return
    name = memberships[0].association_name
    title = f"Présentation : {name}"[:200]
    if db.session.scalar(select(Topic.id).where(Topic.title == title)):
        return
    topic, first = services.create_topic(
        youssef,
        general,
        title,
        f"Bonjour à tous ! Je suis membre de **{name}**. Nous cherchons des partenaires pour "
        "des ateliers de soutien scolaire et d’alphabétisation. N’hésitez pas à me contacter.",
    )
    services.reply(
        demo_user("khadija"), topic, "مرحبا بكم! يسعدنا التعاون معكم في برامج محو الأمية.", first.id
    )
    _spread(topic)
