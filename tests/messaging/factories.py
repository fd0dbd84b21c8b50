"""Factories for messaging tests: conversations with members, built through the services."""

from __future__ import annotations

from app.accounts.models import User
from app.db import transaction
from messaging import access, services
from messaging.models import Conversation
from messaging.services import SendResult


def direct(a: User, b: User) -> Conversation:
    with transaction():  # services flush; the factory is the edge
        conversation, _created = services.start_conversation(a, [b.id])
    return conversation


def group(admin: User, *members: User, title: str = "Groupe") -> Conversation:
    with transaction():
        conversation, _created = services.start_conversation(admin, [m.id for m in members], title)
    return conversation


def send(actor: User, conversation: Conversation, body: str, client_id: str) -> SendResult:
    """``actor`` sends ``body``, with their membership loaded as the pages, API and sockets do
    (no transaction of its own: callers commit)."""
    found, member = access.access_conversation(actor, conversation.id)
    return services.send_message(actor, found, body, client_id, member)
