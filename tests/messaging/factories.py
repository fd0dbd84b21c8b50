"""Factories for messaging tests: conversations with members, built through the services."""

from __future__ import annotations

from app.accounts.models import User
from app.db import transaction
from messaging import services
from messaging.models import Conversation


def direct(a: User, b: User) -> Conversation:
    with transaction():  # services flush; the factory is the edge
        conversation, _created = services.start_conversation(a, [b.id])
    return conversation


def group(admin: User, *members: User, title: str = "Groupe") -> Conversation:
    with transaction():
        conversation, _created = services.start_conversation(admin, [m.id for m in members], title)
    return conversation
