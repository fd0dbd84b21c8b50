"""HTML pages of knowledge pages: the list, a page, its history with a word-level diff, and
the editor (new and edit, with a preview, a direction toggle for mixed text and templates).
They work without JavaScript; ``knowledge.js`` only makes the text box follow the direction
chosen."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import expected_version, paginate
from app.edge import form_status, submit
from app.limits import rate_limit
from app.markdown import render_markdown
from app.plugins import registry
from directory import get_association, user_memberships
from library.knowledge import access, queries, services
from library.knowledge.forms import PageEditForm, PageForm
from library.knowledge.models import DIRECTIONS, KnowledgePage

bp = Blueprint("knowledge", __name__, template_folder="templates")

DIRECTION_LABELS = {
    "auto": _l("Automatic"),
    "rtl": _l("Right to left"),
    "ltr": _l("Left to right"),
}


@bp.route("/library/pages/")
def index() -> str:
    actor = get_current_user()
    page_number = request.args.get("page", 1, type=int) or 1
    page = paginate(access.visible_pages(actor), max(1, min(page_number, 10_000)), 30)
    return render_template(
        "knowledge/list.html", page=page, can_create=access.may_write(actor, None)
    )


def _template_targets(actor: Any, page: KnowledgePage) -> list[tuple[str, str]]:
    """Where ``actor`` may start a page from the template ``page``: ``(label, url)``."""
    if actor is None or not page.template:
        return []
    targets = []
    if actor.is_admin:
        targets.append(
            (str(_("For the whole network")), url_for("knowledge.new", from_template=page.id))
        )
    for m in user_memberships(actor.id):
        if m.role in access.EDITOR_ROLES and (
            page.association_id is None or page.association_id == m.association_id
        ):
            association = get_association(m.association_id)
            if association is not None:
                targets.append(
                    (
                        association.name,
                        url_for(
                            "knowledge.new_for_association",
                            association_id=m.association_id,
                            from_template=page.id,
                        ),
                    )
                )
    return targets


@bp.route("/library/pages/<int:page_id>")
def show(page_id: int) -> str:
    actor = get_current_user()
    page = access.access_page(actor, page_id)
    label = registry().expert_domain_label
    return render_template(
        "knowledge/show.html",
        page=page,
        expert_domain=(
            label(page.expert_domain) if label and page.expert_domain else page.expert_domain
        ),
        can_edit=access.may_write(actor, page.association_id),
        template_targets=_template_targets(actor, page),
    )


@bp.route("/library/pages/<int:page_id>/history")
def history(page_id: int) -> str:
    page = access.access_page(get_current_user(), page_id)
    revisions = queries.revisions(page)
    newest = revisions[0].number if revisions else 1
    new = request.args.get("to", newest, type=int) or newest
    old = request.args.get("from", max(1, new - 1), type=int) or 1
    diff = queries.diff_revisions(page, old, new) if len(revisions) > 1 else None
    return render_template("knowledge/history.html", page=page, revisions=revisions, diff=diff)


def _editor(
    form: PageForm,
    *,
    page: KnowledgePage | None,
    association_id: int | None,
    status: int = 200,
    preview: str | None = None,
) -> ResponseReturnValue:
    return render_template(
        "knowledge/edit.html",
        form=form,
        page=page,
        association=get_association(association_id) if association_id else None,
        preview=preview,
        templates=queries.templates(get_current_user()) if page is None else [],
        directions=DIRECTIONS,
        direction_labels=DIRECTION_LABELS,
    ), status


def _preview(form: PageForm) -> str:
    """The text as it will read, not saved."""
    return str(render_markdown(form.body.data or ""))


def _new(association_id: int | None) -> ResponseReturnValue:
    actor = require_user()
    if association_id is not None and get_association(association_id) is None:
        abort(404)
    if not access.may_write(actor, association_id):
        abort(403)
    if request.method == "GET":
        template_id = request.args.get("from_template", type=int)
        chosen = next((t for t in queries.templates(actor) if t.id == template_id), None)
        if template_id is not None and chosen is None:
            abort(404)
        model = (
            {key: getattr(chosen, key) for key in ("title", "body", "lang", "direction")}
            if chosen is not None
            else {}
        )
        return _editor(PageForm(data=model), page=None, association_id=association_id)
    form = PageForm()
    if "preview" in request.form:
        return _editor(form, page=None, association_id=association_id, preview=_preview(form))
    created = submit(form, lambda: services.create_page(actor, association_id, form.changes))
    if created and created.value is not None:
        flash(_("Page published."), "success")
        return redirect(url_for("knowledge.show", page_id=created.value.id), code=303)
    return _editor(
        form, page=None, association_id=association_id, status=form_status(form, created)
    )


@bp.route("/library/pages/new", methods=["GET", "POST"])
@rate_limit("knowledge_write", methods=["POST"])
@login_required
def new() -> ResponseReturnValue:
    """A network-wide page (platform administrators)."""
    return _new(None)


@bp.route("/associations/<int:association_id>/library/pages/new", methods=["GET", "POST"])
@rate_limit("knowledge_write", methods=["POST"])
@login_required
def new_for_association(association_id: int) -> ResponseReturnValue:
    """A page of the association (its administrators and coordinators)."""
    return _new(association_id)


@bp.route("/library/pages/<int:page_id>/edit", methods=["GET", "POST"])
@rate_limit("knowledge_write", methods=["POST"])
@login_required
def edit(page_id: int) -> ResponseReturnValue:
    actor = require_user()
    page = access.access_page(actor, page_id, "edit")
    if request.method == "GET":
        return _editor(PageEditForm(obj=page), page=page, association_id=page.association_id)
    form = PageEditForm()
    if "preview" in request.form:
        return _editor(form, page=page, association_id=page.association_id, preview=_preview(form))
    saved = submit(
        form,
        lambda: services.update_page(
            actor, page, form.changes, expected_version(form.version.data)
        ),
    )
    if saved and saved.ok:
        flash(_("Page saved."), "success")
        return redirect(url_for("knowledge.show", page_id=page.id), code=303)
    if saved and saved.conflict:
        # saved by someone else: keep this text, show theirs is newer
        form.version.errors = [_("Your text is kept below; copy what you need, then reload.")]
    page = access.access_page(actor, page_id, "edit")  # as stored: the refused edit undone
    return _editor(
        form, page=page, association_id=page.association_id, status=form_status(form, saved)
    )
