"""Knowledge pages and revisions as API dictionaries."""

from __future__ import annotations

from typing import Any

from library.knowledge.models import KnowledgePage, KnowledgeRevision


def serialize_page(page: KnowledgePage) -> dict[str, Any]:
    return {
        "id": page.id,
        "association_id": page.association_id,
        "title": page.title,
        "body": page.body,
        "body_html": page.body_html,
        "lang": page.lang,
        "direction": page.direction,
        "visibility": page.visibility,
        "template": page.template,
        "version": page.version,
        "created_at": page.created_at,
        "updated_at": page.updated_at,
    }


def serialize_revision(revision: KnowledgeRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "author_id": revision.author_id,
        "created_at": revision.created_at,
    }
