"""JSON endpoints of the experts (paths in API.md): services do the checks; each write
endpoint is one transaction (``@transactional``)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _

from app.accounts.auth import admin_required, require_user
from app.api import make_blueprint, not_found, paginate
from app.db import transactional, utcnow
from app.ics import ics_response
from app.limits import rate_limit
from experts import access, calendar, publishing, queries, services, sessions
from experts.schemas import (
    CloseInSchema,
    ConsultationArgsSchema,
    ConsultationInSchema,
    ConsultationOutSchema,
    ConsultationPageSchema,
    ConversationOutSchema,
    DeclineInSchema,
    ExpertArgsSchema,
    FreeHoursSchema,
    FunnelSchema,
    HeldInSchema,
    ProfileInSchema,
    ProfileOutSchema,
    ProfilePageSchema,
    PublicationOutSchema,
    PublishInSchema,
    RateInSchema,
    SessionFeedSchema,
    SessionInSchema,
    SessionListSchema,
    SessionOutSchema,
)
from experts.serialize import serialize_consultation, serialize_profile, serialize_session

blp = make_blueprint("experts", __name__, "Specialists who help associations for free")


def _profiles(rows: list[Any]) -> list[dict[str, Any]]:
    names = queries.names([r.user_id for r in rows])
    month = services.month_of(utcnow())
    return [serialize_profile(r, names.get(r.user_id, ""), month) for r in rows]


def _consultation(row: Any, actor: Any) -> dict[str, Any]:
    mine = access.profile_of(actor.id)
    offer = queries.offers_of(mine.id if mine else None, [row.id]).get(row.id)
    return serialize_consultation(row, offer)


@blp.route("/experts", methods=["GET"])
@blp.arguments(ExpertArgsSchema, location="query")
@blp.response(200, ProfilePageSchema)
def list_experts(args: dict[str, Any]) -> dict[str, Any]:
    """The experts' directory: filters ``domain``, ``language``, ``region``."""
    rows = queries.directory(args)
    page, per_page = args["page"], args["per_page"]
    chunk = rows[(page - 1) * per_page : page * per_page]
    return {"items": _profiles(chunk), "total": len(rows), "page": page, "per_page": per_page}


@blp.route("/experts", methods=["POST"])
@rate_limit("expert_profile")
@blp.arguments(ProfileInSchema)
@blp.response(201, ProfileOutSchema)
@transactional
def create_expert(data: dict[str, Any]) -> dict[str, Any]:
    """Become an expert; ``no_fee: true`` (the signed no-fee and conflict-of-interest
    statement) is required."""
    actor = require_user()
    return _profiles([services.create_profile(actor, data)])[0]


@blp.route("/experts/me", methods=["GET"])
@blp.response(200, ProfileOutSchema)
def my_profile() -> dict[str, Any]:
    actor = require_user()
    row = access.profile_of(actor.id)
    if row is None:
        raise not_found(_("You have no expert profile."))
    return _profiles([row])[0]


@blp.route("/experts/me", methods=["PATCH"])
@rate_limit("expert_profile")
@blp.arguments(ProfileInSchema)
@blp.response(200, ProfileOutSchema)
@transactional
def patch_profile(data: dict[str, Any]) -> dict[str, Any]:
    """Change one's profile; ``available: false`` passes the open offers to the next match."""
    actor = require_user()
    row = access.profile_of(actor.id)
    if row is None:
        raise not_found(_("You have no expert profile."))
    return _profiles([services.edit_profile(actor, row, data)])[0]


@blp.route("/experts/<int:profile_id>", methods=["GET"])
@blp.response(200, ProfileOutSchema)
def get_expert(profile_id: int) -> dict[str, Any]:
    return _profiles([access.get_profile(profile_id)])[0]


@blp.route("/experts/funnel", methods=["GET"])
@blp.response(200, FunnelSchema)
@admin_required
def funnel() -> dict[str, Any]:
    """Platform administrators: requested → matched → held → rated per domain."""
    return queries.funnel()


@blp.route("/consultations", methods=["GET"])
@blp.arguments(ConsultationArgsSchema, location="query")
@blp.response(200, ConsultationPageSchema)
def list_consultations(args: dict[str, Any]) -> dict[str, Any]:
    """My associations' requests (``side=association``) or those offered to me
    (``side=expert``)."""
    actor = require_user()
    query = (
        queries.expert_requests(actor)
        if args["side"] == "expert"
        else queries.association_requests(actor)
    )
    page = paginate(query, args["page"], args["per_page"])
    page["items"] = [_consultation(r, actor) for r in page["items"]]
    return page


@blp.route("/consultations", methods=["POST"])
@rate_limit("expert_request")
@blp.arguments(ConsultationInSchema)
@blp.response(201, ConsultationOutSchema)
@transactional
def create_consultation(data: dict[str, Any]) -> dict[str, Any]:
    """Ask for a specialist's help in an association's name (its coordinators and
    administrators); offered to the best match at once."""
    actor = require_user()
    return _consultation(services.ask(actor, data), actor)


@blp.route("/consultations/<int:consultation_id>", methods=["GET"])
@blp.response(200, ConsultationOutSchema)
def get_consultation(consultation_id: int) -> dict[str, Any]:
    actor = require_user()
    return _consultation(access.get_consultation(consultation_id, actor), actor)


@blp.route("/consultations/<int:consultation_id>/accept", methods=["POST"])
@rate_limit("expert_answer")
@blp.response(200, ConsultationOutSchema)
@transactional
def accept(consultation_id: int) -> dict[str, Any]:
    """The expert takes the request offered to them (409 ``over_capacity`` when this month's
    capacity is used)."""
    actor = require_user()
    offer = access.get_open_offer(consultation_id, actor)
    return _consultation(services.accept(actor, offer), actor)


@blp.route("/consultations/<int:consultation_id>/decline", methods=["POST"])
@rate_limit("expert_answer")
@blp.arguments(DeclineInSchema)
@blp.response(200, ConsultationOutSchema)
@transactional
def decline(data: dict[str, Any], consultation_id: int) -> dict[str, Any]:
    """The expert declines; the request goes to the next match."""
    actor = require_user()
    offer = access.get_open_offer(consultation_id, actor)
    services.decline(actor, offer, data["message"])
    # what the expert saw of it (they no longer see it afterwards), with their declined offer
    return serialize_consultation(queries.stored(consultation_id), offer)


@blp.route("/consultations/<int:consultation_id>/close", methods=["POST"])
@rate_limit("expert_answer")
@blp.arguments(CloseInSchema)
@blp.response(200, ConsultationOutSchema)
@transactional
def close(data: dict[str, Any], consultation_id: int) -> dict[str, Any]:
    """The expert closes the consultation with their answer."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    return _consultation(services.close(actor, row, data["answer"]), actor)


@blp.route("/consultations/<int:consultation_id>/rate", methods=["POST"])
@rate_limit("expert_answer")
@blp.arguments(RateInSchema)
@blp.response(200, ConsultationOutSchema)
@transactional
def rate(data: dict[str, Any], consultation_id: int) -> dict[str, Any]:
    """The association rates the answer (1 to 5) and may endorse the expert."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    row = services.rate(actor, row, data["rating"], data["feedback"], data["endorse"])
    return _consultation(row, actor)


@blp.route("/consultations/<int:consultation_id>/cancel", methods=["POST"])
@rate_limit("expert_request")
@blp.response(200, ConsultationOutSchema)
@transactional
def cancel(consultation_id: int) -> dict[str, Any]:
    """The association withdraws a request no expert took yet."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    return _consultation(services.cancel(actor, row), actor)


@blp.route("/consultations/<int:consultation_id>/conversation", methods=["POST"])
@rate_limit("expert_answer")
@blp.response(200, ConversationOutSchema)
@transactional
def conversation(consultation_id: int) -> dict[str, Any]:
    """The conversation between the person who asked and the expert (messaging's)."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    conversation_id, url = services.conversation(actor, row)
    return {"conversation_id": conversation_id, "url": url}


# --- publication in the library -------------------------------------------------------------


def _publication(actor: Any, row: Any) -> dict[str, Any]:
    return publishing.serialize(publishing.publication_of(row.id), actor, row)


@blp.route("/consultations/<int:consultation_id>/publication", methods=["GET"])
@blp.response(200, PublicationOutSchema)
def get_publication(consultation_id: int) -> dict[str, Any]:
    """Where publishing the answer in the library stands: each side's consent, the proposed
    redacted text (to the parties), the library page once published."""
    actor = require_user()
    return _publication(actor, access.get_consultation(consultation_id, actor))


@blp.route("/consultations/<int:consultation_id>/publication/consent", methods=["POST"])
@rate_limit("expert_answer")
@blp.response(200, PublicationOutSchema)
@transactional
def consent_publication(consultation_id: int) -> dict[str, Any]:
    """The actor's side (the association's coordinators, the expert) consents to publishing
    the answered consultation; with both consents the redacted text is proposed."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    publishing.consent(actor, row)
    return _publication(actor, row)


@blp.route("/consultations/<int:consultation_id>/publication/consent", methods=["DELETE"])
@rate_limit("expert_answer")
@blp.response(200, PublicationOutSchema)
@transactional
def withdraw_publication(consultation_id: int) -> dict[str, Any]:
    """Withdraw the actor's side's consent before publication: nothing is published."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    publishing.withdraw(actor, row)
    return _publication(actor, row)


@blp.route("/consultations/<int:consultation_id>/publication", methods=["POST"])
@rate_limit("expert_answer")
@blp.arguments(PublishInSchema)
@blp.response(200, PublicationOutSchema)
@transactional
def publish(data: dict[str, Any], consultation_id: int) -> dict[str, Any]:
    """Publish the (edited) redacted question and answer in the library, once both sides
    consented: 422 while the text still identifies someone."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    publishing.publish(actor, row, data)
    return _publication(actor, row)


@blp.route("/consultations/<int:consultation_id>/publication", methods=["DELETE"])
@rate_limit("expert_answer")
@blp.response(200, PublicationOutSchema)
@transactional
def unpublish(consultation_id: int) -> dict[str, Any]:
    """A platform administrator takes the published answer out of the library."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    publishing.unpublish(actor, row)
    return _publication(actor, row)


# --- one-hour sessions --------------------------------------------------------------------------


@blp.route("/consultations/<int:consultation_id>/free-hours", methods=["GET"])
@blp.response(200, FreeHoursSchema)
def free_hours(consultation_id: int) -> dict[str, Any]:
    """The expert's free hours of the next three weeks (their weekly availability minus the
    booked sessions), for the request's two sides."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    expert = queries.expert(row.expert_id)
    hours = sessions.free_hours(expert, utcnow()) if expert is not None else []
    return {"items": [h.isoformat() for h in hours]}


@blp.route("/consultations/<int:consultation_id>/session", methods=["POST"])
@rate_limit("expert_session")
@blp.arguments(SessionInSchema)
@blp.response(201, SessionOutSchema)
@transactional
def book_session(data: dict[str, Any], consultation_id: int) -> dict[str, Any]:
    """The association that asked books a one-hour session on one of the expert's free hours
    (409 ``slot_taken`` when someone booked that hour first)."""
    actor = require_user()
    row = access.get_consultation(consultation_id, actor)
    return serialize_session(sessions.book(actor, row, data["starts_at"]))


@blp.route("/sessions", methods=["GET"])
@blp.response(200, SessionListSchema)
def my_sessions() -> dict[str, Any]:
    """My sessions, as the expert and as the one who asked (newest first)."""
    actor = require_user()
    return {"items": [serialize_session(s) for s in sessions.sessions_of(actor.id)]}


@blp.route("/sessions/<int:session_id>", methods=["GET"])
@blp.response(200, SessionOutSchema)
def get_session(session_id: int) -> dict[str, Any]:
    return serialize_session(sessions.get_session(session_id, require_user()))


@blp.route("/sessions/<int:session_id>/reschedule", methods=["POST"])
@rate_limit("expert_session")
@blp.arguments(SessionInSchema)
@blp.response(200, SessionOutSchema)
@transactional
def reschedule_session(data: dict[str, Any], session_id: int) -> dict[str, Any]:
    """Move a booked session to another free hour, twice at most (409
    ``too_many_reschedules`` the third time)."""
    actor = require_user()
    session = sessions.get_session(session_id, actor)
    return serialize_session(sessions.reschedule(actor, session, data["starts_at"]))


@blp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@rate_limit("expert_session")
@blp.response(200, SessionOutSchema)
@transactional
def cancel_session(session_id: int) -> dict[str, Any]:
    """Either side cancels a booked session; its hour is free again."""
    actor = require_user()
    session = sessions.get_session(session_id, actor)
    return serialize_session(sessions.cancel(actor, session))


@blp.route("/sessions/<int:session_id>/held", methods=["POST"])
@rate_limit("expert_session")
@blp.arguments(HeldInSchema)
@blp.response(200, SessionOutSchema)
@transactional
def held_session(data: dict[str, Any], session_id: int) -> dict[str, Any]:
    """The expert says the session took place: the consultation closes with their notes and
    the association may rate it and endorse them."""
    actor = require_user()
    session = sessions.get_session(session_id, actor)
    return serialize_session(sessions.mark_held(actor, session, data["notes"]))


@blp.route("/experts/calendar", methods=["GET"])
@blp.response(200, SessionFeedSchema)
def calendar_state() -> dict[str, Any]:
    """Whether the caller has a secret sessions calendar address (shown only once)."""
    actor = require_user()
    return {"url": None, "active": calendar.feed_of(actor) is not None}


@blp.route("/experts/calendar", methods=["POST"])
@rate_limit("expert_session")
@blp.response(201, SessionFeedSchema)
@transactional
def calendar_regenerate() -> dict[str, Any]:
    """Create or replace the caller's secret sessions calendar address."""
    actor = require_user()
    return {"url": calendar.feed_url(calendar.regenerate_feed(actor)), "active": True}


@blp.route("/experts/calendar", methods=["DELETE"])
@rate_limit("expert_session")
@blp.response(200, SessionFeedSchema)
@transactional
def calendar_revoke() -> dict[str, Any]:
    actor = require_user()
    calendar.revoke_feed(actor)
    return {"url": None, "active": False}


@blp.route("/experts/calendar/<string:secret>.ics", methods=["GET"])
@blp.doc(responses={"200": {"description": "text/calendar (RFC 5545)"}})
def session_calendar(secret: str) -> Response:
    """The secret feed of a person's sessions, as the expert and as the one who asked."""
    user = calendar.feed_user(secret)
    if user is None:
        raise not_found()
    return ics_response(calendar.build(user), "jam3ia-experts.ics")
