"""HTML pages of the experts: the directory, a profile, "become an expert", "ask a
specialist", an association's requests, an expert's offers and consultations, a request's
page and the funnel. Same services, rights and rate limits as the API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from babel.dates import get_day_names
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from app.accounts.auth import admin_required, get_current_user, login_required, require_user
from app.accounts.models import User
from app.api import ApiError
from app.db import utcnow
from app.edge import attempt, flash_refusal, form_action, form_status, submit
from app.i18n import format_datetime
from app.limits import rate_limit
from directory import user_memberships
from experts import access, calendar, labels, publishing, queries, services, sessions
from experts.access import ASKING_ROLES
from experts.forms import (
    HOURS,
    AskForm,
    CloseForm,
    DeclineForm,
    ProfileForm,
    PublishForm,
    RateForm,
)
from experts.models import DOMAINS, LANGUAGES, MODES, RESCHEDULES_MAX, Consultation
from experts.schemas import ExpertArgsSchema, SessionInSchema

bp = Blueprint(
    "experts",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/experts",
)


def _lang() -> str:
    return str(get_locale() or "ar")


def _context(**extra: Any) -> dict[str, Any]:
    regions = queries.regions()
    return {
        "labels": labels,
        "domains": DOMAINS,
        "modes": MODES,
        "languages": LANGUAGES,
        "regions": regions,
        "region_names": {r.id: r.label(_lang()) for r in regions},
        "region_choices": [(r.id, r.label(_lang())) for r in regions],
        "domain_choices": [(d, labels.label(labels.DOMAIN_LABELS, d)) for d in DOMAINS],
        "mode_choices": [(m, labels.label(labels.MODE_LABELS, m)) for m in MODES],
        "language_choices": [(c, labels.label(labels.LANGUAGE_LABELS, c)) for c in LANGUAGES],
        "month": services.month_of(utcnow()),
        **extra,
    }


@bp.route("/experts")
def directory() -> ResponseReturnValue:
    """The experts' directory, filtered by domain, language and region."""
    raw = {
        k: v for k, v in request.args.items() if v != "" and k in ("domain", "language", "region")
    }
    try:
        args = dict(ExpertArgsSchema().load(raw))
    except ma.ValidationError:
        args = {}
    rows = queries.directory(args)
    actor = get_current_user()
    return render_template(
        "experts/directory.html",
        **_context(
            experts=rows,
            names=queries.names([r.user_id for r in rows]),
            args=args,
            mine=access.profile_of(actor.id if actor else None),
            may_ask=bool(actor and _asking_associations(actor)),
            is_admin=bool(actor and actor.is_admin),
        ),
    )


@bp.route("/experts/<int:profile_id>")
def profile(profile_id: int) -> ResponseReturnValue:
    row = _or_404(lambda: access.get_profile(profile_id))
    actor = get_current_user()
    return render_template(
        "experts/profile.html",
        **_context(
            expert=row,
            name=queries.names([row.user_id]).get(row.user_id, ""),
            own=actor is not None and actor.id == row.user_id,
        ),
    )


def _day_names() -> list[str]:
    """Monday to Sunday in the reader's language."""
    names = get_day_names("wide", locale=_lang())
    return [str(names[d]) for d in range(7)]


def _or_404(load: Any) -> Any:
    try:
        return load()
    except ApiError:
        abort(404)


@bp.route("/experts/me", methods=["GET", "POST"])
@login_required
@rate_limit("expert_profile", methods=["POST"])
def become() -> ResponseReturnValue:
    """Become an expert, or change one's profile."""
    actor = require_user()
    mine = access.profile_of(actor.id)
    form = ProfileForm()
    if not form.is_submitted() and mine is not None:
        form.process(
            data={
                "headline": mine.headline,
                "bio": mine.bio,
                "domains": mine.domains,
                "languages": mine.languages,
                "modes": mine.modes,
                "region_ids": [str(i) for i in mine.region_ids],
                "remote": mine.remote,
                "monthly_capacity": str(mine.monthly_capacity),
                "conflicts": mine.conflicts,
                "no_fee": True,
            }
        )
        form.load_slots(mine.weekly_slots or [])

    def save() -> Any:
        if mine is None:
            return services.create_profile(actor, form.changes)
        return services.edit_profile(actor, mine, form.changes)

    saved = submit(form, save)
    if saved is not None and saved.ok and saved.value is not None:
        flash(_("Your expert profile is saved."), "success")
        return redirect(url_for("experts.profile", profile_id=saved.value.id))
    return (
        render_template(
            "experts/become.html",
            **_context(form=form, mine=mine, day_names=_day_names(), hours=HOURS),
        ),
        form_status(form, saved),
    )


@bp.route("/experts/me/availability", methods=["POST"])
@login_required
@rate_limit("expert_profile")
def availability() -> ResponseReturnValue:
    """Available or not; going unavailable passes the open offers to the next match."""
    actor = require_user()
    mine = access.profile_of(actor.id)
    if mine is None:
        abort(404)
    available = request.form.get("available") == "1"
    done = (
        _("You are available for new requests.")
        if available
        else _("You are unavailable: your open requests went to other experts.")
    )
    form_action(lambda: services.set_available(actor, mine, available), done)
    return redirect(url_for("experts.offers"))


def _asking_associations(actor: User) -> list[Any]:
    return [m for m in user_memberships(actor.id) if m.role in ASKING_ROLES]


@bp.route("/experts/ask", methods=["GET", "POST"])
@login_required
@rate_limit("expert_request", methods=["POST"])
def ask() -> ResponseReturnValue:
    """Ask a specialist, in the name of an association one coordinates or administers."""
    actor = require_user()
    mine = _asking_associations(actor)
    if not mine:
        abort(403)
    form = AskForm()
    if not form.is_submitted():
        form.domain.data = request.args.get("domain", "")
    asked = submit(form, lambda: services.ask(actor, form.changes))
    if asked is not None and asked.ok and asked.value is not None:
        flash(_("Your request is sent to the best matching expert."), "success")
        return redirect(url_for("experts.show", consultation_id=asked.value.id))
    return (
        render_template(
            "experts/ask.html",
            **_context(
                form=form,
                association_choices=[(m.association_id, m.association_name) for m in mine],
            ),
        ),
        form_status(form, asked),
    )


@bp.route("/experts/requests")
@login_required
def requests() -> ResponseReturnValue:
    """The requests of my associations (coordinators and administrators)."""
    actor = require_user()
    rows = queries.all_of(queries.association_requests(actor))
    return render_template(
        "experts/requests.html",
        **_context(rows=rows, may_ask=bool(_asking_associations(actor))),
    )


@bp.route("/experts/offers")
@login_required
def offers() -> ResponseReturnValue:
    """An expert's page: the requests offered to them and their consultations."""
    actor = require_user()
    mine = access.profile_of(actor.id)
    rows = queries.all_of(queries.expert_requests(actor))
    return render_template(
        "experts/offers.html",
        **_context(
            rows=rows,
            mine=mine,
            my_offers=queries.offers_of(mine.id if mine else None, [r.id for r in rows]),
        ),
    )


@bp.route("/experts/requests/<int:consultation_id>")
@login_required
def show(consultation_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    return _show(actor, row)


def _show(actor: User, row: Consultation, status: int = 200, **forms: Any) -> ResponseReturnValue:
    mine = access.profile_of(actor.id)
    expert = queries.expert(row.expert_id)
    people = [row.requester_id or 0] + ([expert.user_id] if expert else [])
    association_side = access.is_association_side(actor, row)
    is_expert = expert is not None and expert.user_id == actor.id
    session = sessions.live_session(row.id)
    party = association_side or is_expert
    free = (
        sessions.free_hours(expert, utcnow())
        if expert is not None and row.mode == "session" and party
        else []
    )
    return (
        render_template(
            "experts/show.html",
            **_context(
                row=row,
                expert=expert,
                names=queries.names(people),
                association=queries.association_name(row.association_id),
                my_offer=queries.offers_of(mine.id if mine else None, [row.id]).get(row.id),
                is_expert=is_expert,
                association_side=association_side,
                session=session if party or actor.is_admin else None,
                free_hours=free,
                hour_label=lambda h: format_datetime(h, "EEEE d MMMM, HH:mm"),
                now=utcnow(),
                reschedules_max=RESCHEDULES_MAX,
                history=queries.history(row.id) if association_side or actor.is_admin else [],
                chat_party=actor.id in people and expert is not None,
                decline_form=forms.get("decline_form") or DeclineForm(),
                close_form=forms.get("close_form") or CloseForm(),
                rate_form=forms.get("rate_form") or RateForm(),
                publication=publishing.publication_of(row.id),
                publish_sides=publishing.sides(actor, row),
            ),
        ),
        status,
    )


@bp.route("/experts/requests/<int:consultation_id>/<action>", methods=["POST"])
@login_required
@rate_limit("expert_answer")
def act(consultation_id: int, action: str) -> ResponseReturnValue:
    """The buttons of a request: accept, decline, cancel, open the conversation."""
    if action not in ("accept", "decline", "cancel", "chat"):
        abort(404)
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    back = redirect(url_for("experts.show", consultation_id=row.id))
    if action == "chat":
        opened = attempt(lambda: services.conversation(actor, row))
        if opened.error is not None or opened.value is None:
            if opened.error is not None:
                flash_refusal(opened.error)
            return back
        return redirect(opened.value[1])
    if action == "cancel":
        form_action(lambda: services.cancel(actor, row), _("The request is cancelled."))
        return back
    offer = _or_404(lambda: access.get_open_offer(row.id, actor))
    if action == "accept":
        form_action(lambda: services.accept(actor, offer), _("You took this request. Thank you!"))
        return back
    form = DeclineForm()
    declined = submit(form, lambda: services.decline(actor, offer, form.changes["message"]))
    if declined is not None and declined.ok:
        flash(_("Declined: the request goes to another expert."), "success")
        return redirect(url_for("experts.offers"))
    return _show(actor, row, form_status(form, declined), decline_form=form)


@bp.route("/experts/requests/<int:consultation_id>/close", methods=["POST"])
@login_required
@rate_limit("expert_answer")
def close(consultation_id: int) -> ResponseReturnValue:
    """The expert answers and closes the consultation."""
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    form = CloseForm()
    closed = submit(form, lambda: services.close(actor, row, form.changes["answer"]))
    if closed is not None and closed.ok:
        flash(_("Your answer is sent. Thank you!"), "success")
        return redirect(url_for("experts.show", consultation_id=row.id))
    return _show(actor, row, form_status(form, closed), close_form=form)


@bp.route("/experts/requests/<int:consultation_id>/rate", methods=["POST"])
@login_required
@rate_limit("expert_answer")
def rate(consultation_id: int) -> ResponseReturnValue:
    """The association rates the answer and may endorse the expert."""
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    form = RateForm()
    rated = submit(
        form,
        lambda: services.rate(
            actor, row, form.changes["rating"], form.changes["feedback"], form.changes["endorse"]
        ),
    )
    if rated is not None and rated.ok:
        flash(_("Thank you for your rating."), "success")
        return redirect(url_for("experts.show", consultation_id=row.id))
    return _show(actor, row, form_status(form, rated), rate_form=form)


@bp.route("/experts/requests/<int:consultation_id>/publication/<action>", methods=["POST"])
@login_required
@rate_limit("expert_answer")
def publication_action(consultation_id: int, action: str) -> ResponseReturnValue:
    """The buttons of publishing in the library: consent, withdraw one's consent, and (a
    platform administrator) take the page out."""
    if action not in ("consent", "withdraw", "unpublish"):
        abort(404)
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    if action == "consent":
        form_action(
            lambda: publishing.consent(actor, row),
            _("Your consent is recorded: the answer is published once both sides agree."),
        )
    elif action == "withdraw":
        form_action(
            lambda: publishing.withdraw(actor, row),
            _("Your consent is withdrawn: nothing will be published."),
        )
    else:
        form_action(lambda: publishing.unpublish(actor, row), _("The page is out of the library."))
    return redirect(url_for("experts.show", consultation_id=row.id))


@bp.route("/experts/requests/<int:consultation_id>/publication", methods=["GET", "POST"])
@login_required
@rate_limit("expert_answer", methods=["POST"])
def publication(consultation_id: int) -> ResponseReturnValue:
    """The redaction step: the proposed question and answer, with names, contacts and the
    association stripped, edited by the association or the expert, then published."""
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    pub = publishing.publication_of(row.id)
    as_association, as_expert = publishing.sides(actor, row)
    if (
        not (as_association or as_expert)
        or pub is None
        or not pub.both_consented()
        or pub.status != "pending"
    ):
        return redirect(url_for("experts.show", consultation_id=row.id))
    form = PublishForm(data={"title": pub.title, "question": pub.question, "answer": pub.answer})
    status = 200
    if request.method == "POST":
        form = PublishForm()
        done = submit(form, lambda: publishing.publish(actor, row, form.changes))
        if done is not None and done.ok:
            flash(
                _("Published in the library. Thank you for helping the next association!"),
                "success",
            )
            return redirect(url_for("experts.show", consultation_id=row.id))
        status = form_status(form, done)
    return render_template(
        "experts/publication.html", **_context(row=row, form=form, pub=pub)
    ), status


@bp.route("/experts/funnel")
@admin_required
def funnel() -> ResponseReturnValue:
    """Platform administrators: requested → matched → held → rated per domain."""
    return render_template("experts/funnel.html", **_context(funnel=queries.funnel()))


def _starts_at() -> Any:
    try:
        return SessionInSchema().load({"starts_at": request.form.get("starts_at", "")})["starts_at"]
    except ma.ValidationError:
        return None


def _no_hour() -> None:
    flash(_("Choose one of the expert's free hours."), "error")


@bp.route("/experts/requests/<int:consultation_id>/session", methods=["POST"])
@login_required
@rate_limit("expert_session")
def book(consultation_id: int) -> ResponseReturnValue:
    """The association that asked books a one-hour session on a free hour of the expert."""
    actor = require_user()
    row = _or_404(lambda: access.get_consultation(consultation_id, actor))
    starts_at = _starts_at()
    if starts_at is None:
        _no_hour()
    else:
        form_action(lambda: sessions.book(actor, row, starts_at), _("The session is booked."))
    return redirect(url_for("experts.show", consultation_id=row.id))


@bp.route("/experts/sessions/<int:session_id>/<action>", methods=["POST"])
@login_required
@rate_limit("expert_session")
def session_action(session_id: int, action: str) -> ResponseReturnValue:
    """A session's buttons: move it, cancel it, mark it held (the expert)."""
    if action not in ("reschedule", "cancel", "held"):
        abort(404)
    actor = require_user()
    session = _or_404(lambda: sessions.get_session(session_id, actor))
    back = redirect(url_for("experts.show", consultation_id=session.consultation_id))
    if action == "cancel":
        form_action(lambda: sessions.cancel(actor, session), _("The session is cancelled."))
    elif action == "held":
        notes = request.form.get("notes", "")
        form_action(
            lambda: sessions.mark_held(actor, session, notes),
            _("The session is marked held: the association can now rate it."),
        )
    else:
        starts_at = _starts_at()
        if starts_at is None:
            _no_hour()
        else:
            form_action(
                lambda: sessions.reschedule(actor, session, starts_at),
                _("The session moved to the new hour."),
            )
    return back


@bp.route("/experts/sessions", methods=["GET", "POST"])
@login_required
@rate_limit("expert_session", methods=["POST"])
def my_sessions() -> ResponseReturnValue:
    """My sessions (as the expert and as the one who asked) and their calendar address: a
    new address is shown once (``POST``)."""
    actor = require_user()
    url = None
    if request.method == "POST":
        made = attempt(lambda: calendar.regenerate_feed(actor))
        if made.error is not None or made.value is None:
            if made.error is not None:
                flash_refusal(made.error)
        else:
            url = calendar.feed_url(made.value)
    rows = sessions.sessions_of(actor.id)
    titles = {r.id: r.title for r in queries.consultations([s.consultation_id for s in rows])}
    return render_template(
        "experts/sessions.html",
        **_context(
            rows=rows,
            titles=titles,
            feed_url=url,
            has_feed=calendar.feed_of(actor) is not None,
        ),
    )
