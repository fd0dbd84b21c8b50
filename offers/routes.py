"""HTML pages of the board: the feed, the composer (rules explained before posting), an offer
with its requests, a person's offers and requests, the review queue and the public counts.
Same services, rights and rate limits as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, login_required, require_user
from app.accounts.queries import user_by_username, users_by_id
from app.api import ApiError
from app.db import transaction
from app.edge import attempt, errors_beside_fields, form_action
from app.images import read_upload
from app.limits import check as check_limit
from app.limits import rate_limit
from app.plugins import registry
from directory import Province, get_association, membership_role, user_memberships
from offers import access, claims, images, labels, moderation, queries, services
from offers.forms import OfferEditForm
from offers.models import (
    ALLOCATIONS,
    AUDIENCES,
    BLOOD_GROUPS,
    DELIVERY_MODES,
    SUPPORT_TYPES,
    Claim,
    Offer,
)
from offers.rules import refuse
from offers.schemas import FeedArgsSchema

bp = Blueprint(
    "offers",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/offers",
)

FORM_FIELDS = (
    "kind",
    "support_type",
    "city_id",
    "area_hint",
    "capacity",
    "delivery_mode",
    "allocation",
    "title",
    "body",
    "association_id",
    "ends_on",
    "age_min",
    "age_max",
    "conditions_other",
    "blood_group",
    "facility",
    "needed_by",
)


def _places() -> list[Province]:
    return queries.provinces()


def _lang() -> str:
    return str(get_locale() or "ar")


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "labels": labels,
        "support_types": SUPPORT_TYPES,
        "audiences": AUDIENCES,
        "delivery_modes": DELIVERY_MODES,
        "allocations": ALLOCATIONS,
        "blood_groups": BLOOD_GROUPS,
        "lang": _lang(),
        **extra,
    }


def _city_names(offers: list[Offer]) -> dict[int, str]:
    ids = {o.city_id for o in offers}
    if not ids:
        return {}
    rows = queries.cities(ids)
    return {c.id: c.label(_lang()) for c in rows}


@bp.route("/offers")
def feed() -> ResponseReturnValue:
    """The feed: filters by place, type, audience and words; facet counts; live updates."""
    raw = {k: v for k, v in request.args.items() if v != ""}
    try:
        args = FeedArgsSchema().load(raw)
    except Exception:  # a hand-edited address: show the whole feed rather than an error
        args = FeedArgsSchema().load({})
    actor = get_current_user()
    page = queries.feed(args, actor)
    provinces = _places()
    kept = {
        k: v
        for k, v in raw.items()
        if k in ("q", "type", "province", "city", "audience", "kind", "near", "radius_km")
    }

    def feed_url(**changes: Any) -> str:
        merged = {**kept, **changes}
        return url_for("offers.feed", **{k: v for k, v in merged.items() if v not in (None, "")})

    return render_template(
        "offers/feed.html",
        feed_url=feed_url,
        page_url=lambda n: feed_url(page=n),
        **_context(
            page=page,
            args=args,
            provinces=provinces,
            province_names={str(p.id): p.label(_lang()) for p in provinces},
            cities=_city_names(page["items"]),
            actor=actor,
        ),
    )


def _form_data() -> dict[str, Any]:
    """The composer's fields as the API's body."""
    form = request.form
    data: dict[str, Any] = {
        k: form.get(k, "").strip() for k in FORM_FIELDS if form.get(k, "").strip()
    }
    data["kind"] = data.get("kind") or "offer"
    data["free"] = form.get("free") == "1"
    data["audience"] = [a for a in form.getlist("audience") if a in AUDIENCES]
    for key in ("city_id", "capacity", "age_min", "age_max", "association_id"):
        if key in data:
            try:
                data[key] = int(data[key])
            except ValueError:
                data.pop(key)
    if data["kind"] == "blood_request":
        data["free"] = True
    for key in ("ends_on", "needed_by"):
        if key in data:
            try:
                if key == "ends_on":
                    data[key] = dt.date.fromisoformat(data[key])
                else:  # the form's local time, in the person's zone
                    local = dt.datetime.fromisoformat(data[key])
                    if local.tzinfo is None:
                        local = local.replace(tzinfo=get_timezone())
                    data[key] = local.astimezone(dt.UTC)
            except ValueError:
                data.pop(key)
    return data


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
@rate_limit("offer_post", methods=["POST"])
def compose() -> ResponseReturnValue:
    """Write an offer or a blood request; the rules are checked as you type and on posting."""
    actor = require_user()
    hits: list[dict[str, Any]] = []
    values: dict[str, Any] = {
        "kind": request.args.get("kind", "offer"),
        "capacity": 1,
        "audience": [],
    }
    if request.method == "POST":
        data = _form_data()
        values = {**data, "free": data.get("free")}
        photos = [f for f in request.files.getlist("images") if f and f.filename]
        tick = request.form.get("no_person_visible") == "1"

        def post() -> Offer:
            if data["kind"] == "blood_request":
                check_limit("blood_request", actor.id)
            if photos:  # the PHOTO rule before anything is stored
                probe = Offer(kind=data["kind"], support_type=data.get("support_type") or "")
                found = images.photo_hits(probe, tick)
                if found:
                    raise refuse(found)
            offer = services.publish(actor, data)
            for photo in photos[: images.IMAGES_MAX]:
                services.add_photo(actor, offer, read_upload(photo, images.MAX_BYTES), tick)
            return offer

        posted = attempt(post)
        error = posted.error
        if error is not None:
            hits = list((error.fields or {}).get("hits") or [])
            if not hits:
                flash(error.message or _("Please correct the highlighted fields."), "error")
                hits = [
                    {
                        "code": "MISSING_FIELD",
                        "action": "block",
                        "excerpt": k,
                        "message": " ".join(v),
                    }
                    for k, v in (error.fields or {}).items()
                    if isinstance(v, list)
                ]
        elif (offer := posted.value) is not None:
            if offer.status == "published":
                flash(_("Your offer is published. Thank you!"), "success")
            else:
                flash(_("Your post is waiting for a moderator's review."), "info")
            return redirect(url_for("offers.show", offer_id=offer.id))
    return render_template(
        "offers/compose.html",
        **_context(
            values=values,
            hits=hits,
            provinces=_places(),
            associations=[m for m in user_memberships(actor.id) if m.role == "admin"],
        ),
    )


@bp.route("/offers/images/<name>")
def image(name: str) -> ResponseReturnValue:
    """A photo, for whoever may read its offer."""

    row = queries.image_named(name)
    if row is None:
        abort(404)
    try:
        access.get_offer(row.offer_id, get_current_user())
    except ApiError:
        abort(404)
    response = send_from_directory(images.folder(), row.name, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/offers/<int:offer_id>")
def show(offer_id: int) -> ResponseReturnValue:
    actor = get_current_user()
    try:
        offer = access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)
    mine = actor is not None and offer.author_id == actor.id
    my_claim = queries.claim_of(offer.id, actor.id) if actor is not None else None
    requests = queries.claims_of(offer) if mine else []
    ids = {c.claimant_id for c in requests} | ({offer.author_id} if offer.author_id else set())
    people = users_by_id(ids)
    contacts = {}
    if actor is not None:
        reg = registry()
        shown = [c.claimant_id for c in requests if c.status in ("accepted", "received")]
        if my_claim is not None and my_claim.status in ("accepted", "received") and offer.author_id:
            shown.append(offer.author_id)
        for uid in shown:
            person = people.get(uid)
            if person is not None:
                contacts[uid] = [
                    a
                    for _o, make in sorted(reg.profile_actions, key=lambda e: e[0])
                    if (a := make(person, actor)) is not None
                ]
    queue = queries.queue_position(offer) if offer.status == "review" and mine else None
    association = get_association(offer.association_id) if offer.association_id else None
    city = queries.find_city(offer.city_id)
    return render_template(
        "offers/show.html",
        **_context(
            offer=offer,
            mine=mine,
            may_edit=access.may_edit(actor, offer),
            my_claim=my_claim,
            claims=requests,
            people=people,
            contacts=contacts,
            queue=queue,
            association=association,
            city=city.label(_lang()) if city else "",
            actor=actor,
            moderator=access.is_moderator(actor),
            photos=images.images_of(offer.id),
            referrers=_referrers(requests),
        ),
    )


@bp.route("/offers/<int:offer_id>/card")
def card(offer_id: int) -> ResponseReturnValue:
    """One offer's card as the feed shows it, marked new, for ``feed.js`` when it hears that the
    offer was published: ``{html}`` (whoever may read the offer may read its card)."""
    try:
        offer = access.get_offer(offer_id, get_current_user())
    except ApiError:
        abort(404)
    html = render_template(
        "offers/_cards.html", **_context(offers=[offer], cities=_city_names([offer]))
    )
    return jsonify(html=html)


def _referrers(rows: list[Claim]) -> dict[int, str]:
    """Names of the associations that said they know a claimant."""
    names: dict[int, str] = {}
    for row in rows:
        if row.referral_association_id and row.referral_association_id not in names:
            association = get_association(row.referral_association_id)
            if association is not None:
                names[row.referral_association_id] = association.name
    return names


def _flash_refusal(error: ApiError) -> None:
    flash(error.message or _("This could not be done."), "error")


def _flash_with_hits(error: ApiError) -> None:
    """A refusal with the rules' reasons (a claim or thanks that breaks a rule)."""
    hits = (error.fields or {}).get("hits") or []
    flash(" ".join([error.message or "", *(h["message"] for h in hits)]).strip(), "error")


def _back(offer_id: int) -> ResponseReturnValue:
    return redirect(url_for("offers.show", offer_id=offer_id))


@bp.route("/offers/<int:offer_id>/claim", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def claim(offer_id: int) -> ResponseReturnValue:
    actor = require_user()
    try:
        offer = access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)
    answers = {a: request.form.get(f"answer-{a}") == "yes" for a in offer.audience or []}
    sent = attempt(
        lambda: claims.claim(
            actor,
            offer,
            answers,
            request.form.get("pickup_proposal", ""),
            request.form.get("referral_token", ""),
        )
    )
    if sent.error is None:
        flash(_("Your request is sent. You will be notified of the answer."), "success")
    else:
        _flash_with_hits(sent.error)
    return _back(offer_id)


@bp.route("/offers/claims/<int:claim_id>/<action>", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def claim_action(claim_id: int, action: str) -> ResponseReturnValue:
    actor = require_user()
    if action not in ("accept", "decline", "received", "no_show"):
        abort(404)
    try:
        row = access.get_claim(claim_id, actor)
    except ApiError:
        abort(404)

    def answer() -> None:
        if action == "accept":
            claims.accept(actor, row)
        elif action == "decline":
            claims.decline(actor, row)
        else:
            claims.mark(actor, row, action)

    form_action(answer)
    return _back(row.offer_id)


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limit("offer_post", methods=["POST"])
def edit(offer_id: int) -> ResponseReturnValue:
    """The author changes an offer's words, place hint, delivery or end date; the board's
    rules are checked again (a hit sends it back to review, as the API's PATCH does)."""
    actor = require_user()
    try:
        offer = access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)
    if not access.may_edit(actor, offer):
        abort(403)
    form = OfferEditForm(obj=offer)
    hits: list[dict[str, Any]] = []
    status = 200
    if form.validate_on_submit():
        done = attempt(lambda: services.edit(actor, offer, form.changes(offer.kind)))
        if done.error is None:
            if offer.status == "review":
                flash(_("Your post is waiting for a moderator's review."), "info")
            else:
                flash(_("Your offer is updated."), "success")
            return redirect(url_for("offers.show", offer_id=offer_id), code=303)
        status = done.error.code or 422
        hits = list((done.error.fields or {}).get("hits") or [])
        if not hits:  # the rule's hits are listed by the page; any other reason beside its field
            errors_beside_fields(form, done.error)
    elif form.is_submitted():
        status = 422
    return render_template("offers/edit.html", form=form, offer=offer, hits=hits), status


@bp.route("/offers/<int:offer_id>/status", methods=["POST"])
@login_required
@rate_limit("offer_post")
def set_status(offer_id: int) -> ResponseReturnValue:
    """Pause, resume, withdraw or repost."""
    actor = require_user()
    try:
        offer = access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)
    action = request.form.get("action")
    if action not in ("withdraw", "repost", "paused", "published"):
        abort(400)

    def change() -> int:
        """The offer to show next: the new one of a repost."""
        if action == "withdraw":
            services.withdraw(actor, offer)
        elif action == "repost":
            return services.repost(actor, offer).id
        else:
            services.edit(actor, offer, {"status": action})
        return offer_id

    done = attempt(change)
    if done.error is not None:
        _flash_refusal(done.error)
    return _back(done.value or offer_id)


@bp.route("/offers/mine")
@login_required
def mine() -> ResponseReturnValue:
    actor = require_user()
    offers = queries.offers_of(actor.id)
    asked = queries.claims_by(actor.id)
    return render_template(
        "offers/mine.html",
        **_context(
            offers=offers, claims=asked, cities=_city_names(offers + [o for _c, o in asked])
        ),
    )


@bp.route("/offers/review", methods=["GET", "POST"])
@login_required
@rate_limit("offer_post", methods=["POST"])
def review() -> ResponseReturnValue:
    """The moderators' queue: each post with its rule hits; approve, or refuse with a reason
    the author sees."""
    actor = require_user()
    if not access.is_moderator(actor):
        abort(403)
    if request.method == "POST":
        offer = queries.find_offer(request.form.get("offer_id", type=int) or 0)
        if offer is None:
            abort(404)

        def decide() -> None:
            if request.form.get("action") == "spammer" and offer.author_id:
                moderation.mark_spammer(actor, offer.author_id)
                if offer.status == "review":
                    moderation.decide(actor, offer, False, request.form.get("reason") or _("Spam"))
            else:
                moderation.decide(
                    actor,
                    offer,
                    request.form.get("action") == "approve",
                    request.form.get("reason", ""),
                )

        form_action(decide)
        return redirect(url_for("offers.review"))
    queue = queries.review_queue()
    return render_template("offers/review.html", **_context(queue=queue, cities=_city_names(queue)))


@bp.route("/offers/given")
def given() -> ResponseReturnValue:
    """What the board gave: counts by type and by province, thanks (nothing about anyone)."""
    data = queries.given()
    provinces = {p.id: p.label(_lang()) for p in _places()}
    return render_template("offers/given.html", **_context(data=data, provinces=provinces))


@bp.route("/offers/<int:offer_id>/thanks", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def thank(offer_id: int) -> ResponseReturnValue:
    actor = require_user()
    try:
        offer = access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)
    thanked = attempt(lambda: claims.thank(actor, offer, request.form.get("text", "")))
    if thanked.error is None:
        flash(_("Thank you! Your words are on the board's page, without your name."), "success")
    else:
        _flash_with_hits(thanked.error)
    return _back(offer_id)


@bp.route("/offers/<int:offer_id>/flag", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def flag(offer_id: int) -> ResponseReturnValue:
    actor = require_user()
    try:
        offer = access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)
    form_action(
        lambda: moderation.flag(actor, offer, request.form.get("reason", "")),
        _("Thank you: moderators will look at this offer."),
    )
    return _back(offer_id)


@bp.route("/offers/blood-donor", methods=["GET", "POST"])
@login_required
@rate_limit("offer_claim", methods=["POST"])
def blood_donor() -> ResponseReturnValue:
    """Opt in to hear blood requests near you (private: nobody sees your group)."""
    actor = require_user()
    if request.method == "POST":
        saved = attempt(
            lambda: services.set_donor(
                actor,
                {
                    "group": request.form.get("group"),
                    "city_id": request.form.get("city_id", type=int),
                    "active": request.form.get("active") == "1",
                },
            )
        )
        if saved.error is None:
            flash(_("Saved. You will be told when your blood group is needed near you."), "success")
            return redirect(url_for("offers.blood_donor"))
        flash(saved.error.message or _("Please correct the highlighted fields."), "error")
    with transaction():  # the read of the card is logged
        card = queries.read_donor(actor)
    return render_template("offers/donor.html", **_context(card=card or {}, provinces=_places()))


@bp.route("/offers/alerts", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def add_alert() -> ResponseReturnValue:
    actor = require_user()
    data = {
        "support_type": request.form.get("type") or None,
        "province_id": request.form.get("province", type=int),
        "city_id": request.form.get("city", type=int),
        "audience": request.form.get("audience") or None,
    }
    form_action(
        lambda: services.add_alert(actor, data),
        _("Alert saved: you will be notified of new matching offers."),
    )
    args: dict[str, Any] = {
        k: v for k, v in request.form.items() if k in ("type", "province", "city", "audience") and v
    }
    return redirect(url_for("offers.feed", **args))


@bp.route("/offers/referrals/<int:association_id>", methods=["GET", "POST"])
@login_required
@rate_limit("offer_claim", methods=["POST"])
def referrals(association_id: int) -> ResponseReturnValue:
    """An association administrator gives a person a one-use "known to us" code: the person
    adds it to a request, the offer's author sees the association's name, nothing of the file."""

    actor = require_user()
    association = get_association(association_id)
    if association is None:
        abort(404)
    if membership_role(actor.id, association_id) != "admin":
        abort(403)
    code = None
    person = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        person = user_by_username(username)
        if person is None:
            flash(_("Unknown username."), "error")
        else:
            made = attempt(lambda: claims.make_referral(actor, association_id, person.id))
            code = made.value
            if made.error is not None:
                _flash_refusal(made.error)
    return render_template(
        "offers/referrals.html", **_context(association=association, code=code, person=person)
    )
