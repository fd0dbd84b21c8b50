"""Directory pages: search with facets (a GET form: works without JavaScript), profile,
registration, edit, members, approval queue. Thin: parse, access check, service, render."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import ApiError, expected_version
from app.edge import form_action, form_status, submit
from app.images import read_upload
from app.limits import rate_limit
from app.plugins import registry
from directory import queries, services
from directory.access import access_association, can_see_members, is_association_admin
from directory.forms import (
    TEXT_KEYS,
    AssociationEditForm,
    AssociationForm,
    DecisionForm,
    JoinForm,
)
from directory.models import ROLES, Association
from directory.schemas import (
    AssociationSearchArgsSchema,
)
from directory.search import FACETS, search_associations
from directory.serialize import (
    association_dict,
    current_lang,
    regions_tree,
)

bp = Blueprint(
    "directory",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/directory",
)

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "member": _l("Member"),
}


@bp.app_template_filter("membership_role")
def _membership_role(role: str) -> str:
    """A membership role in the reader's language."""
    return str(ROLE_LABELS.get(role, role))


MEMBERS_VISIBILITY_LABELS = {
    "public": _l("Everyone"),
    "members": _l("Only the association's members"),
}


def _search_args(values: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    raw: dict[str, Any] = {}
    for key in ("q", "near", "radius_km", "sort", "page", "per_page"):
        if values.get(key):
            raw[key] = values[key]
    for facet in FACETS:
        chosen = [v for v in values.getlist(facet) if v]
        if chosen:
            raw[facet] = chosen
    try:
        return AssociationSearchArgsSchema().load(raw), {}
    except ma.ValidationError as error:
        return AssociationSearchArgsSchema().load({}), dict(error.messages)  # type: ignore[arg-type]


@bp.route("/directory")
def index() -> ResponseReturnValue:
    args, errors = _search_args(request.args)
    actor = get_current_user()
    found: dict[str, Any] = {
        "ids": [],
        "total": 0,
        "facets": {},
        "suggestion": None,
        "distances": {},
        "place_suggestion": None,
        "field_suggestion": None,
        "nearby_places": None,
        "relax": None,
        "selected": {},
    }
    try:
        found = search_associations(args, actor=actor, locale=current_lang())
    except ApiError as error:
        errors.update(error.fields)
        args = AssociationSearchArgsSchema().load({"q": args.get("q", "")})
        found = search_associations(args, actor=actor, locale=current_lang())
    items = [
        association_dict(a, mine=None, distance=found["distances"].get(a.id))
        for a in queries.load_associations_by_ids(found["ids"])
    ]
    pages = max(1, -(-found["total"] // args["per_page"]))
    # the filters as understood ("Casa" in the city filter is casablanca)
    selected = {facet: set(found["selected"].get(facet) or ()) for facet in FACETS}

    def page_url(page: int) -> str:
        params = request.args.to_dict(flat=False)
        params["page"] = [str(page)]
        return url_for("directory.index", **params)  # type: ignore[arg-type]

    def filter_url(facet: str, value: str | None) -> str:
        """This search with ``facet`` set to ``value`` (None: that filter removed), page 1."""
        params = request.args.to_dict(flat=False)
        params.pop("page", None)
        params.pop(facet, None)
        if value is not None:
            params[facet] = [value]
        return url_for("directory.index", **params)  # type: ignore[arg-type]

    def without_url(facet: str, value: str) -> str:
        """This search without one ticked value of ``facet`` (its chip's ×), page 1."""
        params = request.args.to_dict(flat=False)
        params.pop("page", None)
        params[facet] = [v for v in params.get(facet, []) if v != value]
        return url_for("directory.index", **params)  # type: ignore[arg-type]

    # the active filters as chips, in the order of the filter panel
    chips = [
        (facet, entry["value"], entry["label"])
        for facet in FACETS
        for entry in found["facets"].get(facet, [])
        if entry["value"] in selected[facet]
    ]

    def nearby_url(place: dict[str, Any]) -> str:
        """This search in the nearby city ``place`` instead of the one it named, page 1."""
        params = request.args.to_dict(flat=False)
        params.pop("page", None)
        params["city"] = [place["value"]]
        params["q"] = [place["q"]]
        return url_for("directory.index", **params)  # type: ignore[arg-type]

    return render_template(
        "directory/index.html",
        args=args,
        errors=errors,
        found=found,
        items=items,
        pages=pages,
        selected=selected,
        chips=chips,
        page_url=page_url,
        filter_url=filter_url,
        without_url=without_url,
        nearby_url=nearby_url,
    ), (422 if errors else 200)


def _form_choices(form: AssociationForm) -> None:
    """The form's fields of activity and member-list visibilities in the reader's language."""
    lang = current_lang()
    form.fields.choices = [(f.code, f.label(lang)) for f in queries.list_fields()]
    if isinstance(form, AssociationEditForm):
        form.members_visibility.choices = [
            (value, str(label)) for value, label in MEMBERS_VISIBILITY_LABELS.items()
        ]


def _form_context() -> dict[str, Any]:
    lang = current_lang()
    return {"regions": regions_tree(queries.regions(), lang), "lang": lang}


@bp.route("/associations/new", methods=["GET", "POST"])
@login_required
@rate_limit("association_create", methods=["POST"])
def new_association() -> ResponseReturnValue:
    actor = require_user()
    form = AssociationForm()
    _form_choices(form)
    created = submit(form, lambda: services.create_association(actor, form.changes))
    if created and created.value is not None:
        flash(_("Thank you! Your association waits for approval by the platform team."), "success")
        return redirect(url_for("directory.show_association", association_id=created.value.id))
    return render_template(
        "directory/form.html", mode="new", form=form, **_form_context()
    ), form_status(form, created)


@bp.route("/associations/<int:association_id>")
def show_association(association_id: int, join_form: JoinForm | None = None) -> str:
    actor = get_current_user()
    # Its place in the same query, its fields in one more: all the page reads of it.
    place = [joinedload(getattr(Association, name)) for name in ("region", "province", "city")]
    assoc = access_association(
        actor, association_id, load=[*place, selectinload(Association.fields)]
    )
    members_visible = can_see_members(actor, assoc)
    members = queries.approved_members(assoc.id) if members_visible else []
    can_manage = actor is not None and (actor.is_admin or is_association_admin(actor, assoc))
    offered = sorted(registry().association_actions, key=lambda entry: entry[0])
    actions = (
        [a for _o, make in offered if (a := make(assoc.id, actor))]
        if assoc.status == "approved"
        else []
    )
    blocks = sorted(registry().association_sections, key=lambda entry: entry[0])
    sections = [s for _o, make in blocks if (s := make(assoc.id, actor))]
    people = [m.user for m in members]
    member_actions: dict[int, list[Any]] = {}
    for _o, make_actions in sorted(registry().member_actions, key=lambda entry: entry[0]):
        for user_id, action in make_actions(actor, people).items():
            member_actions.setdefault(user_id, []).append(action)
    return render_template(
        "directory/show.html",
        assoc=assoc,
        actions=actions,
        sections=sections,
        member_actions=member_actions,
        phone_link=re.sub(r"[^\d+]", "", assoc.phone),
        data=association_dict(assoc, mine=queries.viewer_membership(actor, assoc.id)),
        members=members,
        members_visible=members_visible,
        can_manage=can_manage,
        lang=current_lang(),
        join_form=join_form or JoinForm(formdata=None),
    )


@bp.route("/associations/<int:association_id>/edit", methods=["GET", "POST"])
@login_required
def edit_association(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    assoc = access_association(actor, association_id, need="edit")
    current = association_dict(assoc, mine=None)
    form = AssociationEditForm(
        data={
            **{k: current[k] or "" for k in TEXT_KEYS},
            "member_count": assoc.member_count,
            "founded_year": assoc.founded_year,
            "fields": [f.code for f in assoc.fields],
            "city": assoc.city.code if assoc.city else "",
            "members_visibility": assoc.members_visibility,
            "version": assoc.version,
        }
    )
    _form_choices(form)
    saved = submit(
        form,
        lambda: services.update_association(
            actor, assoc, form.changes, expected_version(form.version.data)
        ),
    )
    if saved and saved.ok:
        flash(_("Saved."), "success")
        return redirect(url_for("directory.show_association", association_id=assoc.id))
    if saved and saved.conflict:
        # The editor's input stays in the form, which now carries the current version:
        # after looking at the other change, saving again applies theirs.
        assoc = queries.stored_association(actor, association_id, need="edit")
        form.version.data = str(saved.conflict.fields.get("version", form.version.data))
        form.form_errors.append(
            _(
                "Not saved: someone else changed this association in the "
                "meantime. Your input is kept below; open the association's "
                "page to see their change, then save again to apply yours."
            )
        )
    return render_template(
        "directory/form.html", mode="edit", assoc=assoc, form=form, **_form_context()
    ), form_status(form, saved)


@bp.route("/associations/<int:association_id>/logo", methods=["POST"])
@login_required
def upload_logo(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    assoc = access_association(actor, association_id, need="edit")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose an image file."), "error")
    else:
        data = read_upload(upload, services.LOGO_MAX_BYTES)
        form_action(lambda: services.set_logo(actor, assoc, data), _("Logo updated."))
    return redirect(url_for("directory.edit_association", association_id=assoc.id))


@bp.route("/associations/<int:association_id>/logo/<name>")
def logo(association_id: int, name: str) -> ResponseReturnValue:
    assoc = access_association(get_current_user(), association_id)
    if assoc.logo != name:
        abort(404)
    response = send_from_directory(services.uploads_dir(), name, mimetype="image/png")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/associations/<int:association_id>/join", methods=["POST"])
@login_required
@rate_limit("association_join")
def join(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    form = JoinForm()
    if not form.validate_on_submit():  # the message too long: shown beside it, kept
        return show_association(association_id, join_form=form), 422
    assoc = access_association(actor, association_id)
    form_action(
        lambda: services.request_join(actor, assoc, form.message.data or ""),
        _("Your request was sent to the association's administrators."),
    )
    return redirect(url_for("directory.show_association", association_id=assoc.id))


@bp.route("/associations/<int:association_id>/leave", methods=["POST"])
@login_required
def leave(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    assoc = access_association(actor, association_id)
    form_action(
        lambda: services.remove_member(actor, assoc, actor.id), _("You left the association.")
    )
    return redirect(url_for("directory.show_association", association_id=assoc.id))


@bp.route("/associations/<int:association_id>/members", methods=["GET", "POST"])
@login_required
def manage_members(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    assoc = access_association(actor, association_id, need="manage")
    if request.method == "POST":
        try:
            user_id = int(request.form.get("user_id", ""))
        except ValueError:
            abort(400)
        action = request.form.get("action")
        role = request.form.get("role") or None
        if action == "remove":
            form_action(lambda: services.remove_member(actor, assoc, user_id), _("Saved."))
        elif action in ("approve", "role") and (role is None or role in ROLES):
            form_action(lambda: services.set_member(actor, assoc, user_id, role), _("Saved."))
        else:
            abort(400)
        return redirect(url_for("directory.manage_members", association_id=assoc.id))
    memberships = queries.memberships_to_manage(assoc.id)
    return render_template(
        "directory/members.html", assoc=assoc, memberships=memberships, roles=ROLES
    )


@bp.route("/directory/queue", methods=["GET", "POST"])
@login_required
def approval_queue() -> ResponseReturnValue:
    actor = require_user()
    if not actor.is_admin:
        abort(403)
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            association_id = int(request.form.get("association_id", ""))
        except ValueError:
            abort(400)
        if action not in ("approve", "reject", "suspend"):
            abort(400)
        assoc = access_association(actor, association_id, need="moderate")
        form = DecisionForm()
        if form.validate_on_submit():
            reason = form.reason.data or ""
            form_action(
                lambda: services.decide_association(actor, assoc, action, reason), _("Saved.")
            )
        else:  # nothing decided: the reason's own words say why
            flash(" ".join(str(m) for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("directory.approval_queue"))
    pending, suspended, creators = queries.approval_queue()
    return render_template(
        "directory/queue.html",
        pending=pending,
        suspended=suspended,
        creators=creators,
        lang=current_lang(),
    )
