"""The directory's JSON API (thin: parse, access check, service, serialize)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, require_user
from app.api import (
    ApiError,
    PageArgsSchema,
    expected_version,
    invalid,
    make_blueprint,
    page_schema,
    paginate,
)
from app.db import transactional
from app.images import read_upload
from app.limits import rate_limit
from directory import queries, services
from directory.access import access_association, check_members_visible, may_manage
from directory.schemas import (
    AssociationInSchema,
    AssociationOutSchema,
    AssociationPatchSchema,
    AssociationSearchArgsSchema,
    AssociationSearchResultSchema,
    DecisionSchema,
    FieldOutSchema,
    JoinSchema,
    MemberOutSchema,
    MembersArgsSchema,
    MemberSetSchema,
    RegionOutSchema,
)
from directory.search import search_associations
from directory.serialize import (
    association_dict,
    current_lang,
    field_dict,
    member_dict,
    regions_tree,
)

blp = make_blueprint("directory", __name__, "Associations, memberships and reference data.")


@blp.route("/associations")
class Associations(MethodView):
    @blp.arguments(AssociationSearchArgsSchema, location="query")
    @blp.response(200, AssociationSearchResultSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search approved associations: text, facets with counts, sort, distance."""
        actor = get_current_user()
        found = search_associations(args, actor=actor, locale=current_lang())
        mine = queries.memberships_of(actor, found["ids"])
        items = [
            association_dict(a, distance=found["distances"].get(a.id), mine=mine.get(a.id))
            for a in queries.load_associations_by_ids(found["ids"])
        ]
        return {
            "items": items,
            "total": found["total"],
            "page": found["page"],
            "per_page": found["per_page"],
            "facets": found["facets"],
            "suggestion": found["suggestion"],
            "place_suggestion": found["place_suggestion"],
            "field_suggestion": found["field_suggestion"],
            "nearby_places": found["nearby_places"],
            "relax": found["relax"],
        }

    @rate_limit("association_create")
    @blp.arguments(AssociationInSchema)
    @blp.response(201, AssociationOutSchema)
    @transactional
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register an association; it waits as ``pending``; the caller becomes its admin."""
        actor = require_user()
        assoc = services.create_association(actor, data)
        return association_dict(assoc, mine=queries.viewer_membership(actor, assoc.id))


@blp.route("/associations/pending")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(AssociationOutSchema))
def pending_associations(args: dict[str, Any]) -> dict[str, Any]:
    """The approval queue (platform admins)."""
    actor = require_user()
    if not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only platform administrators can do this."))
    page = paginate(queries.pending_query(), args["page"], args["per_page"])
    mine = queries.memberships_of(actor, [a.id for a in page["items"]])
    page["items"] = [association_dict(a, mine=mine.get(a.id)) for a in page["items"]]
    return page


@blp.route("/associations/<int:association_id>")
class AssociationItem(MethodView):
    @blp.response(200, AssociationOutSchema)
    def get(self, association_id: int) -> Any:
        """One association (pending/suspended ones: only their members and platform admins),
        with its ``version`` (also the ``ETag``)."""
        actor = get_current_user()
        assoc = access_association(actor, association_id)
        data = association_dict(assoc, mine=queries.viewer_membership(actor, assoc.id))
        return data, 200, {"ETag": f'"{data["version"]}"'}

    @blp.arguments(AssociationPatchSchema)
    @blp.response(200, AssociationOutSchema)
    @transactional
    def patch(self, data: dict[str, Any], association_id: int) -> Any:
        """Edit (association admins and platform admins). Send the loaded version as
        ``If-Match`` (or ``version``): 409 ``edit_conflict`` when someone saved since."""
        actor = require_user()
        expected = expected_version(data.pop("version", None))
        assoc = access_association(actor, association_id, need="edit")
        assoc = services.update_association(actor, assoc, data, expected)
        out = association_dict(assoc, mine=queries.viewer_membership(actor, assoc.id))
        return out, 200, {"ETag": f'"{out["version"]}"'}


@transactional
def _decide(association_id: int, action: str, reason: str = "") -> dict[str, Any]:
    actor = require_user()
    assoc = access_association(actor, association_id, need="moderate")
    assoc = services.decide_association(actor, assoc, action, reason)
    return association_dict(assoc, mine=queries.viewer_membership(actor, assoc.id))


@blp.route("/associations/<int:association_id>/approve", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, AssociationOutSchema)
def approve_association(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Approve (platform admins): the association is listed publicly; its submitter is told."""
    return _decide(association_id, "approve", data["reason"])


@blp.route("/associations/<int:association_id>/reject", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, AssociationOutSchema)
def reject_association(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Reject a pending association (platform admins); the submitter is told, with the reason."""
    return _decide(association_id, "reject", data["reason"])


@blp.route("/associations/<int:association_id>/suspend", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, AssociationOutSchema)
def suspend_association(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Suspend an approved association (platform admins): it leaves the public directory."""
    return _decide(association_id, "suspend", data["reason"])


@blp.route("/associations/<int:association_id>/join", methods=["POST"])
@rate_limit("association_join")
@blp.arguments(JoinSchema)
@blp.response(201, MemberOutSchema)
@transactional
def join_association(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Ask to join; the association's admins approve."""
    actor = require_user()
    assoc = access_association(actor, association_id)
    return member_dict(services.request_join(actor, assoc, data["message"]), with_message=True)


@blp.route("/associations/<int:association_id>/members")
@blp.arguments(MembersArgsSchema, location="query")
@blp.response(200, page_schema(MemberOutSchema))
def list_members(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Members (``status=pending``: join requests, for the association's admins). With
    ``members_visibility: members``, only the association's members read the list. Join
    messages are shown to the association's admins only."""
    actor = get_current_user()
    assoc = access_association(actor, association_id)
    if args["status"] == "pending":
        assoc = access_association(actor, association_id, need="manage")
    check_members_visible(actor, assoc)
    with_message = may_manage(actor, assoc)
    page = paginate(queries.members_query(assoc.id, args["status"]), args["page"], args["per_page"])
    page["items"] = [member_dict(m, with_message=with_message) for m in page["items"]]
    return page


@blp.route("/associations/<int:association_id>/members/<int:user_id>")
class MemberItem(MethodView):
    @blp.arguments(MemberSetSchema)
    @blp.response(200, MemberOutSchema)
    @transactional
    def post(self, data: dict[str, Any], association_id: int, user_id: int) -> dict[str, Any]:
        """Approve a join request and/or set the role (association admins). The last admin
        cannot be demoted (409)."""
        actor = require_user()
        assoc = access_association(actor, association_id, need="manage")
        membership = services.set_member(actor, assoc, user_id, data.get("role"))
        return member_dict(membership, with_message=True)

    @blp.response(204)
    @transactional
    def delete(self, association_id: int, user_id: int) -> None:
        """Remove a member or turn down a request (admins), or leave (oneself). The last
        admin cannot be removed (409)."""
        actor = require_user()
        assoc = access_association(actor, association_id)
        if actor.id != user_id:
            assoc = access_association(actor, association_id, need="manage")
        services.remove_member(actor, assoc, user_id)


@blp.route("/associations/<int:association_id>/logo", methods=["POST"])
@blp.response(200, AssociationOutSchema)
@transactional
def upload_logo(association_id: int) -> dict[str, Any]:
    """Upload a logo (multipart ``file``): at most 1 MB, PNG/JPEG/GIF/WebP by content."""
    actor = require_user()
    assoc = access_association(actor, association_id, need="edit")
    upload = request.files.get("file")
    if upload is None:
        raise invalid(_("Some fields are not valid."), {"file": [_("Choose an image file.")]})
    data = read_upload(upload, services.LOGO_MAX_BYTES)
    assoc = services.set_logo(actor, assoc, data)
    return association_dict(assoc, mine=queries.viewer_membership(actor, assoc.id))


@blp.route("/fields")
@blp.response(200, FieldOutSchema(many=True))
def get_fields() -> list[dict[str, Any]]:
    """Fields of activity, with labels in ar/fr/en and ``label`` in the request's language."""
    lang = current_lang()
    return [field_dict(f, lang) for f in queries.list_fields()]


@blp.route("/regions")
@blp.response(200, RegionOutSchema(many=True))
def get_regions() -> list[dict[str, Any]]:
    """Regions with their prefectures/provinces and cities (with coordinates)."""
    return regions_tree(queries.regions(), current_lang())


__all__ = ["blp"]
