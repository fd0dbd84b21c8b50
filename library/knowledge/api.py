"""JSON endpoints of knowledge pages: ``access`` then ``services``, one transaction each
(``@transactional``)."""

from __future__ import annotations

from typing import Any

from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, expected_version, make_blueprint, not_found, paginate
from app.db import transactional
from app.limits import rate_limit
from directory import get_association
from library.knowledge import access, queries, serialize, services
from library.knowledge.models import KnowledgePage
from library.knowledge.schemas import (
    PageCreateSchema,
    PageListArgsSchema,
    PagePageSchema,
    PagePatchSchema,
    PageSchema,
    RevisionArgsSchema,
    RevisionListSchema,
)

blp = make_blueprint("knowledge", __name__, "Knowledge pages: network and association pages")


def detail(page: KnowledgePage) -> dict[str, Any]:
    data = serialize.serialize_page(page)
    data["can_edit"] = access.may_write(get_current_user(), page.association_id)
    return data


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def _list(args: dict[str, Any], association_id: int | None, scoped: bool) -> dict[str, Any]:
    query = access.visible_pages(get_current_user())
    if scoped:
        query = query.where(
            KnowledgePage.association_id.is_(None)
            if association_id is None
            else KnowledgePage.association_id == association_id
        )
    if args.get("template") is not None:
        query = query.where(KnowledgePage.template.is_(args["template"]))
    page = paginate(query, args["page"], args["per_page"])
    page["items"] = [detail(p) for p in page["items"]]
    return page


def _create(data: dict[str, Any], association_id: int | None) -> KnowledgePage:
    actor = require_user()
    if not access.may_write(actor, association_id):
        raise ApiError(403, "forbidden", None)
    page = services.create_page(actor, association_id, data)
    return page


@blp.route("/pages")
@blp.arguments(PageListArgsSchema, location="query")
@blp.response(200, PagePageSchema)
def list_pages(args: dict[str, Any]) -> dict[str, Any]:
    """Pages the caller may read (``association_id`` to narrow), most recently updated first."""
    association_id = args.get("association_id")
    return _list(args, association_id, association_id is not None)


@blp.route("/pages", methods=["POST"])
@rate_limit("knowledge_write")
@blp.arguments(PageCreateSchema)
@blp.response(201, PageSchema)
@transactional
def create_network_page(data: dict[str, Any]) -> dict[str, Any]:
    """A network-wide page (platform administrators)."""
    return detail(_create(data, None))


@blp.route("/associations/<int:association_id>/pages")
@blp.arguments(PageListArgsSchema, location="query")
@blp.response(200, PagePageSchema)
def list_association_pages(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    """An association's pages the caller may read."""
    if get_association(association_id) is None:
        raise not_found()
    return _list(args, association_id, True)


@blp.route("/associations/<int:association_id>/pages", methods=["POST"])
@rate_limit("knowledge_write")
@blp.arguments(PageCreateSchema)
@blp.response(201, PageSchema)
@transactional
def create_association_page(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """A page of the association (its admins and coordinators)."""
    if get_association(association_id) is None:
        raise not_found()
    return detail(_create(data, association_id))


@blp.route("/pages/<int:page_id>")
@blp.response(200, PageSchema, headers={"ETag": {"description": "the version"}})
def get_page(page_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """A page with its rendered body; ``ETag``/``version`` to send back with an edit."""
    page = access.access_page(get_current_user(), page_id)
    return detail(page), etag(page.version)


@blp.route("/pages/<int:page_id>", methods=["PATCH"])
@rate_limit("knowledge_write")
@blp.arguments(PagePatchSchema)
@blp.response(200, PageSchema, headers={"ETag": {"description": "the new version"}})
@blp.alt_response(409, description="edit_conflict: saved by someone else since `version`")
@transactional
def patch_page(data: dict[str, Any], page_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Edit a page; a changed title or body adds a revision. Stale ``version``: 409."""
    actor = require_user()
    page = access.access_page(actor, page_id, "edit")
    expected = expected_version(data.pop("version", None))
    services.update_page(actor, page, data, expected)
    return detail(page), etag(page.version)


@blp.route("/pages/<int:page_id>/revisions")
@blp.arguments(RevisionArgsSchema, location="query")
@blp.response(200, RevisionListSchema)
def list_revisions(args: dict[str, Any], page_id: int) -> dict[str, Any]:
    """Revisions, newest first; with ``from`` and ``to`` also their word-level diff."""
    page = access.access_page(get_current_user(), page_id)
    diff = None
    if args.get("diff_from") and args.get("diff_to"):
        diff = queries.diff_revisions(page, args["diff_from"], args["diff_to"])
        diff["diff_from"], diff["diff_to"] = diff.pop("from"), diff.pop("to")
    return {
        "items": [serialize.serialize_revision(r) for r in queries.revisions(page)],
        "diff": diff,
    }
