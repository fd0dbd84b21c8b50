"""HTML pages of the board: the feed, the composer (rules explained before posting), an offer
with its requests, a person's offers and requests, the review queue and the public counts.
Same services, rights and rate limits as the API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.accounts.auth import get_current_user, login_required, require_user
from app.accounts.models import User
from app.accounts.queries import user_by_username, users_by_id
from app.api import ApiError, invalid, not_found, paginate
from app.db import transaction
from app.edge import Outcome, attempt, flash_refusal, form_action, form_status, submit
from app.images import read_upload
from app.limits import check as check_limit
from app.limits import rate_limit
from app.plugins import ProfileAction, registry
from directory import Province, get_association, user_memberships
from offers import access, claims, images, labels, moderation, queries, services
from offers.forms import (
    AlertForm,
    ClaimForm,
    DonorForm,
    FlagForm,
    OfferEditForm,
    OfferForm,
    ReferralForm,
    ReviewForm,
    ThanksForm,
    rule_hits,
)
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
    return _feed_page({k: v for k, v in request.args.items() if v != ""})


def _feed_args(raw: dict[str, Any]) -> dict[str, Any]:
    """The feed's filters; one that does not parse (a hand-edited address, a refused alert's)
    is left out rather than answered with an error."""
    try:
        return dict(FeedArgsSchema().load(raw))
    except ma.ValidationError as error:
        wrong = set(error.messages) if isinstance(error.messages, dict) else set(raw)
    try:
        return dict(FeedArgsSchema().load({k: v for k, v in raw.items() if k not in wrong}))
    except ma.ValidationError:
        return dict(FeedArgsSchema().load({}))


def _feed_page(
    raw: dict[str, Any], alert_form: AlertForm | None = None, status: int = 200
) -> ResponseReturnValue:
    """The feed filtered by ``raw`` (the address's filters); ``alert_form``, a refused alert
    on these filters, drawn again with its reasons."""
    args = _feed_args(raw)
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
            alert_form=alert_form or AlertForm(formdata=None),
        ),
    ), status


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
@rate_limit("offer_post", methods=["POST"])
def compose() -> ResponseReturnValue:
    """Write an offer or a blood request; the rules are checked as you type and on posting.
    A refused post is drawn again as typed, each reason beside its field, the rules' hits
    listed; nothing of it is stored (its photos neither)."""
    actor = require_user()
    form = OfferForm(kind=request.args.get("kind", "offer"))

    def post() -> Offer:
        data = form.changes
        photos = form.photos()
        tick = bool(form.no_person_visible.data)
        if data["kind"] == "blood_request":
            check_limit("blood_request", actor.id)
        if photos:  # the PHOTO rule before anything is stored
            probe = Offer(kind=data["kind"], support_type=data.get("support_type") or "")
            found = images.photo_hits(probe, tick)
            if found:
                raise refuse(found)
        offer = services.publish(actor, data)
        for photo in photos[: images.IMAGES_MAX]:
            try:
                services.add_photo(actor, offer, read_upload(photo, images.MAX_BYTES), tick)
            except ApiError as error:
                if error.fields:
                    raise
                # a photo the board cannot take (too large, not an image): said beside them
                raise ApiError(
                    error.code or 422,
                    error.error_code,
                    error.message,
                    {"images": [error.message or ""]},
                ) from error
        return offer

    posted = submit(form, post, listed=("hits",))
    if posted is not None and (offer := posted.value) is not None:
        if offer.status == "published":
            flash(_("Your offer is published. Thank you!"), "success")
        else:
            flash(_("Your post is waiting for a moderator's review."), "info")
        return redirect(url_for("offers.show", offer_id=offer.id))
    return render_template(
        "offers/compose.html",
        **_context(
            form=form,
            hits=rule_hits(form, posted.error if posted else None),
            provinces=_places(),
            associations=[m for m in user_memberships(actor.id) if m.role == "admin"],
        ),
    ), form_status(form, posted)


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
    return _show_page(_readable(offer_id, actor), actor)


def _readable(offer_id: int, actor: User | None) -> Offer:
    """The offer, when ``actor`` may read it (404 otherwise)."""
    try:
        return access.get_offer(offer_id, actor)
    except ApiError:
        abort(404)


def _show_page(
    offer: Offer,
    actor: User | None,
    *,
    claim_form: ClaimForm | None = None,
    thanks_form: ThanksForm | None = None,
    flag_form: FlagForm | None = None,
    hits: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """An offer's page; a refused request, thanks or flag is drawn again in its place, as
    typed, with its reasons (the rules' ``hits`` listed under it)."""
    mine = actor is not None and offer.author_id == actor.id
    my_claim = queries.claim_of(offer.id, actor.id) if actor is not None else None
    requests = queries.claims_of(offer) if mine else []
    ids = {c.claimant_id for c in requests} | ({offer.author_id} if offer.author_id else set())
    people = users_by_id(ids)
    contacts = {}
    if actor is not None and registry().subject_chat is not None:
        # the two parties of an accepted request write to each other in the conversation about
        # it, which the purge deletes with the offer (not in their lasting direct chat)
        shown = [(c.claimant_id, c.id) for c in requests if c.status in ("accepted", "received")]
        if my_claim is not None and my_claim.status in ("accepted", "received") and offer.author_id:
            shown.append((offer.author_id, my_claim.id))
        for uid, claim_id in shown:
            person = people.get(uid)
            if person is not None:
                contacts[uid] = [
                    ProfileAction(
                        label=_("Write to %(name)s", name=person.public_name),
                        url=url_for("offers.claim_chat", claim_id=claim_id),
                        icon="chat-dots",
                        post=True,
                    )
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
            claim_form=claim_form or ClaimForm.of_offer(offer.audience or [], formdata=None),
            thanks_form=thanks_form or ThanksForm(formdata=None),
            flag_form=flag_form or FlagForm(formdata=None),
            flag_open=flag_form is not None,
            hits=hits or [],
        ),
    ), status


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


def _back(offer_id: int) -> ResponseReturnValue:
    return redirect(url_for("offers.show", offer_id=offer_id))


def _flashed(outcome: Outcome[Any] | None, form: FlaskForm, hits: list[Any]) -> bool:
    """Whether a refused form of the offer's page was refused for a reason none of its fields
    shows (already asked, thanked or reported; the offer closed meanwhile): it is flashed
    (:func:`app.edge.submit`), and the page is shown as it is now rather than the form."""
    return outcome is not None and not outcome.ok and not (form.errors or hits)


@bp.route("/offers/<int:offer_id>/claim", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def claim(offer_id: int) -> ResponseReturnValue:
    actor = require_user()
    offer = _readable(offer_id, actor)
    form = ClaimForm.of_offer(offer.audience or [])
    sent = submit(
        form,
        lambda: claims.claim(
            actor,
            offer,
            form.changes["answers"],
            form.changes["pickup_proposal"],
            form.changes["referral_token"],
        ),
        listed=("hits",),
    )
    if sent is not None and sent.ok:
        flash(_("Your request is sent. You will be notified of the answer."), "success")
        return _back(offer_id)
    hits = rule_hits(form, sent.error if sent else None)
    if _flashed(sent, form, hits):
        return _back(offer_id)
    return _show_page(offer, actor, claim_form=form, hits=hits, status=form_status(form, sent))


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


@bp.route("/offers/claims/<int:claim_id>/chat", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def claim_chat(claim_id: int) -> ResponseReturnValue:
    """The conversation about an accepted request, opened for either party."""
    actor = require_user()
    try:
        row = access.get_claim(claim_id, actor)
    except ApiError:
        abort(404)
    opened = attempt(lambda: claims.conversation(actor, row))
    if opened.error is not None or opened.value is None:
        if opened.error is not None:
            flash_refusal(opened.error)
        return _back(row.offer_id)
    return redirect(opened.value[1])


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limit("offer_post", methods=["POST"])
def edit(offer_id: int) -> ResponseReturnValue:
    """The author changes an offer's words, place hint, delivery or end date; the board's
    rules are checked again (a hit sends it back to review, as the API's PATCH does)."""
    actor = require_user()
    offer = _readable(offer_id, actor)
    if not access.may_edit(actor, offer):
        abort(403)
    form = OfferEditForm(obj=offer)
    if offer.kind == "blood_request":
        del form.delivery_mode
    done = submit(form, lambda: services.edit(actor, offer, form.changes), listed=("hits",))
    if done is not None and done.ok:
        if offer.status == "review":
            flash(_("Your post is waiting for a moderator's review."), "info")
        else:
            flash(_("Your offer is updated."), "success")
        return redirect(url_for("offers.show", offer_id=offer_id), code=303)
    hits = rule_hits(form, done.error if done else None)
    return render_template("offers/edit.html", form=form, offer=offer, hits=hits), form_status(
        form, done
    )


@bp.route("/offers/<int:offer_id>/status", methods=["POST"])
@login_required
@rate_limit("offer_post")
def set_status(offer_id: int) -> ResponseReturnValue:
    """Pause, resume, withdraw or repost (the button pressed is ``action``)."""
    actor = require_user()
    offer = _readable(offer_id, actor)
    action = request.form.get("action")
    if action not in ("withdraw", "repost", "paused", "published"):
        abort(400)
    shown = [offer_id]  # the offer to show next: the new one of a repost

    def change() -> None:
        if action == "withdraw":
            services.withdraw(actor, offer)
        elif action == "repost":
            shown[0] = services.repost(actor, offer).id
        else:
            services.edit(actor, offer, {"status": action})

    if not form_action(change):
        shown[0] = offer_id
    return _back(shown[0])


@bp.route("/offers/mine")
@login_required
def mine() -> ResponseReturnValue:
    actor = require_user()
    offers = queries.offers_of(actor.id)
    asked = queries.claims_by(actor.id)
    return render_template(
        "offers/mine.html",
        **_context(
            offers=offers,
            claims=asked,
            cities=_city_names(offers + [o for _c, o in asked]),
            strikes=queries.strikes_of(actor.id),
            strike_days=current_app.config["OFFERS_STRIKE_WINDOW_DAYS"],
            strikes_to_review=current_app.config["OFFERS_STRIKES_TO_REVIEW"],
            under_review=queries.under_review(actor.id),
        ),
    )


@bp.route("/offers/review", methods=["GET", "POST"])
@login_required
@rate_limit("offer_post", methods=["POST"])
def review() -> ResponseReturnValue:
    """The moderators' queue: each post with its rule hits; approve, or refuse with a reason
    the author sees (a refused decision is drawn again at its post, its reason beside it)."""
    actor = require_user()
    if not access.is_moderator(actor):
        abort(403)
    form = ReviewForm()

    def decide() -> None:
        offer = queries.find_offer(form.post_id())
        if offer is None:
            raise not_found()
        moderation.review(actor, offer, form.action.data or "", form.reason.data or "")

    decided = submit(form, decide)
    if decided is not None and decided.ok:
        return redirect(url_for("offers.review"))
    queue = queries.review_queue()
    return render_template(
        "offers/review.html",
        **_context(
            queue=queue,
            details=queries.review_details([o.id for o in queue]),
            cities=_city_names(queue),
            form=form if form.is_submitted() else None,
        ),
    ), form_status(form, decided)


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
    offer = _readable(offer_id, actor)
    form = ThanksForm()
    thanked = submit(
        form, lambda: claims.thank(actor, offer, form.changes["text"]), listed=("hits",)
    )
    if thanked is not None and thanked.ok:
        flash(_("Thank you! Your words are on the board's page, without your name."), "success")
        return _back(offer_id)
    hits = rule_hits(form, thanked.error if thanked else None)
    if _flashed(thanked, form, hits):
        return _back(offer_id)
    return _show_page(offer, actor, thanks_form=form, hits=hits, status=form_status(form, thanked))


@bp.route("/offers/<int:offer_id>/flag", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def flag(offer_id: int) -> ResponseReturnValue:
    actor = require_user()
    offer = _readable(offer_id, actor)
    form = FlagForm()
    flagged = submit(form, lambda: moderation.flag(actor, offer, form.changes["reason"]))
    if flagged is not None and flagged.ok:
        flash(_("Thank you: moderators will look at this offer."), "success")
        return _back(offer_id)
    if _flashed(flagged, form, []):
        return _back(offer_id)
    return _show_page(offer, actor, flag_form=form, status=form_status(form, flagged))


@bp.route("/offers/blood-donor", methods=["GET", "POST"])
@login_required
@rate_limit("offer_claim", methods=["POST"])
def blood_donor() -> ResponseReturnValue:
    """Opt in to hear blood requests near you (private: nobody sees your group)."""
    actor = require_user()
    form = DonorForm()
    saved = submit(form, lambda: services.set_donor(actor, form.changes))
    if saved is not None and saved.ok:
        flash(_("Saved. You will be told when your blood group is needed near you."), "success")
        return redirect(url_for("offers.blood_donor"))
    if not form.is_submitted():
        with transaction():  # the read of the card is logged
            card = queries.read_donor(actor) or {}
        form = DonorForm(
            formdata=None,
            group=card.get("group") or "",
            city_id=str(card.get("city") or ""),
            active=card.get("active", True),
        )
    return render_template(
        "offers/donor.html", **_context(form=form, provinces=_places())
    ), form_status(form, saved)


@bp.route("/offers/alerts", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def add_alert() -> ResponseReturnValue:
    """Save an alert on the feed's filters; refused, the feed is drawn again with the
    reasons beside the alert's button."""
    actor = require_user()
    form = AlertForm()
    saved = submit(form, lambda: services.add_alert(actor, form.changes))
    filters: dict[str, Any] = {
        name: str(form[name].data)
        for name in ("type", "province", "city", "audience")
        if form[name].data
    }
    if saved is not None and saved.ok:
        flash(_("Alert saved: you will be notified of new matching offers."), "success")
        return redirect(url_for("offers.feed", **filters))
    return _feed_page(filters, form, form_status(form, saved))


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
    if not access.may_refer(actor, association_id):
        abort(403)
    form = ReferralForm()

    def make() -> tuple[User, str]:
        person = user_by_username((form.username.data or "").strip())
        if person is None:
            raise invalid(_("Unknown username."), "username")
        return person, claims.make_referral(actor, association_id, person.id)

    made = submit(form, make)
    status = form_status(form, made)
    code = person = None
    if made is not None and made.value is not None:
        person, code = made.value
        form, status = ReferralForm(formdata=None), 200  # the code, and the next person's form
    number = request.args.get("page", "1")
    page_no = int(number) if number.isdigit() and 0 < len(number) < 7 and int(number) else 1
    page = paginate(queries.referrals_query(association_id), page_no, REFERRALS_PER_PAGE)
    return render_template(
        "offers/referrals.html",
        page_url=lambda n: url_for("offers.referrals", association_id=association_id, page=n),
        **_context(
            association=association,
            code=code,
            person=person,
            form=form,
            codes=page,
            pages=-(-page["total"] // REFERRALS_PER_PAGE),
        ),
    ), status


REFERRALS_PER_PAGE = 50


@bp.route("/offers/referrals/<int:association_id>/<int:referral_id>/revoke", methods=["POST"])
@login_required
@rate_limit("offer_claim")
def revoke_referral(association_id: int, referral_id: int) -> ResponseReturnValue:
    """An administrator of the association revokes one of its unused codes."""
    actor = require_user()
    if get_association(association_id) is None:
        abort(404)
    if not access.may_refer(actor, association_id):
        abort(403)
    form_action(
        lambda: claims.revoke_referral(actor, association_id, referral_id),
        _("The code is revoked: a request that presents it will be refused."),
    )
    return redirect(url_for("offers.referrals", association_id=association_id), code=303)
