"""Library pages: the network library, an association's library (by kind, upload form,
overdue block), a document page (versions, preview, consent) and the legal calendar with
authorisations. They work without JavaScript."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.accounts.auth import get_current_user, login_required, require_user
from app.db import utcnow
from app.edge import attempt, form_action, form_status, submit
from app.limits import rate_limit
from directory import get_association, user_memberships
from library import access, services
from library.forms import AuthorizationForm, ConsentForm, DocumentForm, VersionForm, VisibilityForm
from library.handover import build_pack, pack_document
from library.knowledge.access import may_write as may_write_pages
from library.labels import (
    AUTHORIZATION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
    obligation_label,
)
from library.models import UPLOAD_KINDS, VISIBILITIES
from library.queries import authorizations_of, documents_of, obligations_of, overdue_of
from library.search import matches
from library.serialize import serialize_authorization
from library.sniff import IMAGES, PDF, PLAYABLE
from library.uploads import uploaded_file

bp = Blueprint(
    "library",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/library",
)


def _labels() -> dict[str, Any]:
    return {
        "obligation_label": obligation_label,
        "kind_labels": KIND_LABELS,
        "visibility_labels": VISIBILITY_LABELS,
        "authorization_labels": AUTHORIZATION_LABELS,
        "status_labels": STATUS_LABELS,
        "kinds": UPLOAD_KINDS,
        "visibilities": VISIBILITIES,
    }


@bp.route("/library")
def index() -> ResponseReturnValue:
    actor = get_current_user()
    mine = user_memberships(actor.id) if actor else []
    return render_template(
        "library/index.html", mine=mine, documents=documents_of(actor, None), **_labels()
    )


@bp.route("/associations/<int:association_id>/library", methods=["GET", "POST"])
@rate_limit("library_write", methods=["POST"])
def association_library(association_id: int) -> ResponseReturnValue:
    actor = get_current_user()
    access.access_library(actor, association_id)
    form = DocumentForm()
    added = None
    if request.method == "POST":
        user = require_user()
        access.access_library(user, association_id, "manage")
        added = submit(
            form,
            lambda: services.create_document(user, association_id, form.changes, *uploaded_file()),
        )
        if added and added.value is not None:
            flash(_("Document added."), "success")
            return redirect(url_for("library.document", document_id=added.value.id), code=303)
    today = utcnow().date()
    query = request.args.get("q", "").strip()[:200]
    docs = [d for d in documents_of(actor, association_id) if matches(d, query)]
    by_kind: dict[str, list[Any]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, []).append(doc)
    member = actor is not None and (actor.is_admin or access.role_in(actor, association_id))
    can_manage = access.may_manage_association(actor, association_id)
    return render_template(
        "library/association.html",
        association=get_association(association_id),
        by_kind=by_kind,
        can_manage=can_manage,
        can_write_pages=may_write_pages(actor, association_id),
        is_member=member,
        query=query,
        pack=pack_document(association_id) if can_manage else None,
        overdue=overdue_of(association_id, today) if member else [],
        form=form,
        **_labels(),
    ), form_status(form, added)


@bp.route("/associations/<int:association_id>/library/handover", methods=["POST"])
@rate_limit("library_write")
@login_required
def handover(association_id: int) -> ResponseReturnValue:
    """Build the handover pack now (the association's administrators)."""
    actor = require_user()
    access.access_library(actor, association_id, "manage")
    built = attempt(lambda: build_pack(actor, association_id))
    if built.error is not None:
        raise built.error  # nothing was kept; the error page, as before
    assert built.value is not None
    flash(
        _("The handover pack is ready: the summary and every file, for the new board."), "success"
    )
    return redirect(url_for("library.document", document_id=built.value.id), code=303)


@bp.route("/library/documents/<int:document_id>", methods=["GET", "POST"])
@rate_limit("library_write", methods=["POST"])
def document(document_id: int) -> ResponseReturnValue:
    """A document's page; its managers post one of its forms (``action``: a new version, a
    consent, withdrawing one; none: who can see it)."""
    actor = get_current_user()
    doc = access.access_document(actor, document_id)
    version_form = VersionForm(formdata=None)
    visibility_form = VisibilityForm(formdata=None, visibility=doc.visibility)
    consent_form = ConsentForm(formdata=None)
    status = 200
    posted: FlaskForm
    if request.method == "POST":
        user = require_user()
        doc = access.access_document(user, document_id, "manage")
        action = request.form.get("action")
        if action == "withdraw":
            consent_id = request.form.get("consent_id", type=int) or 0
            form_action(
                lambda: services.withdraw_consent(doc, consent_id),
                _("Consent withdrawn: the item is now visible to administrators only."),
            )
            return redirect(url_for("library.document", document_id=doc.id), code=303)
        if action == "version":
            posted = version_form = VersionForm()
            saved = submit(posted, lambda: services.add_version(user, doc, *uploaded_file()))
            done = _("New version added.")
        elif action == "consent":
            posted = consent_form = ConsentForm()
            saved = submit(posted, lambda: services.add_consent(user, doc, consent_form.changes))
            done = _("Consent recorded.")
        else:
            posted = visibility_form = VisibilityForm()
            saved = submit(posted, lambda: services.update_document(doc, visibility_form.changes))
            done = _("Saved.")
        if saved and saved.ok:
            flash(done, "success")
            return redirect(url_for("library.document", document_id=doc.id), code=303)
        status = form_status(posted, saved)
        doc = access.access_document(user, document_id)  # as stored: the refused write undone
    can_manage = access.may_manage_association(actor, doc.association_id)
    current = doc.current
    return render_template(
        "library/document.html",
        doc=doc,
        current=current,
        can_manage=can_manage,
        is_image=current is not None and current.mime in IMAGES,
        is_pdf=current is not None and current.mime == PDF,
        is_video=current is not None and current.mime in PLAYABLE,
        association=get_association(doc.association_id) if doc.association_id else None,
        version_form=version_form,
        visibility_form=visibility_form,
        consent_form=consent_form,
        **_labels(),
    ), status


@bp.route("/associations/<int:association_id>/library/calendar", methods=["GET", "POST"])
@login_required
@rate_limit("library_write", methods=["POST"])
def calendar(association_id: int) -> ResponseReturnValue:
    """The legal calendar and the authorisations; the association's managers close an
    obligation (``action=close``, a button) or record an authorisation (the form)."""
    actor = require_user()
    access.access_calendar(actor, association_id)
    can_manage = access.may_manage_association(actor, association_id)
    form = AuthorizationForm()
    status = 200
    if request.method == "POST":
        access.access_library(actor, association_id, "manage")
        if request.form.get("action") == "close":
            ob = access.access_obligation(actor, request.form.get("obligation_id", type=int) or 0)
            document_id = request.form.get("document_id", type=int)
            form_action(lambda: services.close_obligation(ob, document_id), _("Obligation closed."))
            return redirect(url_for("library.calendar", association_id=association_id), code=303)
        recorded = submit(form, lambda: services.create_authorization(association_id, form.changes))
        if recorded and recorded.ok:
            flash(_("Authorisation recorded."), "success")
            return redirect(url_for("library.calendar", association_id=association_id), code=303)
        status = form_status(form, recorded)
    today = utcnow().date()
    obligations = [(o, o.state(today)) for o in obligations_of(association_id)]
    authorizations = [serialize_authorization(a) for a in authorizations_of(association_id)]
    documents = documents_of(actor, association_id)
    form.offer_documents(documents)
    return render_template(
        "library/calendar.html",
        association=get_association(association_id),
        obligations=obligations,
        authorizations=authorizations,
        documents=documents,
        can_manage=can_manage,
        form=form,
        **_labels(),
    ), status
