"""Aid pages for the field, phone first: the printed card, the collection with the card's
token and PIN (or a witnessed proxy), and home delivery tasks. On the same blueprint as
:mod:`aid.routes`; same services, rights and rate limits as the API."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from aid import access, card_pdf, cards, deliveries, queries
from aid.models import DELIVERY_PROOFS, DELIVERY_WINDOW_HOURS, PROXY_RELATIONS, Delivery
from aid.routes import _render, bp
from aid.schemas import (
    CardCollectSchema,
    DeliveryFailSchema,
    DeliveryInSchema,
    DeliveryProofSchema,
    load,
)
from app.accounts.auth import login_required, require_user
from app.api import ApiError
from app.edge import attempt, flash_refusal
from app.limits import rate_limit
from directory import get_association


def _refused(error: ApiError | None) -> None:
    assert error is not None
    if error.code == 404:
        abort(404)
    flash_refusal(error)


@bp.route("/households/<int:household_id>/card", methods=["POST"])
@login_required
@rate_limit("aid_write")
def print_card(household_id: int) -> ResponseReturnValue:
    """Issue (or reissue) the household's card and answer its PDF: the only time its token
    and PIN exist in clear."""
    actor = require_user()
    row = access.get_household(actor, household_id)
    outcome = attempt(lambda: cards.issue_card(actor, access.get_household(actor, household_id)))
    if not outcome.ok or outcome.value is None:
        _refused(outcome.error)
        return redirect(url_for("aid.household", household_id=household_id))
    card, token, pin = outcome.value
    association = get_association(row.association_id)
    data = card_pdf.card_pdf(
        association.name if association else "", row.number, token, pin, card.issued_at
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="card-{row.number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _collect_page(distribution_id: int, form: dict[str, Any], errors: dict[str, Any]) -> str:
    actor = require_user()
    row = access.get_distribution(actor, distribution_id)
    return _render(
        "aid/collect.html",
        distribution=row,
        association=get_association(row.association_id),
        team=[(i, n) for i, n in queries.team(row.association_id) if i != actor.id],
        relations=PROXY_RELATIONS,
        form=form,
        errors=errors,
    )


@bp.route("/distributions/<int:distribution_id>/collect", methods=["GET", "POST"])
@login_required
@rate_limit("aid_card", methods=["POST"])
def collect_card(distribution_id: int) -> ResponseReturnValue:
    """The distributor's phone page: the card's number (scanned or typed), its PIN, and who
    collects when it is not the household (name, relation, a second member as witness)."""
    actor = require_user()
    access.get_distribution(actor, distribution_id)
    if request.method == "GET":
        return _collect_page(distribution_id, {}, {})
    form = {
        "token": request.form.get("token", ""),
        "proxy_name": request.form.get("proxy_name") or None,
        "proxy_relation": request.form.get("proxy_relation") or None,
        "witness_id": request.form.get("witness_id") or None,
    }

    def act() -> Any:
        data = load(CardCollectSchema(), {**form, "pin": request.form.get("pin", "")})
        distribution = access.get_distribution(actor, distribution_id)
        proxy = {
            "name": data["proxy_name"],
            "relation": data["proxy_relation"],
            "witness_id": data["witness_id"],
        }
        row, refusal = cards.collect_with_card(
            actor, distribution, data["token"], data["pin"], proxy
        )
        number = access.get_household(actor, row.household_id).number if row else ""
        return row, refusal, number

    outcome = attempt(act)
    value = outcome.value if outcome.ok else None
    error: ApiError | None = value[1] if value is not None else outcome.error
    if error is None and value is not None:
        flash(
            _("Handed over to household %(number)s: collection recorded.", number=value[2]),
            "success",
        )
        return redirect(url_for("aid.collect_card", distribution_id=distribution_id))
    assert error is not None
    if error.code == 404:
        abort(404)
    flash_refusal(error)
    fields = {k: v for k, v in (error.fields or {}).items() if isinstance(v, list)}
    return _collect_page(distribution_id, form, fields), int(error.code or 422)


@bp.route("/distributions/<int:distribution_id>/deliveries", methods=["POST"])
@login_required
@rate_limit("aid_write")
def plan_delivery(distribution_id: int) -> ResponseReturnValue:
    """A home delivery task, from the distribution's page."""
    actor = require_user()
    access.get_distribution(actor, distribution_id)

    when = request.form.get("scheduled_at") or None
    if when and len(when) == 16:  # datetime-local, UTC
        when += ":00+00:00"

    def act() -> tuple[Delivery, str | None]:
        data = load(
            DeliveryInSchema(),
            {
                "household_id": request.form.get("household_id") or None,
                "assignee_id": request.form.get("assignee_id") or None,
                "scheduled_at": when,
                "note": request.form.get("note", ""),
            },
        )
        return deliveries.create_delivery(
            actor, access.get_distribution(actor, distribution_id), data
        )

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Home delivery planned."), "success")
    else:
        _refused(outcome.error)
    return redirect(url_for("aid.distribution", distribution_id=distribution_id) + "#deliveries")


@bp.route("/deliveries")
@login_required
def deliveries_page() -> ResponseReturnValue:
    """The member's delivery tasks (and, for coordinators, all their association's)."""
    actor = require_user()
    rows = queries.my_deliveries(actor.id, access.staff_associations(actor))
    households = queries.households_by_id([d.household_id for d in rows])
    return _render(
        "aid/deliveries.html",
        tasks=rows,
        households=households,
        open_now={d.id: deliveries.window_open(d) for d in rows},
    )


def _delivery_page(row: Delivery, address: dict[str, Any] | None = None) -> str:
    actor = require_user()
    household = queries.households_by_id([row.household_id]).get(row.household_id)
    return _render(
        "aid/delivery.html",
        task=row,
        household=household,
        association=get_association(row.association_id),
        mine=row.assignee_id == actor.id,
        staff=access.is_staff(actor, row.association_id),
        window_open=deliveries.window_open(row),
        window_hours=DELIVERY_WINDOW_HOURS,
        address=address,
        proofs=DELIVERY_PROOFS,
        team=[(i, n) for i, n in queries.team(row.association_id) if i != actor.id],
        has_card=cards.current_card(row.household_id) is not None,
    )


@bp.route("/deliveries/<int:delivery_id>")
@login_required
def delivery(delivery_id: int) -> ResponseReturnValue:
    actor = require_user()
    return _delivery_page(access.get_delivery(actor, delivery_id))


@bp.route("/deliveries/<int:delivery_id>/address", methods=["POST"])
@login_required
@rate_limit("aid_personal_read")
def delivery_address(delivery_id: int) -> ResponseReturnValue:
    """The first name and the address, shown once to the member assigned (logged)."""
    actor = require_user()
    access.get_delivery(actor, delivery_id)
    outcome = attempt(
        lambda: deliveries.read_address(actor, access.get_delivery(actor, delivery_id))
    )
    if not outcome.ok:
        _refused(outcome.error)
        return redirect(url_for("aid.delivery", delivery_id=delivery_id))
    return _delivery_page(access.get_delivery(actor, delivery_id), outcome.value)


@bp.route("/deliveries/<int:delivery_id>/deliver", methods=["POST"])
@login_required
@rate_limit("aid_card")
def deliver(delivery_id: int) -> ResponseReturnValue:
    actor = require_user()
    access.get_delivery(actor, delivery_id)

    def act() -> Any:
        data = load(
            DeliveryProofSchema(),
            {
                "proof": request.form.get("proof") or None,
                "pin": request.form.get("pin") or None,
                "witness_id": request.form.get("witness_id") or None,
            },
        )
        return deliveries.deliver(actor, access.get_delivery(actor, delivery_id), data)

    outcome = attempt(act)
    value = outcome.value if outcome.ok else None
    error: ApiError | None = value[1] if value is not None else outcome.error
    if error is None:
        flash(_("Delivered: the hand-over is recorded."), "success")
    else:
        _refused(error)
    return redirect(url_for("aid.delivery", delivery_id=delivery_id))


@bp.route("/deliveries/<int:delivery_id>/fail", methods=["POST"])
@login_required
@rate_limit("aid_write")
def fail_delivery(delivery_id: int) -> ResponseReturnValue:
    actor = require_user()
    access.get_delivery(actor, delivery_id)

    def act() -> Delivery:
        data = load(DeliveryFailSchema(), {"note": request.form.get("note", "")})
        row = access.get_delivery(actor, delivery_id)
        return deliveries.fail(actor, row, data["note"], access.is_staff(actor, row.association_id))

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Delivery closed without hand-over."), "info")
    else:
        _refused(outcome.error)
    return redirect(url_for("aid.delivery", delivery_id=delivery_id))


__all__ = ["bp"]
