"""What forums put in the search index: topics and posts that everybody may see.

The generic search framework (document types, outbox, backends) lives in ``app/search``; until
it offers a registry these hooks are no-ops.
"""

from __future__ import annotations

from typing import Any

from forums.models import Post, Topic


def changed(post: Post, topic: Topic | None = None) -> None:
    """A post was created, edited, hidden, deleted or approved."""


def topic_changed(topic: Topic) -> None:
    """A topic was renamed, moved, hidden or shown."""


def register(app: Any) -> None:
    """Declare the forum document types to the search framework (when it exists)."""
