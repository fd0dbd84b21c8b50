"""JSON endpoints of the board (paths in API.md): services do the checks; each write endpoint
is one transaction (``@transactional``)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, invalid, make_blueprint, not_found, paginate
from app.db import transactional
from app.images import read_upload
from app.limits import check, rate_limit
from directory import get_association
from offers import access, claims, images, moderation, queries, services
from offers.models import OfferAlert
from offers.schemas import (
    AlertListSchema,
    AlertSchema,
    CheckOutSchema,
    ClaimConversationSchema,
    ClaimInSchema,
    ClaimOutSchema,
    DonorSchema,
    FeedArgsSchema,
    FeedOutSchema,
    FlagInSchema,
    FlagOutSchema,
    GivenSchema,
    ImageOutSchema,
    ListArgsSchema,
    OfferInSchema,
    OfferOutSchema,
    OfferPatchSchema,
    ReferralInSchema,
    ReferralOutSchema,
    ReferralPageSchema,
    ReferralSchema,
    ReviewInSchema,
    ReviewPageSchema,
    ThanksInSchema,
    ThanksOutSchema,
)
from offers.serialize import serialize_claim, serialize_offer, serialize_referral

blp = make_blueprint("offers", __name__, "Free offers and blood donation requests")


def _out(offer: Any, actor: Any) -> dict[str, Any]:
    data = serialize_offer(offer, actor)
    if offer.status == "review" and actor is not None and offer.author_id == actor.id:
        position, minutes = queries.queue_position(offer)
        data["queue"] = {"position": position, "wait_minutes": minutes}
    return data


@blp.route("/offers", methods=["GET"])
@blp.arguments(FeedArgsSchema, location="query")
@blp.response(200, FeedOutSchema)
def list_offers(args: dict[str, Any]) -> dict[str, Any]:
    """The feed: published offers filtered by place, type, audience, kind or words."""
    actor = get_current_user()
    page = queries.feed(args, actor)
    page["items"] = [serialize_offer(o, actor, full=False) for o in page["items"]]
    return page


@blp.route("/offers", methods=["POST"])
@rate_limit("offer_post")
@blp.arguments(OfferInSchema)
@blp.response(201, OfferOutSchema)
@transactional
def create_offer(data: dict[str, Any]) -> dict[str, Any]:
    """Publish an offer or a blood request: 422 ``offer_rules`` with the hits when refused."""
    actor = require_user()
    if data.get("kind") == "blood_request":
        check("blood_request", actor.id)
    offer = services.publish(actor, data)
    return _out(offer, actor)


@blp.route("/offers/check", methods=["POST"])
@rate_limit("offer_check")
@blp.arguments(OfferInSchema)
@blp.response(200, CheckOutSchema)
def check_offer(data: dict[str, Any]) -> dict[str, Any]:
    """The rules' verdict on a post; nothing is stored."""
    actor = get_current_user()
    hits = services.check(actor, services.prepare(data))
    return {"ok": not any(h.action == "block" for h in hits), "hits": [h.as_dict() for h in hits]}


@blp.route("/offers/given", methods=["GET"])
@blp.response(200, GivenSchema)
def given() -> dict[str, Any]:
    """What the board gave: counts by type and province, and the latest thanks (no names)."""
    return queries.given()


@blp.route("/offers/<int:offer_id>", methods=["GET"])
@blp.response(200, OfferOutSchema)
def get_offer(offer_id: int) -> dict[str, Any]:
    actor = get_current_user()
    return _out(access.get_offer(offer_id, actor), actor)


@blp.route("/offers/<int:offer_id>", methods=["PATCH"])
@rate_limit("offer_post")
@blp.arguments(OfferPatchSchema)
@blp.response(200, OfferOutSchema)
@transactional
def patch_offer(data: dict[str, Any], offer_id: int) -> dict[str, Any]:
    """Edit the text, pause or resume (``status``)."""
    actor = require_user()
    offer = services.edit(actor, access.get_offer(offer_id, actor), data)
    return _out(offer, actor)


@blp.route("/offers/<int:offer_id>", methods=["DELETE"])
@rate_limit("offer_post")
@blp.response(204)
@transactional
def delete_offer(offer_id: int) -> None:
    """Withdraw the offer (its one terminal outcome)."""
    actor = require_user()
    services.withdraw(actor, access.get_offer(offer_id, actor))


@blp.route("/offers/<int:offer_id>/claims", methods=["POST"])
@rate_limit("offer_claim")
@blp.arguments(ClaimInSchema)
@blp.response(201, ClaimOutSchema)
@transactional
def create_claim(data: dict[str, Any], offer_id: int) -> dict[str, Any]:
    """Ask for an offer: answers to its conditions and a proposed pickup time."""
    actor = require_user()
    offer = access.get_offer(offer_id, actor)
    row = claims.claim(
        actor, offer, data["answers"], data["pickup_proposal"], data["referral_token"]
    )
    return serialize_claim(row)


@blp.route("/offers/<int:offer_id>/claims", methods=["GET"])
@blp.response(200, ClaimOutSchema(many=True))
def list_claims(offer_id: int) -> list[dict[str, Any]]:
    """The requests for the author's offer."""
    actor = require_user()
    offer = access.get_offer(offer_id, actor)
    if offer.author_id != actor.id:
        raise ApiError(403, "forbidden", "Only the author sees the requests.")
    return [serialize_claim(c) for c in queries.claims_of(offer)]


def _claim_action(claim_id: int, action: str) -> dict[str, Any]:
    actor = require_user()
    row = access.get_claim(claim_id, actor)
    if action == "accept":
        claims.accept(actor, row)
    elif action == "decline":
        claims.decline(actor, row)
    else:
        claims.mark(actor, row, action)
    return serialize_claim(row)


@blp.route("/claims/<int:claim_id>/accept", methods=["POST"])
@rate_limit("offer_claim")
@blp.response(200, ClaimOutSchema)
@transactional
def accept_claim(claim_id: int) -> dict[str, Any]:
    """Accept a request: one place taken; the last place gives the offer away."""
    return _claim_action(claim_id, "accept")


@blp.route("/claims/<int:claim_id>/decline", methods=["POST"])
@rate_limit("offer_claim")
@blp.response(200, ClaimOutSchema)
@transactional
def decline_claim(claim_id: int) -> dict[str, Any]:
    return _claim_action(claim_id, "decline")


@blp.route("/claims/<int:claim_id>/received", methods=["POST"])
@rate_limit("offer_claim")
@blp.response(200, ClaimOutSchema)
@transactional
def received_claim(claim_id: int) -> dict[str, Any]:
    return _claim_action(claim_id, "received")


@blp.route("/claims/<int:claim_id>/no_show", methods=["POST"])
@rate_limit("offer_claim")
@blp.response(200, ClaimOutSchema)
@transactional
def no_show_claim(claim_id: int) -> dict[str, Any]:
    """The person did not come (counted privately)."""
    return _claim_action(claim_id, "no_show")


@blp.route("/claims/<int:claim_id>/conversation", methods=["POST"])
@rate_limit("offer_claim")
@blp.response(200, ClaimConversationSchema)
@transactional
def claim_conversation(claim_id: int) -> dict[str, Any]:
    """Open (or find) the conversation where the author and the person of an accepted request
    agree on the details; it is deleted with its messages when the offer is purged."""
    actor = require_user()
    conversation_id, url = claims.conversation(actor, access.get_claim(claim_id, actor))
    return {"conversation_id": conversation_id, "url": url}


@blp.route("/offer-alerts", methods=["GET"])
@blp.response(200, AlertListSchema)
def list_alerts() -> dict[str, Any]:
    actor = require_user()
    return {"items": queries.alerts_of(actor.id)}


@blp.route("/offer-alerts", methods=["POST"])
@rate_limit("offer_claim")
@blp.arguments(AlertSchema)
@blp.response(201, AlertSchema)
@transactional
def create_alert(data: dict[str, Any]) -> OfferAlert:
    """Save an alert ("tutoring in Agadir"): notified when a matching offer is published."""
    actor = require_user()
    alert = services.add_alert(actor, data)
    return alert


@blp.route("/me/blood-donor", methods=["GET"])
@blp.response(200, DonorSchema)
@transactional
def get_donor() -> dict[str, Any]:
    """The person's own donor card (private; 404 when not registered)."""
    actor = require_user()
    card = queries.read_donor(actor)  # the read is logged, committed with the endpoint
    if card is None:
        raise ApiError(404, "not_found", "You are not registered as a blood donor.")
    return card


@blp.route("/me/blood-donor", methods=["PUT"])
@rate_limit("offer_claim")
@blp.arguments(DonorSchema)
@blp.response(200, DonorSchema)
@transactional
def put_donor(data: dict[str, Any]) -> dict[str, Any]:
    """Opt in as a blood donor, change group or city, or pause (``active: false``)."""
    actor = require_user()
    row = services.set_donor(actor, data)
    return {"group": data["group"], "city": row.city_id, "active": row.active}


@blp.route("/offers/<int:offer_id>/thanks", methods=["POST"])
@rate_limit("offer_claim")
@blp.arguments(ThanksInSchema)
@blp.response(201, ThanksOutSchema)
@transactional
def thank_offer(data: dict[str, Any], offer_id: int) -> Any:
    """Thank publicly for an offer received (no name is shown)."""
    actor = require_user()
    thanks = claims.thank(actor, access.get_offer(offer_id, actor), data["text"])
    return thanks


@blp.route("/offers/<int:offer_id>/flags", methods=["POST"])
@rate_limit("offer_claim")
@blp.arguments(FlagInSchema)
@blp.response(201, FlagOutSchema)
@transactional
def flag_offer(data: dict[str, Any], offer_id: int) -> dict[str, Any]:
    """Report an offer that breaks the rules; three reports send it back to review."""
    actor = require_user()
    count = moderation.flag(actor, access.get_offer(offer_id, actor), data["reason"])
    return {"flags": count}


@blp.route("/associations/<int:association_id>/referrals", methods=["POST"])
@rate_limit("offer_claim")
@blp.arguments(ReferralInSchema)
@blp.response(201, ReferralOutSchema)
@transactional
def create_referral(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """A one-use "known to us" code for a person, given by the association's administrator."""
    actor = require_user()
    token = claims.make_referral(actor, association_id, data["user_id"])
    return {"token": token}


@blp.route("/associations/<int:association_id>/referrals", methods=["GET"])
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, ReferralPageSchema)
def list_referrals(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    """The association's "known to us" codes, newest first, with their status (``unused``,
    ``used`` with its date, ``revoked``): never who a code was given to. Its administrators
    only."""
    actor = require_user()
    if get_association(association_id) is None:
        raise not_found()
    if not access.may_refer(actor, association_id):
        raise ApiError(403, "forbidden", _("Only an administrator of the association can do this."))
    page = paginate(queries.referrals_query(association_id), args["page"], args["per_page"])
    page["items"] = [serialize_referral(r) for r in page["items"]]
    return page


@blp.route(
    "/associations/<int:association_id>/referrals/<int:referral_id>/revoke", methods=["POST"]
)
@rate_limit("offer_claim")
@blp.response(200, ReferralSchema)
@transactional
def revoke_referral(association_id: int, referral_id: int) -> dict[str, Any]:
    """Make an unused code unusable (a request that presents it is refused). A used code
    cannot be revoked (409 ``referral_used``): the request it went with stays as it was."""
    actor = require_user()
    if get_association(association_id) is None:
        raise not_found()
    return serialize_referral(claims.revoke_referral(actor, association_id, referral_id))


@blp.route("/offers/<int:offer_id>/images", methods=["POST"])
@rate_limit("offer_post")
@blp.response(201, ImageOutSchema)
@transactional
def add_image(offer_id: int) -> dict[str, Any]:
    """A photo of the offered thing (multipart: ``file``, ``no_person_visible=true``); things
    only, at most three; 422 ``offer_rules`` (PHOTO) otherwise."""

    actor = require_user()
    offer = access.get_offer(offer_id, actor)
    file = request.files.get("file")
    if file is None or not file.filename:
        raise invalid(_("Choose a file."), {"file": [_("Required.")]})
    tick = request.form.get("no_person_visible", "").lower() in ("1", "true", "yes", "on")
    row = services.add_photo(actor, offer, read_upload(file, images.MAX_BYTES), tick)
    return {"id": row.id, "url": url_for("offers.image", name=row.name), "status": offer.status}


@blp.route("/offers/review", methods=["GET"])
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, ReviewPageSchema)
def review_queue(args: dict[str, Any]) -> dict[str, Any]:
    """The moderators' queue, oldest first: each post with its rule hits, why it waits,
    readers' flags counted per reason (never who flagged) and its photos."""
    actor = require_user()
    if not access.is_moderator(actor):
        raise ApiError(403, "forbidden", _("Only moderators can do this."))
    page = paginate(queries.review_query(), args["page"], args["per_page"])
    details = queries.review_details([o.id for o in page["items"]])
    items = []
    for offer in page["items"]:
        data = serialize_offer(offer, actor)
        found = details[offer.id]
        data.update(
            flags=found["flags"],
            flag_total=found["flag_total"],
            photos=[
                {"name": name, "url": url_for("offers.image", name=name)}
                for name in found["photos"]
            ],
        )
        items.append(data)
    page["items"] = items
    return page


@blp.route("/offers/<int:offer_id>/review", methods=["POST"])
@rate_limit("offer_post")
@blp.arguments(ReviewInSchema)
@blp.response(200, OfferOutSchema)
@transactional
def review_offer(data: dict[str, Any], offer_id: int) -> dict[str, Any]:
    """A moderator's decision on a post: ``approve``, ``refuse`` (with the ``reason`` the
    author sees; a refusal is a strike for the author) or ``spammer``."""
    actor = require_user()
    offer = access.get_offer(offer_id, actor)
    moderation.review(actor, offer, data["action"], data["reason"])
    return _out(offer, actor)
