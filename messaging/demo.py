"""Demo chats for ``jam3ia seed-demo`` (after the demo people exist)."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from messaging import services
from messaging.models import Conversation, Message


def _who(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise RuntimeError(f"demo user {username} is missing")
    return user


DIRECT = [
    (
        "fatima",
        "youssef",
        [
            ("fatima", "السلام عليكم يوسف، واش وجدتي لائحة المتطوعين ديال السبت؟"),
            ("youssef", "Wa3alaykoum salam! Oui, je l'envoie ce soir **sans faute**."),
            ("fatima", "شكرا بزاف 🙏"),
        ],
    ),
    (
        "khadija",
        "omar",
        [
            ("omar", "Bonjour Khadija, la réunion du bureau est confirmée pour jeudi 18h ?"),
            ("khadija", "نعم، فمقر الجمعية. عافاك جيب معاك التقرير المالي."),
        ],
    ),
]

GROUPS = [
    (
        "Bénévoles — caravane médicale",
        "salma",
        ["fatima", "hassan", "nadia", "youssef"],
        [
            ("salma", "Hello everyone! The caravan leaves from Khénifra at 7:00."),
            ("hassan", "مزيان، أنا غادي نكون مع الفريق ديال الأدوية."),
            ("nadia", "Je m'occupe des inscriptions. Liste ici : https://example.org/liste"),
            ("fatima", "الله يعاونكم جميع ❤️"),
        ],
    ),
    (
        "لجنة التواصل",
        "khadija",
        ["fatima", "omar"],
        [
            ("khadija", "خاصنا نوجدو منشور على الفيسبوك قبل الجمعة."),
            ("omar", "Je prépare un brouillon en français et en arabe."),
        ],
    ),
]


def load_demo_chats() -> None:
    """Create a few direct and group conversations (idempotent: client ids are fixed)."""
    for a, b, lines in DIRECT:
        first = _who(a)
        conversation, _new = services.start_conversation(first, [_who(b).id])
        _say(conversation, lines, f"demo-d{conversation.id}")
    for number, (title, admin, members, lines) in enumerate(GROUPS):
        owner = _who(admin)
        existing = db.session.scalar(
            select(Message.conversation_id).where(
                Message.client_id == f"demo-g{number}-0", Message.sender_id == _who(lines[0][0]).id
            )
        )
        if existing is not None:
            continue
        conversation, _new = services.start_conversation(
            owner, [_who(m).id for m in members], title
        )
        _say(conversation, lines, f"demo-g{number}")


def _say(conversation: Conversation, lines: list[tuple[str, str]], prefix: str) -> None:
    for index, (username, body) in enumerate(lines):
        services.send_message(_who(username), conversation, body, f"{prefix}-{index}")
