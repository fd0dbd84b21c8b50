"""Demo chats for ``jam3ia seed-demo`` (after the demo people exist): direct and group
conversations in Arabic, Darija and French, spread over the last weeks, some left unread for
fatima and youssef so their chat badge shows something."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from app.accounts.models import User
from app.db import db, utcnow
from messaging import access, services
from messaging.models import Conversation, ConversationMember, Message


def _who(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise RuntimeError(f"demo user {username} is missing")
    return user


# (group title or None for a direct chat, creator, other members, days ago of the first message,
#  lines, {username: how many of the last messages they have not read})
Chat = tuple[str | None, str, list[str], int, list[tuple[str, str]], dict[str, int]]

CHATS: list[Chat] = [
    (
        "لجنة التواصل",
        "khadija",
        ["fatima", "omar"],
        80,
        [
            ("khadija", "خاصنا نوجدو منشور على الفيسبوك قبل الجمعة."),
            ("omar", "Je prépare un brouillon en français et en arabe."),
            ("fatima", "أنا نصاوب التصاور ديال النشاط الأخير."),
            ("khadija", "تبارك الله عليكم 👍"),
        ],
        {},
    ),
    (
        None,
        "khadija",
        ["omar"],
        62,
        [
            ("omar", "Bonjour Khadija, la réunion du bureau est confirmée pour jeudi 18h ?"),
            ("khadija", "نعم، فمقر الجمعية. عافاك جيب معاك التقرير المالي."),
            ("omar", "C'est noté, je l'imprime en trois exemplaires."),
        ],
        {},
    ),
    (
        "Bénévoles — caravane médicale",
        "salma",
        ["fatima", "hassan", "nadia", "youssef"],
        40,
        [
            ("salma", "Hello everyone! The caravan leaves from Khénifra at 7:00."),
            ("hassan", "مزيان، أنا غادي نكون مع الفريق ديال الأدوية."),
            ("nadia", "Je m'occupe des inscriptions. Liste ici : https://example.org/liste"),
            ("fatima", "الله يعاونكم جميع ❤️"),
            ("youssef", "Je peux conduire le deuxième minibus."),
            ("salma", "Perfect, thanks Youssef! Departure photo is in the group album."),
            ("hassan", "wslna l douar, kolchi mzyan, 140 wa7ed tfhsso lyoum 💪"),
        ],
        {"fatima": 2, "youssef": 2},
    ),
    (
        None,
        "meryem.alaoui",
        ["fatima"],
        25,
        [
            ("meryem.alaoui", "السلام عليكم فاطمة، قريت الموضوع ديالك على الهدر المدرسي فالمنتدى."),
            ("fatima", "وعليكم السلام مريم، مرحبا! واش عندكم تجربة فالموضوع؟"),
            (
                "meryem.alaoui",
                "إيه، عندنا دار الطالبة فالحوز. نقدر نصيفط ليك الاتفاقية مع الجماعة.",
            ),
            ("meryem.alaoui", "ها هي الاتفاقية، شوفيها وقولي ليا إلا بغيتي نتلاقاو."),
        ],
        {"fatima": 1},
    ),
    (
        None,
        "zineb.bennani",
        ["youssef"],
        18,
        [
            (
                "zineb.bennani",
                "Bonjour Youssef, le réseau organise une formation sur les appels à projets le 12.",
            ),
            ("youssef", "Merci Zineb ! Deux personnes de notre bureau viendront."),
            ("zineb.bennani", "Parfait. Pouvez-vous m'envoyer leurs noms avant vendredi ?"),
        ],
        {"youssef": 1},
    ),
    (
        "Réseau Marrakech — appels à projets",
        "youssef",
        ["karim.benjelloun", "houda.elfassi", "mustapha.ait", "nadia"],
        12,
        [
            (
                "youssef",
                "Bonjour à tous, j'ai partagé le calendrier des appels à projets du trimestre.",
            ),
            ("mustapha.ait", "شكرا يوسف، طلب المشاريع ديال الوزارة كيسالي آخر الشهر."),
            ("houda.elfassi", "On peut déposer un dossier commun pour l'axe jeunesse ?"),
            ("karim.benjelloun", "Oui, je propose une réunion mardi en visio."),
            ("nadia", "Mardi 18h me va."),
            ("mustapha.ait", "ana m3akom, ghir sifto lien."),
        ],
        {"youssef": 3},
    ),
    (
        None,
        "fatima",
        ["youssef"],
        6,
        [
            ("fatima", "السلام عليكم يوسف، واش وجدتي لائحة المتطوعين ديال السبت؟"),
            ("youssef", "Wa3alaykoum salam! Oui, je l'envoie ce soir **sans faute**."),
            ("fatima", "شكرا بزاف 🙏"),
            ("youssef", "C'est envoyé. Il manque encore deux numéros de téléphone."),
        ],
        {"fatima": 1},
    ),
    (
        "مكتب جمعية الأمل",
        "fatima",
        ["hassan", "brahim.oubella", "aicha.boutaleb"],
        3,
        [
            ("fatima", "تذكير: الجمع العام يوم السبت على الساعة الثالثة بعد الزوال."),
            ("brahim.oubella", "التقرير المالي واجد، غادي نطبعو غدا."),
            ("aicha.boutaleb", "واش نعيطو على ممثل الجماعة؟"),
            ("hassan", "iyeh, 3ndi numero dyalo, ghadi n3yet lih."),
        ],
        {"fatima": 2},
    ),
]


def load_demo_chats() -> None:
    """Create the demo conversations once (the first message's client id marks a loaded one)."""
    now = utcnow()
    for number, (title, creator, others, days_ago, lines, unread) in enumerate(CHATS):
        prefix = f"demo-c{number}"
        first_sender = _who(lines[0][0])
        loaded = db.session.scalar(
            select(Message.id).where(
                Message.client_id == f"{prefix}-0", Message.sender_id == first_sender.id
            )
        )
        if loaded is not None:
            continue
        conversation, _new = services.start_conversation(
            _who(creator), [_who(m).id for m in others], title
        )
        for index, (username, body) in enumerate(lines):
            sender = _who(username)
            _conversation, member = access.access_conversation(sender, conversation.id)
            services.send_message(sender, conversation, body, f"{prefix}-{index}", member)
        _spread(conversation, now - dt.timedelta(days=days_ago), random.Random(prefix), now)
        _read_up_to(conversation, unread)
    db.session.commit()


def _spread(
    conversation: Conversation, start: dt.datetime, rng: random.Random, now: dt.datetime
) -> None:
    """Date the conversation from ``start``, each message minutes to hours after the last."""
    messages = list(
        db.session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        )
    )
    at = start.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59))
    conversation.created_at = at
    for member in db.session.scalars(
        select(ConversationMember).where(ConversationMember.conversation_id == conversation.id)
    ):
        member.joined_at = at
    for message in messages:
        message.created_at = min(at, now - dt.timedelta(minutes=2))
        at += dt.timedelta(minutes=rng.choice((2, 5, 12, 40, 95, 300, 1200)))
    db.session.flush()


def _read_up_to(conversation: Conversation, unread: dict[str, int]) -> None:
    """Everyone has read the conversation except the last ``n`` messages for those listed."""
    ids = list(
        db.session.scalars(
            select(Message.id)
            .where(Message.conversation_id == conversation.id)
            .order_by(Message.id)
        )
    )
    users = {u.id: u.username for u in db.session.scalars(select(User))}
    for member in db.session.scalars(
        select(ConversationMember).where(ConversationMember.conversation_id == conversation.id)
    ):
        behind = unread.get(users.get(member.user_id, ""), 0)
        read = ids[: len(ids) - behind] if behind else ids
        member.last_read_id = read[-1] if read else 0
    db.session.flush()
