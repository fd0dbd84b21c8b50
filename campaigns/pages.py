"""The host's pages, so that a treasurer never needs the API: draft and edit a campaign with
the going-live checklist beside it (each missing condition links to where it is fixed),
record an expense with its receipt, post an update with a consented photo; and the photo of
an update as the public page shows it. Same services, rights and rate limits as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import ApiError, invalid
from app.db import db, utcnow
from app.edge import attempt, flash_refusal, reasons_beside
from app.images import encode, read_image
from app.limits import rate_limit
from app.urls import public_url
from campaigns import access, forms, labels, queries, services
from campaigns.checklist import checklist, managed_associations
from campaigns.ledger import format_mad, ledger, round_figures
from campaigns.models import (
    MODELS,
    REPORT_DAYS_DEFAULT,
    Campaign,
    CampaignUpdate,
)
from campaigns.routes import _lang, _or_404, bp
from campaigns.uploads import uploaded
from directory import Province
from library import public_photo

#: the form's fields, shown beside each
FIELDS = (
    *forms.TEXTS,
    "group_name",
    "group_referent",
    "province_id",
    "starts_on",
    "ends_on",
    "min_goal",
    "optimum_goal",
    "model",
    "report_days",
    "budget_lines",
    "rounds",
)
#: a photo of an update on the public page: at most this many pixels wide and high
THUMB_SIDE = 640


def _hosts(actor: Any) -> list[tuple[int, str]]:
    """The associations the actor may draft a campaign for."""
    return list(managed_associations(actor).items())


def _provinces() -> list[tuple[int, str]]:
    lang = _lang()
    found = db.session.scalars(select(Province).order_by(Province.position, Province.id))
    return [(p.id, p.label(lang)) for p in found]


def _values(row: Campaign | None) -> dict[str, Any]:
    """The form's values from a stored campaign (or a new one's defaults)."""
    today = utcnow().date()
    if row is None:
        return {
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "model": "keep",
            "report_days": str(REPORT_DAYS_DEFAULT),
            "lines": [],
            "rounds": [],
        }
    values: dict[str, Any] = {name: getattr(row, name) or "" for name in forms.TEXTS}
    values.update(
        province_id=str(row.province_id or ""),
        starts_on=row.starts_on.isoformat(),
        ends_on=row.ends_on.isoformat(),
        min_goal=forms.dirhams(row.min_goal),
        optimum_goal=forms.dirhams(row.optimum_goal),
        model=row.model,
        zakat_declared=row.zakat_declared,
        report_days=str(row.report_days),
        group_name=row.group_name or "",
        group_referent=row.group_referent or "",
        lines=[(x.label, forms.dirhams(x.amount)) for x in queries.budget_lines(row.id)],
        rounds=[
            (r.label, r.starts_on.isoformat(), r.ends_on.isoformat(), forms.dirhams(r.goal))
            for r in round_figures(row.id)
        ],
    )
    return values


def _posted() -> dict[str, Any]:
    """The form's values as typed (drawn again when refused)."""
    values: dict[str, Any] = {k: request.form.get(k, "") for k in FIELDS}
    values["zakat_declared"] = request.form.get("zakat_declared") == "y"
    values["lines"] = [
        (r["line_label"], r["line_amount"])
        for _i, r in forms.rows(request.form, ("line_label", "line_amount"), "line_remove")
    ]
    values["rounds"] = [
        (r["round_label"], r["round_start"], r["round_end"], r["round_goal"])
        for _i, r in forms.rows(
            request.form, ("round_label", "round_start", "round_end", "round_goal"), "round_remove"
        )
    ]
    return values


def _draw(row: Campaign | None, values: dict[str, Any], errors: dict[str, list[str]]) -> str:
    return render_template(
        "campaigns/edit.html",
        row=row,
        values=values,
        errors=errors,
        hosts=_hosts(require_user()) if row is None else [],
        provinces=_provinces(),
        models=MODELS,
        labels=labels,
        checks=checklist(row) if row is not None and row.status == "draft" else [],
        blank_rows=range(2 if values.get("lines") else 3),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
@rate_limit("campaign_write", methods=["POST"])
def new() -> ResponseReturnValue:
    """Draft a campaign for one of the associations the person coordinates or administers."""
    actor = require_user()
    if not _hosts(actor):
        abort(403)
    if request.method == "GET":
        return _draw(None, _values(None), {})
    host = request.form.get("association_id") or ""

    def run() -> Campaign:
        data = forms.campaign_data(request.form, creating=True)
        data["association_id"] = int(host) if host.isdigit() else 0
        return services.create_campaign(actor, data)

    done = attempt(run)
    if done.error is None and done.value is not None:
        flash(
            _("The draft is saved. The checklist says what it still needs to go live."), "success"
        )
        return redirect(url_for("campaigns.edit", campaign_id=done.value.id), code=303)
    assert done.error is not None
    if done.error.code == 403:
        abort(403)
    values = _posted()
    values["association_id"] = host
    errors = reasons_beside(done.error, (*FIELDS, "association_id"))
    return _draw(None, values, errors), 422


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limit("campaign_write", methods=["POST"])
def edit(campaign_id: int) -> ResponseReturnValue:
    """Change a draft: its story, target group, budget lines, goals, dates, model, bank
    account, zakat declaration and report deadline; the checklist beside it."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not access.is_manager(actor, row.association_id):
        abort(403)
    if request.method == "GET":
        return _draw(row, _values(row), {})

    def run() -> Campaign:
        return services.edit_campaign(actor, row, forms.campaign_data(request.form, creating=False))

    done = attempt(run)
    if done.error is None:
        flash(_("Saved."), "success")
        return redirect(url_for("campaigns.edit", campaign_id=row.id), code=303)
    db.session.refresh(row)
    errors = reasons_beside(done.error, FIELDS)
    code = done.error.code if done.error.code in (409,) else 422
    return _draw(row, _posted(), errors), code


@bp.route("/campaigns/<int:campaign_id>/manage/expense", methods=["POST"])
@login_required
@rate_limit("campaign_money")
def record_expense(campaign_id: int) -> ResponseReturnValue:
    """An expense against a budget line, with its receipt (a photo or PDF)."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not access.is_manager(actor, row.association_id):
        abort(403)
    receipt = uploaded("receipt")
    line = request.form.get("budget_line_id") or ""

    def run() -> Any:
        value = forms.centimes(request.form.get("dirhams", ""))
        if value is None:
            raise invalid(_("Give the amount in dirhams, for example 1500 or 1500.50."), "amount")
        data = {
            "amount": value,
            "budget_line_id": int(line) if line.isdigit() else 0,
            "supplier": request.form.get("supplier", ""),
            "description": request.form.get("description", ""),
        }
        return services.submit_expense(actor, row, data, receipt)

    done = attempt(run)
    if done.error is not None:
        flash_refusal(done.error)
    else:
        flash(_("The expense is recorded: another treasurer approves it."), "success")
    return redirect(url_for("campaigns.manage", campaign_id=row.id, _anchor="expenses"), code=303)


@bp.route("/campaigns/<int:campaign_id>/manage/update", methods=["POST"])
@login_required
@rate_limit("campaign_write")
def post_update(campaign_id: int) -> ResponseReturnValue:
    """News to the contributors, with one of the association's consented photos."""
    actor = require_user()
    row = _or_404(lambda: access.get_campaign(campaign_id, actor))
    if not access.is_manager(actor, row.association_id):
        abort(403)
    image = request.form.get("image_document_id") or ""

    def run() -> Any:
        return services.post_update(
            actor,
            row,
            request.form.get("body", ""),
            int(image) if image.isdigit() else None,
            request.form.get("image_alt", ""),
        )

    done = attempt(run)
    if done.error is not None:
        _flash_update_refusal(done.error)
    else:
        flash(_("The update is posted and sent to the contributors."), "success")
    return redirect(url_for("campaigns.manage", campaign_id=row.id, _anchor="updates"), code=303)


def _flash_update_refusal(error: ApiError) -> None:
    """The rules' hits (a beneficiary's name, a phone, an ID number) are said in words."""
    hits = error.fields.get("body") if error.fields else None
    if isinstance(hits, list) and hits and all(isinstance(h, dict) for h in hits):
        said = "; ".join(str(h.get("message") or h.get("code") or "") for h in hits)
        flash(f"{error.message} {said}".strip(), "error")
        return
    flash_refusal(error)


@bp.route("/campaigns/<int:campaign_id>/updates/<int:update_id>/image.jpg")
def update_image(campaign_id: int, update_id: int) -> ResponseReturnValue:
    """An update's photo, made small, while its consent allows the public to see it."""
    row = _or_404(lambda: access.get_campaign(campaign_id, get_current_user()))
    news = db.session.get(CampaignUpdate, update_id)
    if news is None or news.campaign_id != row.id or news.image_document_id is None:
        abort(404)
    found = public_photo(row.association_id, news.image_document_id)
    if found is None:
        abort(404)
    try:
        picture = read_image(found[0], max_bytes=len(found[0]) + 1)
    except ApiError:
        abort(404)
    response = Response(encode(picture, side=THUMB_SIDE), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- Atom feeds ---------------------------------------------------------------------------------
# What the host says (its updates, its campaigns), signed by the association: no contributor's
# name, incognito or not, is ever in a feed.


def _atom(title: str, subtitle: str, home: str, self_url: str, entries: list[Any]) -> Response:
    updated = max([e["updated"] for e in entries] or [utcnow()])
    xml = render_template(
        "campaigns/feed.xml",
        title=title,
        subtitle=subtitle,
        home=home,
        self_url=self_url,
        entries=entries,
        updated=updated,
    )
    response = Response(xml, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/campaigns/feed.atom")
def feed_all() -> ResponseReturnValue:
    """The live campaigns, the newest first."""
    rows = queries.all_of(queries.public_campaigns().where(Campaign.status == "live"), 50)
    entries = []
    for row in rows:
        figures = ledger(row.id)
        story = row.story_ar if _lang() == "ar" and row.story_ar else (row.story_fr or row.story_ar)
        raised = _(
            "%(raised)s raised of %(goal)s",
            raised=format_mad(figures.raised),
            goal=format_mad(row.optimum_goal),
        )
        link = public_url("campaigns.show", campaign_id=row.id)
        entries.append(
            {
                "id": link,
                "title": row.title,
                "link": link,
                "published": row.live_at or row.created_at,
                "updated": row.live_at or row.created_at,
                "author": queries.association_name(row.association_id),
                "text": f"{raised}\n\n{story}",
            }
        )
    return _atom(
        _("Campaigns"),
        _("Collecting now"),
        public_url("campaigns.index"),
        public_url("campaigns.feed_all"),
        entries,
    )


@bp.route("/campaigns/<int:campaign_id>/feed.atom")
def feed(campaign_id: int) -> ResponseReturnValue:
    """A campaign's updates, the newest first."""
    row = _or_404(lambda: access.get_campaign(campaign_id, get_current_user()))
    host = queries.association_name(row.association_id)
    link = public_url("campaigns.show", campaign_id=row.id)
    entries = [
        {
            "id": f"{link}#update-{u.id}",
            "title": _("News from the campaign “%(title)s”", title=row.title),
            "link": f"{link}#update-{u.id}",
            "published": u.created_at,
            "updated": u.created_at,
            "author": host,
            "text": u.body,
        }
        for u in queries.updates(row.id)[:50]
    ]
    return _atom(row.title, host, link, public_url("campaigns.feed", campaign_id=row.id), entries)
