"""JSON endpoints of the campaigns (paths in API.md): services do the checks; each write
endpoint is one transaction (``@transactional``). An incognito contributor's name, email and
account appear in no answer but the host treasurers' own."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, make_blueprint, paginate
from app.db import transactional
from app.limits import rate_limit
from app.privacy import read_personal
from campaigns import access, queries, report, services, statements
from campaigns.ledger import ledger, round_figures
from campaigns.schemas import (
    CampaignArgsSchema,
    CampaignCreateSchema,
    CampaignInSchema,
    CampaignOutSchema,
    CampaignPageSchema,
    ContributionOutSchema,
    ContributionPageSchema,
    ExpenseInSchema,
    ExpenseListSchema,
    ExpenseOutSchema,
    ImportOutSchema,
    IncognitoInSchema,
    MatchInSchema,
    PersonalOutSchema,
    PledgeInSchema,
    PurposeInSchema,
    RefundListSchema,
    RefundOutSchema,
    ReportOutSchema,
    StatementLineListSchema,
    StatementLineOutSchema,
    UpdateInSchema,
    UpdateListSchema,
    UpdateOutSchema,
    load,
)
from campaigns.serialize import (
    serialize_campaign,
    serialize_contribution,
    serialize_expense,
    serialize_update,
)
from campaigns.uploads import uploaded

blp = make_blueprint("campaigns", __name__, "Public appeals of associations (law 18-18)")


def _campaign(row: Any) -> dict[str, Any]:
    return serialize_campaign(
        row, queries.budget_lines(row.id), ledger(row.id), round_figures(row.id)
    )


def _public_contributions(rows: list[Any]) -> list[dict[str, Any]]:
    names = queries.public_names(rows)
    return [serialize_contribution(r, names.get(r.id)) for r in rows]


def _own(row: Any) -> dict[str, Any]:
    return serialize_contribution(row, None, reader="own")


@blp.route("/campaigns", methods=["GET"])
@blp.arguments(CampaignArgsSchema, location="query")
@blp.response(200, CampaignPageSchema)
def list_campaigns(args: dict[str, Any]) -> dict[str, Any]:
    """Live campaigns, then failed and closed ones."""
    page = paginate(queries.public_campaigns(), args["page"], args["per_page"])
    page["items"] = [_campaign(r) for r in page["items"]]
    return page


@blp.route("/campaigns", methods=["POST"])
@rate_limit("campaign_write")
@blp.arguments(CampaignCreateSchema)
@blp.response(201, CampaignOutSchema)
@transactional
def create_campaign(data: dict[str, Any]) -> dict[str, Any]:
    """A draft hosted by an approved association (its coordinators and administrators)."""
    return _campaign(services.create_campaign(require_user(), data))


@blp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@blp.response(200, CampaignOutSchema)
def get_campaign(campaign_id: int) -> dict[str, Any]:
    return _campaign(access.get_campaign(campaign_id, get_current_user()))


@blp.route("/campaigns/<int:campaign_id>", methods=["PATCH"])
@rate_limit("campaign_write")
@blp.arguments(CampaignInSchema)
@blp.response(200, CampaignOutSchema)
@transactional
def patch_campaign(data: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    return _campaign(services.edit_campaign(actor, row, data))


@blp.route("/campaigns/<int:campaign_id>/live", methods=["POST"])
@rate_limit("campaign_write")
@blp.response(200, CampaignOutSchema)
@transactional
def go_live(campaign_id: int) -> dict[str, Any]:
    """422 ``not_ready`` naming each missing condition: approved host, a public-appeal
    authorisation valid today, a bank account, a budget line, a target group."""
    actor = require_user()
    return _campaign(services.go_live(actor, access.get_campaign(campaign_id, actor)))


@blp.route("/campaigns/<int:campaign_id>/group/approve", methods=["POST"])
@rate_limit("campaign_write")
@blp.response(200, CampaignOutSchema)
@transactional
def approve_group(campaign_id: int) -> dict[str, Any]:
    """The host's administrators carry an informal group's campaign (legal responsibility)."""
    actor = require_user()
    row = services.approve_group(actor, access.get_campaign(campaign_id, actor))
    return _campaign(row)


@blp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
@rate_limit("campaign_write")
@blp.response(200, CampaignOutSchema)
@transactional
def close(campaign_id: int) -> dict[str, Any]:
    """The treasurers close it (all or nothing under the minimum: ``failed`` with refund
    tasks; closed once they are settled)."""
    actor = require_user()
    return _campaign(services.close(actor, access.get_campaign(campaign_id, actor)))


@blp.route("/campaigns/<int:campaign_id>/report", methods=["GET"])
@blp.response(200, ReportOutSchema)
def get_report(campaign_id: int) -> dict[str, Any]:
    """The final report (frozen at closing; the figures so far before)."""
    row = access.get_campaign(campaign_id, get_current_user())
    return {**report.current_report(row), "final": row.report is not None}


@blp.route("/campaigns/<int:campaign_id>/report/filed", methods=["POST"])
@rate_limit("campaign_write")
@blp.response(200, CampaignOutSchema)
@transactional
def file_report(campaign_id: int) -> dict[str, Any]:
    """The treasurers filed the report with the authorities (the legal-calendar item is done)."""
    actor = require_user()
    return _campaign(services.file_report(actor, access.get_campaign(campaign_id, actor)))


# --- contributions ------------------------------------------------------------------------------


@blp.route("/campaigns/<int:campaign_id>/contributions", methods=["GET"])
@blp.arguments(CampaignArgsSchema, location="query")
@blp.response(200, ContributionPageSchema)
def list_contributions(args: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    """Confirmed contributions (incognito ones: "Anonymous", no account); the host's
    treasurers get every contribution with its account and reference."""
    actor = get_current_user()
    row = access.get_campaign(campaign_id, actor)
    if access.is_treasurer(actor, row.association_id):
        items = queries.contributions(row.id, ("pledged", "confirmed", "refunded", "cancelled"))
        data = [serialize_contribution(r, None, reader="treasurer") for r in items]
    else:
        data = _public_contributions(queries.contributions(row.id))
    page, per_page = args["page"], args["per_page"]
    chunk = data[(page - 1) * per_page : page * per_page]
    return {"items": chunk, "total": len(data), "page": page, "per_page": per_page}


@blp.route("/campaigns/<int:campaign_id>/contributions", methods=["POST"])
@rate_limit("campaign_give")
@blp.arguments(PledgeInSchema)
@blp.response(201, ContributionOutSchema)
@transactional
def pledge(data: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    """A pledge: its ``reference`` goes on the bank transfer."""
    actor = require_user()
    return _own(services.pledge(actor, access.get_campaign(campaign_id, actor), data))


@blp.route("/contributions/<int:contribution_id>", methods=["GET"])
@blp.response(200, ContributionOutSchema)
def get_contribution(contribution_id: int) -> dict[str, Any]:
    return _own(access.get_contribution(contribution_id, require_user()))


def _contribution_write(contribution_id: int, action: Any) -> dict[str, Any]:
    actor = require_user()
    row = access.get_contribution(contribution_id, actor)
    return _own(action(actor, row))


@blp.route("/contributions/<int:contribution_id>/confirm", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, ContributionOutSchema)
@transactional
def confirm(contribution_id: int) -> dict[str, Any]:
    """Cash: two different treasurers; a transfer: match a statement line instead (409)."""
    return _contribution_write(contribution_id, services.confirm)


@blp.route("/contributions/<int:contribution_id>/refund", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, ContributionOutSchema)
@transactional
def refund(contribution_id: int) -> dict[str, Any]:
    return _contribution_write(contribution_id, services.refund)


@blp.route("/contributions/<int:contribution_id>/cancel", methods=["POST"])
@rate_limit("campaign_give")
@blp.response(200, ContributionOutSchema)
@transactional
def cancel(contribution_id: int) -> dict[str, Any]:
    """The contributor withdraws a pledge not yet received."""
    return _contribution_write(contribution_id, services.cancel_pledge)


@blp.route("/contributions/<int:contribution_id>/incognito", methods=["POST"])
@rate_limit("campaign_give")
@blp.arguments(IncognitoInSchema)
@blp.response(200, ContributionOutSchema)
@transactional
def incognito(data: dict[str, Any], contribution_id: int) -> dict[str, Any]:
    """The contributor hides (or shows) their name, at any time."""
    return _contribution_write(
        contribution_id, lambda actor, row: services.set_incognito(actor, row, data["incognito"])
    )


@blp.route("/contributions/<int:contribution_id>/personal", methods=["POST"])
@rate_limit("campaign_personal_read")
@blp.arguments(PurposeInSchema)
@blp.response(200, PersonalOutSchema)
@transactional
def personal(data: dict[str, Any], contribution_id: int) -> dict[str, Any]:
    """The host's treasurers read a contributor's name and email, for a purpose (logged)."""
    actor = require_user()
    row = access.get_contribution(contribution_id, actor)
    access.require_treasurer(actor, row.association_id)
    return read_personal(actor, row, ["name", "email"], data["purpose"])


@blp.route("/contributions/<int:contribution_id>/receipt", methods=["GET"])
@transactional
def receipt(contribution_id: int) -> Response:
    """The receipt (PDF) of a confirmed contribution, for its contributor and the treasurers;
    reading the name it carries is logged (committed with the answer)."""
    actor = require_user()
    row = access.get_contribution(contribution_id, actor)
    if row.receipt_number is None or row.status not in ("confirmed", "refunded"):
        raise ApiError(409, "not_confirmed", _("The receipt exists once the money is received."))
    values = read_personal(actor, row, ["name"], "receipt")
    pdf = report.receipt_pdf(row, queries.campaign_of(row), values["name"])
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="receipt-{row.reference}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- expenses -----------------------------------------------------------------------------------


@blp.route("/campaigns/<int:campaign_id>/expenses", methods=["GET"])
@blp.response(200, ExpenseListSchema)
def list_expenses(campaign_id: int) -> dict[str, Any]:
    """The host's coordinators and administrators, and platform auditors."""
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    if not (access.is_manager(actor, row.association_id) or access.is_auditor(actor)):
        raise ApiError(403, "forbidden", _("Only the host association's team and auditors."))
    return {"items": [serialize_expense(e) for e in queries.expenses(row.id)]}


@blp.route("/campaigns/<int:campaign_id>/expenses", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(201, ExpenseOutSchema)
@transactional
def submit_expense(campaign_id: int) -> dict[str, Any]:
    """A form (``multipart/form-data``) with the ``receipt`` file (required from 200 MAD)."""
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    source = request.form if request.form else (request.get_json(silent=True) or {})
    data = load(ExpenseInSchema, source)
    return serialize_expense(services.submit_expense(actor, row, data, uploaded("receipt")))


@blp.route("/expenses/<int:expense_id>/receipt", methods=["GET"])
def expense_receipt(expense_id: int) -> Response:
    """Private: the host's administrators and platform auditors."""
    actor = require_user()
    row = access.get_expense(expense_id, actor)
    if not access.may_see_receipt(actor, queries.stored(row.campaign_id)):
        raise ApiError(403, "forbidden", _("Receipts are for the treasurers and auditors."))
    if row.receipt is None:
        raise ApiError(404, "not_found", _("This expense has no receipt."))
    response = Response(row.receipt, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="receipt-{row.id}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _expense_write(expense_id: int, action: Any) -> dict[str, Any]:
    actor = require_user()
    return serialize_expense(action(actor, access.get_expense(expense_id, actor)))


@blp.route("/expenses/<int:expense_id>/approve", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, ExpenseOutSchema)
@transactional
def approve_expense(expense_id: int) -> dict[str, Any]:
    """Four eyes: a treasurer other than the submitter (409 ``self_approval``)."""
    return _expense_write(expense_id, services.approve_expense)


@blp.route("/expenses/<int:expense_id>/reject", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, ExpenseOutSchema)
@transactional
def reject_expense(expense_id: int) -> dict[str, Any]:
    return _expense_write(expense_id, services.reject_expense)


@blp.route("/expenses/<int:expense_id>/pay", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, ExpenseOutSchema)
@transactional
def pay_expense(expense_id: int) -> dict[str, Any]:
    return _expense_write(expense_id, services.pay_expense)


# --- bank statements, refunds -------------------------------------------------------------------


@blp.route("/campaigns/<int:campaign_id>/statements", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, ImportOutSchema)
@transactional
def import_statement(campaign_id: int) -> dict[str, Any]:
    """A form with the bank's CSV (``file``) and, the first time, the columns of the date,
    amount and label (``date``, ``amount``, ``label``; saved for the association)."""
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    access.require_treasurer(actor, row.association_id)
    found = uploaded("file")
    if found is None:
        raise ApiError(422, "validation_failed", _("Choose the statement file."), {"file": []})
    mapping = {k: request.form.get(k, "").strip() for k in statements.MAPPED}
    given = mapping if all(mapping.values()) else None
    return statements.import_statement(actor, row, found[2], given).as_dict()


@blp.route("/campaigns/<int:campaign_id>/statement-lines", methods=["GET"])
@blp.response(200, StatementLineListSchema)
def list_statement_lines(campaign_id: int) -> dict[str, Any]:
    """The lines left for manual matching (the treasurers)."""
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    access.require_treasurer(actor, row.association_id)
    return {"items": queries.statement_lines(row.id, "unmatched")}


@blp.route("/statement-lines/<int:line_id>/match", methods=["POST"])
@rate_limit("campaign_money")
@blp.arguments(MatchInSchema)
@blp.response(200, StatementLineOutSchema)
@transactional
def match_line(data: dict[str, Any], line_id: int) -> Any:
    actor = require_user()
    line = access.get_statement_line(line_id, actor)
    return statements.match_line(actor, line, data["contribution_id"])


@blp.route("/campaigns/<int:campaign_id>/refunds", methods=["GET"])
@blp.response(200, RefundListSchema)
def list_refunds(campaign_id: int) -> dict[str, Any]:
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    access.require_treasurer(actor, row.association_id)
    amounts = {c.id: c.amount for c in queries.contributions(row.id, ("confirmed", "refunded"))}
    return {
        "items": [
            {
                "id": t.id,
                "contribution_id": t.contribution_id,
                "status": t.status,
                "amount": amounts.get(t.contribution_id, 0),
            }
            for t in queries.refunds(row.id)
        ]
    }


@blp.route("/refunds/<int:refund_id>/settle", methods=["POST"])
@rate_limit("campaign_money")
@blp.response(200, RefundOutSchema)
@transactional
def settle_refund(refund_id: int) -> dict[str, Any]:
    actor = require_user()
    task = services.settle_refund(actor, access.get_refund(refund_id, actor))
    return {"id": task.id, "contribution_id": task.contribution_id, "status": task.status}


# --- updates ------------------------------------------------------------------------------------


@blp.route("/campaigns/<int:campaign_id>/updates", methods=["GET"])
@blp.response(200, UpdateListSchema)
def list_updates(campaign_id: int) -> dict[str, Any]:
    row = access.get_campaign(campaign_id, get_current_user())
    return {"items": [serialize_update(u) for u in queries.updates(row.id)]}


@blp.route("/campaigns/<int:campaign_id>/updates", methods=["POST"])
@rate_limit("campaign_write")
@blp.arguments(UpdateInSchema)
@blp.response(201, UpdateOutSchema)
@transactional
def post_update(data: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    """News to the contributors; refused with the rules' hits when it names a beneficiary, a
    phone or an ID number, or shows an image without a consent record."""
    actor = require_user()
    row = access.get_campaign(campaign_id, actor)
    news = services.post_update(
        actor, row, data["body"], data.get("image_document_id"), data.get("image_alt") or ""
    )
    return serialize_update(news)
