"""HTML pages of the campaigns: the list, a campaign's public page (Open Graph tags and a share
card), giving, the report PDF and the host's management page. Same services, rights and rate
limits as the API."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import ApiError
from app.edge import attempt, flash_refusal
from app.limits import rate_limit
from app.urls import public_url
from campaigns import access, checklist, labels, queries, report, services, statements
from campaigns.ledger import format_mad, ledger, round_figures
from campaigns.schemas import PledgeInSchema, load
from campaigns.uploads import uploaded

bp = Blueprint(
    "campaigns",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/campaigns",
)


def _lang() -> str:
    return str(get_locale() or "ar")


def _or_404(load_it: Any) -> Any:
    try:
        return load_it()
    except ApiError:
        abort(404)


def _context(**extra: Any) -> dict[str, Any]:
    return {"labels": labels, "mad": format_mad, **extra}


@bp.route("/campaigns")
def index() -> ResponseReturnValue:
    rows = queries.all_of(queries.public_campaigns())
    actor = get_current_user()
    managed = checklist.managed_associations(actor)
    return render_template(
        "campaigns/index.html",
        **_context(
            can_draft=bool(managed),
            drafts=queries.drafts_of(list(managed)),
            rows=rows,
            figures={r.id: ledger(r.id) for r in rows},
            hosts={r.id: queries.association_name(r.association_id) for r in rows},
        ),
    )


@bp.route("/campaigns/<int:campaign_id>")
def show(campaign_id: int) -> ResponseReturnValue:
    """The public page: raised, spent per budget line, what was delivered, contributors
    ("Anonymous" for the incognito), updates, and the giving form."""
    actor = get_current_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    figures = ledger(row.id)
    given = queries.contributions(row.id)
    found = report.current_report(row).get("delivered")
    story = row.story_ar if _lang() == "ar" and row.story_ar else (row.story_fr or row.story_ar)
    return render_template(
        "campaigns/show.html",
        **_context(
            row=row,
            story=story,
            figures=figures,
            host=queries.association_name(row.association_id),
            province=queries.province_name(row.province_id, _lang()),
            given=given,
            names=queries.public_names(given),
            delivered=report.delivered_sentence(found) if found is not None else "",
            updates=queries.updates(row.id),
            rounds=round_figures(row.id),
            shown_images=queries.shown_images(row),
            mine=queries.my_contributions(actor.id, row.id) if actor else [],
            is_manager=access.is_manager(actor, row.association_id),
            missing=services.missing_for_live(row) if row.status == "draft" else {},
            share_url=public_url("campaigns.show", campaign_id=row.id),
            card_url=public_url("campaigns.share_card", campaign_id=row.id),
            percent=min(100, figures.raised * 100 // row.optimum_goal) if row.optimum_goal else 0,
        ),
    )


@bp.route("/campaigns/<int:campaign_id>/give", methods=["POST"])
@login_required
@rate_limit("campaign_give")
def give(campaign_id: int) -> ResponseReturnValue:
    """A pledge from the page: the amount in dirhams (whole), the reference to write on the
    transfer is shown after."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    raw = (request.form.get("dirhams") or "").strip()
    form = {
        "amount": int(raw) * 100 if raw.isdigit() else raw,
        "method": request.form.get("method") or "transfer",
        "incognito": request.form.get("incognito") == "y",
    }

    def run() -> Any:
        return services.pledge(actor, row, load(PledgeInSchema, form))

    done = attempt(run)
    if done.error is not None:
        flash_refusal(done.error)
    elif done.value is not None:
        flash(
            _(
                "Thank you! Write the reference %(reference)s on your transfer to %(bank)s.",
                reference=done.value.reference,
                bank=row.bank_reference,
            ),
            "success",
        )
    return redirect(url_for("campaigns.show", campaign_id=row.id), code=303)


@bp.route("/campaigns/<int:campaign_id>/share.svg")
def share_card(campaign_id: int) -> ResponseReturnValue:
    """The share card: title, host, raised of the goal, as an SVG image."""
    row = _or_404(lambda: access.get_campaign(campaign_id, get_current_user()))
    figures = ledger(row.id)
    percent = min(100, figures.raised * 100 // row.optimum_goal) if row.optimum_goal else 0
    host = queries.association_name(row.association_id)
    svg = render_template(
        "campaigns/share.svg",
        title=escape(row.title),
        host=escape(host),
        raised=escape(format_mad(figures.raised)),
        goal=escape(format_mad(row.optimum_goal)),
        width=int(1000 * percent / 100),
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/campaigns/<int:campaign_id>/report.pdf")
def report_pdf(campaign_id: int) -> ResponseReturnValue:
    """The report to donors and authorities, from the ledger (frozen once closed)."""
    row = _or_404(lambda: access.get_campaign(campaign_id, get_current_user()))
    response = Response(report.report_pdf(row), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="campaign-{row.id}-report.pdf"'
    return response


@bp.route("/campaigns/<int:campaign_id>/report-authorities.pdf")
@login_required
def authorities_pdf(campaign_id: int) -> ResponseReturnValue:
    """The report to the authorities (law 18-18), itemised: for the host's team and the
    platform's auditors."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not (access.is_manager(actor, row.association_id) or access.is_auditor(actor)):
        abort(403)
    response = Response(report.authorities_pdf(row), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="campaign-{row.id}-authorities-report.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/campaigns/<int:campaign_id>/manage")
@login_required
def manage(campaign_id: int) -> ResponseReturnValue:
    """The host's page: pledges waiting, the bank statement import and the lines to match,
    expenses, refunds. Treasurers (the association's administrators) act on money; the
    coordinators see it."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not access.is_manager(actor, row.association_id):
        abort(403)
    treasurer = access.is_treasurer(actor, row.association_id)
    pledges = queries.contributions(row.id, ("pledged",))
    budget = queries.budget_lines(row.id)
    return render_template(
        "campaigns/manage.html",
        **checklist.manage_extras(row, actor),
        **_context(
            row=row,
            treasurer=treasurer,
            pledges=pledges,
            lines=queries.statement_lines(row.id, "unmatched") if treasurer else [],
            mapping=statements.saved_mapping(row.association_id),
            expenses=queries.expenses(row.id),
            budget=budget,
            budget_names={x.id: x.label for x in budget},
            refunds=queries.refunds(row.id),
            first_confirmers=queries.user_names(
                [c.first_confirmer_id for c in pledges if c.first_confirmer_id]
            ),
        ),
    )


@bp.route("/campaigns/<int:campaign_id>/manage/statement", methods=["POST"])
@login_required
@rate_limit("campaign_money")
def import_statement(campaign_id: int) -> ResponseReturnValue:
    """The treasurers import the bank's CSV."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not access.is_treasurer(actor, row.association_id):
        abort(403)
    found = uploaded("file")
    mapping = {k: (request.form.get(k) or "").strip() for k in statements.MAPPED}
    given = mapping if all(mapping.values()) else None

    def run() -> Any:
        if found is None:
            raise ApiError(422, "validation_failed", _("Choose the statement file."), {})
        return statements.import_statement(actor, row, found[2], given)

    done = attempt(run)
    if done.error is not None:
        flash_refusal(done.error)
    elif done.value is not None:
        flash(
            _(
                "%(matched)d of %(credits)d credits matched; %(unmatched)d left to match by hand.",
                matched=done.value.matched,
                credits=done.value.credits,
                unmatched=done.value.unmatched,
            ),
            "success",
        )
    return redirect(url_for("campaigns.manage", campaign_id=row.id), code=303)


#: the buttons of the host's page: action -> (what it acts on, the service, what it says)
ACTIONS: dict[str, str] = {
    "live": "campaign",
    "approve_group": "campaign",
    "close": "campaign",
    "filed": "campaign",
    "confirm": "contribution",
    "refund": "contribution",
    "approve": "expense",
    "reject": "expense",
    "pay": "expense",
    "settle": "refund",
    "match": "line",
}


def _run_action(actor: Any, row: Any, action: str, item: int, other: int) -> Any:
    """The same services and access checks as the API's endpoints of these actions."""
    if action == "live":
        return services.go_live(actor, row)
    if action == "approve_group":
        return services.approve_group(actor, row)
    if action == "close":
        return services.close(actor, row)
    if action == "filed":
        return services.file_report(actor, row)
    if action in ("confirm", "refund"):
        gift = access.get_contribution(item, actor)
        if gift.campaign_id != row.id:
            raise ApiError(404, "not_found", _("Not found."))
        return (services.confirm if action == "confirm" else services.refund)(actor, gift)
    if action in ("approve", "reject", "pay"):
        expense = access.get_expense(item, actor)
        if expense.campaign_id != row.id:
            raise ApiError(404, "not_found", _("Not found."))
        run = {
            "approve": services.approve_expense,
            "reject": services.reject_expense,
            "pay": services.pay_expense,
        }[action]
        return run(actor, expense)
    if action == "settle":
        task = access.get_refund(item, actor)
        if task.campaign_id != row.id:
            raise ApiError(404, "not_found", _("Not found."))
        return services.settle_refund(actor, task)
    line = access.get_statement_line(item, actor)
    if line.campaign_id != row.id:
        raise ApiError(404, "not_found", _("Not found."))
    return statements.match_line(actor, line, other)


@bp.route("/campaigns/<int:campaign_id>/manage/<action>", methods=["POST"])
@login_required
@rate_limit("campaign_money")
def act(campaign_id: int, action: str) -> ResponseReturnValue:
    """The host page's buttons: take live, close, report filed, confirm or refund a
    contribution, approve, reject or pay an expense, settle a refund, match a statement line."""
    if action not in ACTIONS:
        abort(404)
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not access.is_manager(actor, row.association_id):
        abort(403)
    item = request.form.get("item", "")
    other = request.form.get("contribution", "")
    done = attempt(
        lambda: _run_action(
            actor,
            row,
            action,
            int(item) if item.isdigit() else 0,
            int(other) if other.isdigit() else 0,
        )
    )
    if done.error is not None:
        flash_refusal(done.error)
    else:
        flash(_("Done."), "success")
    return redirect(url_for("campaigns.manage", campaign_id=row.id), code=303)
