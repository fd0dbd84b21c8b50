"""JSON endpoints of volunteering (paths in API.md): access loads, services check and write;
each write endpoint is one transaction (``@transactional``) and shares its rate limit with the
page that does the same."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import get_locale

from app.accounts.auth import require_user
from app.api import ApiError, PageArgsSchema, make_blueprint, not_found
from app.db import transactional
from app.limits import rate_limit
from volunteering import access, caravans, contracts, queries, services
from volunteering.models import Opportunity
from volunteering.schemas import (
    ApplicationInSchema,
    ApplicationListSchema,
    ApplicationOutSchema,
    CaravanInSchema,
    CaravanListSchema,
    CaravanOutSchema,
    CaravanPatchSchema,
    CertificateInSchema,
    CertificateOutSchema,
    ComponentInSchema,
    ComponentOutSchema,
    ComponentPatchSchema,
    ContactOutSchema,
    ContractEndInSchema,
    ContractInSchema,
    ContractOutSchema,
    ContractPatchSchema,
    CountOutSchema,
    HoursOutSchema,
    LoadInSchema,
    LoadOutSchema,
    ManualHoursInSchema,
    OpportunityInSchema,
    OpportunityOutSchema,
    OpportunityPatchSchema,
    PartnerInSchema,
    ProfileSchema,
    PurposeArgsSchema,
    ScheduleOutSchema,
    SearchArgsSchema,
    SearchOutSchema,
    ShowcaseOutSchema,
    SignupOutSchema,
    VerificationSchema,
    VerifyInSchema,
)
from volunteering.serialize import (
    serialize_application,
    serialize_certificate,
    serialize_contract,
    serialize_hours,
    serialize_opportunity,
    serialize_profile,
    serialize_signup,
    serialize_verification,
)

blp = make_blueprint("volunteering", __name__, "Volunteering: opportunities, shifts, hours")

SIGNUP_ACTIONS = ("check-in", "check-out", "no-show")


def _lang() -> str:
    return str(get_locale() or "ar")


def _many(rows: list[Opportunity]) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    roles, shifts = queries.roles_and_shifts(ids)
    places = queries.place_labels(rows, _lang())
    names = queries.association_names(rows)
    return [
        serialize_opportunity(
            r,
            association_name=names.get(r.association_id, ""),
            place=places.get(r.id, ""),
            roles=roles[r.id],
            shifts=shifts[r.id],
            url=url_for("volunteering.show", opportunity_id=r.id),
        )
        for r in rows
    ]


@blp.route("/opportunities", methods=["GET"])
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchOutSchema)
def list_opportunities(args: dict[str, Any]) -> dict[str, Any]:
    """Open opportunities by words (Arabic, French, Arabizi), skill, province, remote, date."""
    page = queries.search_opportunities(args)
    page["items"] = _many(page["items"])
    return page


@blp.route("/opportunities", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(OpportunityInSchema)
@blp.response(201, OpportunityOutSchema)
@transactional
def create_opportunity(data: dict[str, Any]) -> dict[str, Any]:
    """Publish a call for volunteers with its roles and shifts (coordinators and
    administrators of the association): 422 ``volunteering_rules`` with the hits when refused."""
    actor = require_user()
    return _many([services.publish(actor, data)])[0]


@blp.route("/opportunities/<int:opportunity_id>", methods=["GET"])
@blp.response(200, OpportunityOutSchema)
def get_opportunity(opportunity_id: int) -> dict[str, Any]:
    return _many([access.get_opportunity(opportunity_id)])[0]


@blp.route("/opportunities/<int:opportunity_id>", methods=["PATCH"])
@rate_limit("volunteer_write")
@blp.arguments(OpportunityPatchSchema)
@blp.response(200, OpportunityOutSchema)
@transactional
def patch_opportunity(data: dict[str, Any], opportunity_id: int) -> dict[str, Any]:
    """Edit the text or close (``status: closed``)."""
    actor = require_user()
    row = services.edit(actor, access.get_opportunity(opportunity_id), data)
    return _many([row])[0]


@blp.route("/opportunities/<int:opportunity_id>/applications", methods=["GET"])
@blp.response(200, ApplicationListSchema)
def list_applications(opportunity_id: int) -> dict[str, Any]:
    """The applications (the association's coordinators and administrators)."""
    actor = require_user()
    row = access.get_opportunity(opportunity_id)
    if not access.manages(actor, row.association_id):
        raise ApiError(403, "forbidden", services.manager_only())
    found = queries.applications_for([row.id])
    items = [serialize_application(a, u.display_name) for a, u in found]
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@blp.route("/opportunities/<int:opportunity_id>/applications", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(ApplicationInSchema)
@blp.response(201, ApplicationOutSchema)
@transactional
def apply(data: dict[str, Any], opportunity_id: int) -> dict[str, Any]:
    actor = require_user()
    row = services.apply(actor, access.get_opportunity(opportunity_id), data)
    return serialize_application(row, actor.display_name)


@blp.route("/applications/<int:application_id>/<action>", methods=["POST"])
@rate_limit("volunteer_write")
@blp.response(200, ApplicationOutSchema)
@transactional
def answer(application_id: int, action: str) -> dict[str, Any]:
    """``accept`` (a place of the role's quota; the age rule) or ``decline``."""
    if action not in ("accept", "decline"):
        raise not_found()
    actor = require_user()
    row, opportunity = access.get_application(application_id, actor)
    return serialize_application(services.answer(actor, row, opportunity, action))


@blp.route("/applications/<int:application_id>/emergency-contact", methods=["GET"])
@blp.arguments(PurposeArgsSchema, location="query")
@blp.response(200, ContactOutSchema)
@transactional
def emergency_contact(args: dict[str, Any], application_id: int) -> dict[str, Any]:
    """An accepted volunteer's emergency contact, for the association's coordinators, with a
    ``purpose`` (logged)."""
    actor = require_user()
    row, opportunity = access.get_application(application_id, actor)
    value = services.emergency_contact(actor, row, opportunity, args["purpose"])
    return {"emergency_contact": value}


@blp.route("/shifts/<int:shift_id>/signups", methods=["POST"])
@rate_limit("volunteer_shift")
@blp.response(201, SignupOutSchema)
@transactional
def sign_up(shift_id: int) -> dict[str, Any]:
    """Take a place (accepted volunteers; 409 ``full`` when there is none left)."""
    actor = require_user()
    shift, opportunity = access.get_shift(shift_id)
    row = services.sign_up(actor, shift, opportunity)
    return serialize_signup(row, shift)


@blp.route("/signups/<int:signup_id>", methods=["DELETE"])
@rate_limit("volunteer_shift")
@blp.response(200, SignupOutSchema)
@transactional
def cancel(signup_id: int) -> dict[str, Any]:
    """Cancel before the shift: the place is free again."""
    actor = require_user()
    row, shift, _opportunity = access.get_signup(signup_id, actor)
    return serialize_signup(services.cancel(actor, row, shift), shift)


@blp.route("/signups/<int:signup_id>/<action>", methods=["POST"])
@rate_limit("volunteer_shift")
@blp.response(200, SignupOutSchema)
@transactional
def signup_action(signup_id: int, action: str) -> dict[str, Any]:
    """``check-in``, ``check-out`` (the volunteer or the association) or ``no-show`` (the
    association, until 24 h after the shift)."""
    if action not in SIGNUP_ACTIONS:
        raise not_found()
    actor = require_user()
    row, shift, opportunity = access.get_signup(signup_id, actor)
    services.signup_action(actor, row, shift, opportunity, action)
    return serialize_signup(row, shift)


def _contract(row: Any) -> dict[str, Any]:
    text_ar, text_fr = contracts.texts(row)
    return serialize_contract(
        row, text_ar, text_fr, url_for("volunteering.contract_pdf", contract_id=row.id)
    )


@blp.route("/applications/<int:application_id>/contract", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(ContractInSchema)
@blp.response(201, ContractOutSchema)
@transactional
def create_contract(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Draft the contract of an applicant to a contractual opportunity (its coordinators):
    tasks, period (the opportunity's by default), expenses, insurance reference."""
    actor = require_user()
    row, opportunity = access.get_application(application_id, actor)
    return _contract(contracts.create(actor, row, opportunity, data))


@blp.route("/contracts/<int:contract_id>", methods=["GET"])
@blp.response(200, ContractOutSchema)
def get_contract(contract_id: int) -> dict[str, Any]:
    """The contract (its volunteer and the association's coordinators): the texts as signed,
    or as they would be signed for a draft."""
    actor = require_user()
    row, _opportunity = access.get_contract(contract_id, actor)
    return _contract(row)


@blp.route("/contracts/<int:contract_id>", methods=["PATCH"])
@rate_limit("volunteer_write")
@blp.arguments(ContractPatchSchema)
@blp.response(200, ContractOutSchema)
@transactional
def patch_contract(data: dict[str, Any], contract_id: int) -> dict[str, Any]:
    """Change the terms until the first signature (409 ``contract_signed`` after)."""
    actor = require_user()
    row, opportunity = access.get_contract(contract_id, actor)
    return _contract(contracts.edit(actor, row, opportunity, data))


@blp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
@rate_limit("volunteer_write")
@blp.response(200, ContractOutSchema)
@transactional
def sign_contract(contract_id: int) -> dict[str, Any]:
    """Sign: the volunteer for themselves, a coordinator for the association."""
    actor = require_user()
    row, _opportunity = access.get_contract(contract_id, actor)
    return _contract(contracts.sign(actor, row))


@blp.route("/contracts/<int:contract_id>/end", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(ContractEndInSchema)
@blp.response(200, ContractOutSchema)
@transactional
def end_contract(data: dict[str, Any], contract_id: int) -> dict[str, Any]:
    """End a signed contract early, with a reason (the volunteer, or a coordinator): the
    volunteer's shifts still to come on the opportunity are cancelled, the other side told."""
    actor = require_user()
    row, _opportunity = access.get_contract(contract_id, actor)
    return _contract(contracts.end(actor, row, data["reason"]))


@blp.route("/opportunities/<int:opportunity_id>/hours", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(ManualHoursInSchema)
@blp.response(201, HoursOutSchema)
@transactional
def enter_hours(data: dict[str, Any], opportunity_id: int) -> dict[str, Any]:
    """Hours entered by hand by an accepted volunteer (or, with ``volunteer_id``, by a
    coordinator for one): pending until a coordinator other than the volunteer verifies them."""
    actor = require_user()
    row = services.enter_hours(actor, access.get_opportunity(opportunity_id), data)
    return serialize_hours(row)


@blp.route("/hours/<int:hours_id>/verify", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(VerifyInSchema)
@blp.response(200, HoursOutSchema)
@transactional
def verify_hours(data: dict[str, Any], hours_id: int) -> dict[str, Any]:
    actor = require_user()
    row = services.verify_hours(actor, access.get_hours(hours_id, actor), data.get("minutes"))
    return serialize_hours(row)


@blp.route("/certificates", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(CertificateInSchema)
@blp.response(201, CertificateOutSchema)
@transactional
def issue_certificate(data: dict[str, Any]) -> dict[str, Any]:
    """A certificate of the caller's verified hours with an association (422
    ``no_verified_hours`` without any)."""
    actor = require_user()
    row = services.issue_certificate(actor, data["association_id"])
    return serialize_certificate(
        row,
        url_for("volunteering.certificate_pdf", certificate_id=row.id),
        url_for("volunteering.verify", code=row.code, _external=True),
    )


@blp.route("/certificates/verify/<code>", methods=["GET"])
@blp.response(200, VerificationSchema)
def verify_certificate(code: str) -> dict[str, Any]:
    """Public: name, association, hours and period of a certificate. Nothing else."""
    row = queries.certificate_by_code(code[:40])
    if row is None:
        raise not_found()
    return serialize_verification(row)


@blp.route("/me/volunteer", methods=["GET"])
@blp.response(200, ProfileSchema)
def get_profile() -> dict[str, Any]:
    actor = require_user()
    row = queries.profile_of(actor.id)
    if row is None:
        raise not_found()
    return serialize_profile(row)


@blp.route("/me/volunteer", methods=["PUT"])
@rate_limit("volunteer_write")
@blp.arguments(ProfileSchema)
@blp.response(200, ProfileSchema)
@transactional
def put_profile(data: dict[str, Any]) -> dict[str, Any]:
    """Create or change the caller's volunteer profile; the emergency contact is written, never
    read back here."""
    actor = require_user()
    return serialize_profile(services.save_profile(actor, data))


# --- caravans ---------------------------------------------------------------------------------

#: The state a ``POST /caravans/{id}/<step>`` moves the caravan to.
CARAVAN_STEPS = {
    "planning": "planning",
    "ready": "ready",
    "under-way": "under_way",
    "done": "done",
    "cancel": "cancelled",
}


def _caravan(row: Any) -> dict[str, Any]:
    return caravans.detail(row, require_user(), _lang())


@blp.route("/caravans", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, CaravanListSchema)
def list_caravans(args: dict[str, Any]) -> dict[str, Any]:
    """The caravans the caller sees (drafts: their associations' own), the latest first."""
    actor = require_user()
    page = caravans.visible_caravans(actor, args["page"], args["per_page"])
    page["items"] = [caravans.detail(row, actor, _lang()) for row in page["items"]]
    return page


@blp.route("/caravans", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(CaravanInSchema)
@blp.response(201, CaravanOutSchema)
@transactional
def create_caravan(data: dict[str, Any]) -> dict[str, Any]:
    """A draft caravan led by one of the caller's associations (coordinators, administrators)."""
    return _caravan(caravans.create(require_user(), data))


@blp.route("/caravans/<int:caravan_id>", methods=["GET"])
@blp.response(200, CaravanOutSchema)
def get_caravan(caravan_id: int) -> dict[str, Any]:
    """Signed-in people; a draft only for its associations' managers. The volunteers' names
    only for the managers of the association that runs each component."""
    actor = require_user()
    return _caravan(caravans.get_caravan(caravan_id, actor))


@blp.route("/caravans/<int:caravan_id>", methods=["PATCH"])
@rate_limit("volunteer_write")
@blp.arguments(CaravanPatchSchema)
@blp.response(200, CaravanOutSchema)
@transactional
def patch_caravan(data: dict[str, Any], caravan_id: int) -> dict[str, Any]:
    """The lead edits the plan (while planned) and the showcase (people reached, story)."""
    actor = require_user()
    return _caravan(caravans.edit(actor, caravans.get_caravan(caravan_id, actor), data))


@blp.route("/caravans/<int:caravan_id>/<step>", methods=["POST"])
@rate_limit("volunteer_write")
@blp.response(200, CaravanOutSchema)
@transactional
def move_caravan(caravan_id: int, step: str) -> dict[str, Any]:
    """``planning``, ``ready`` (409 ``not_ready`` with ``fields.checks``, each missing
    condition), ``under-way`` (from the first day), ``done`` (from the last), ``cancel``."""
    if step not in CARAVAN_STEPS:
        raise not_found()
    actor = require_user()
    row = caravans.get_caravan(caravan_id, actor)
    return _caravan(caravans.move(actor, row, CARAVAN_STEPS[step]))


@blp.route("/caravans/<int:caravan_id>/partners", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(PartnerInSchema)
@blp.response(201, CaravanOutSchema)
@transactional
def invite_partner(data: dict[str, Any], caravan_id: int) -> dict[str, Any]:
    actor = require_user()
    row = caravans.get_caravan(caravan_id, actor)
    caravans.invite(actor, row, data["association_id"])
    return _caravan(row)


@blp.route("/caravans/<int:caravan_id>/partners/<int:association_id>/<answer>", methods=["POST"])
@rate_limit("volunteer_write")
@blp.response(200, CaravanOutSchema)
@transactional
def answer_partner(caravan_id: int, association_id: int, answer: str) -> dict[str, Any]:
    """The invited association's managers: ``accept`` or ``decline``."""
    if answer not in ("accept", "decline"):
        raise not_found()
    actor = require_user()
    row = caravans.get_caravan(caravan_id, actor)
    caravans.answer_invitation(actor, row, association_id, answer == "accept")
    return _caravan(row)


@blp.route("/caravans/<int:caravan_id>/components", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(ComponentInSchema)
@blp.response(201, ComponentOutSchema)
@transactional
def add_component(data: dict[str, Any], caravan_id: int) -> dict[str, Any]:
    """A component of the caller's association (the lead or an accepted partner) with its
    roles and quotas; volunteers apply to its opportunity (``opportunity_id``)."""
    actor = require_user()
    row = caravans.get_caravan(caravan_id, actor)
    made = caravans.add_component(actor, row, data)
    return _component(row, made.id)


def _component(row: Any, component_id: int) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        c for c in _caravan(row)["components"] if c["id"] == component_id
    ]
    return found[0]


@blp.route("/caravans/<int:caravan_id>/components/<int:component_id>", methods=["PATCH"])
@rate_limit("volunteer_write")
@blp.arguments(ComponentPatchSchema)
@blp.response(200, ComponentOutSchema)
@transactional
def patch_component(data: dict[str, Any], caravan_id: int, component_id: int) -> dict[str, Any]:
    """Only the managers of the association that runs the component."""
    actor = require_user()
    row = caravans.get_caravan(caravan_id, actor)
    component = caravans.get_component(row, component_id)
    caravans.edit_component(actor, row, component, data)
    return _component(row, component_id)


@blp.route("/caravans/<int:caravan_id>/loads", methods=["POST"])
@rate_limit("volunteer_write")
@blp.arguments(LoadInSchema)
@blp.response(201, LoadOutSchema)
@transactional
def add_load(data: dict[str, Any], caravan_id: int) -> dict[str, Any]:
    """A line of the in-kind load: an aid kit or a distribution of aid, by id and label."""
    actor = require_user()
    made = caravans.add_load(actor, caravans.get_caravan(caravan_id, actor), data)
    return {
        "id": made.id,
        "component_id": made.component_id,
        "kind": made.kind,
        "ref_id": made.ref_id,
        "label": made.label,
        "quantity": made.quantity,
    }


@blp.route("/caravans/<int:caravan_id>/hours/verify", methods=["POST"])
@rate_limit("volunteer_write")
@blp.response(200, CountOutSchema)
@transactional
def verify_caravan_hours(caravan_id: int) -> dict[str, Any]:
    """A coordinator verifies the pending hours of the caravan's days of their components."""
    actor = require_user()
    return {"count": caravans.verify_hours(actor, caravans.get_caravan(caravan_id, actor))}


@blp.route("/caravans/<int:caravan_id>/certificates", methods=["POST"])
@rate_limit("volunteer_write")
@blp.response(201, CountOutSchema)
@transactional
def issue_caravan_certificates(caravan_id: int) -> dict[str, Any]:
    """The lead, once done: a certificate for every volunteer with verified hours."""
    actor = require_user()
    row = caravans.get_caravan(caravan_id, actor)
    return {"count": caravans.issue_certificates(actor, row)}


@blp.route("/caravans/<int:caravan_id>/schedule", methods=["GET"])
@blp.response(200, ScheduleOutSchema)
def caravan_schedule(caravan_id: int) -> dict[str, Any]:
    """Public (planned caravans on): day by day, what, where, when; never who."""
    return caravans.schedule(caravans.get_public(caravan_id), _lang())


@blp.route("/caravans/<int:caravan_id>/showcase", methods=["GET"])
@blp.response(200, ShowcaseOutSchema)
def caravan_showcase(caravan_id: int) -> dict[str, Any]:
    """Public once done: figures and the story, no names."""
    return caravans.showcase_data(caravans.get_public(caravan_id, showcase=True), _lang())
