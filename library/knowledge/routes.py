"""HTML pages of knowledge pages: the list, a page, its history with a word-level diff."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.accounts.auth import get_current_user
from app.api import paginate
from library.knowledge import access, services

bp = Blueprint("knowledge", __name__, template_folder="templates", url_prefix="/library/pages")


@bp.route("/")
def index() -> str:
    page_number = request.args.get("page", 1, type=int) or 1
    page = paginate(access.visible_pages(get_current_user()), max(1, min(page_number, 10_000)), 30)
    return render_template("knowledge/list.html", page=page)


@bp.route("/<int:page_id>")
def show(page_id: int) -> str:
    actor = get_current_user()
    page = access.access_page(actor, page_id)
    return render_template(
        "knowledge/show.html", page=page, can_edit=access.may_write(actor, page.association_id)
    )


@bp.route("/<int:page_id>/history")
def history(page_id: int) -> str:
    page = access.access_page(get_current_user(), page_id)
    revisions = services.revisions(page)
    newest = revisions[0].number if revisions else 1
    new = request.args.get("to", newest, type=int) or newest
    old = request.args.get("from", max(1, new - 1), type=int) or 1
    diff = services.diff_revisions(page, old, new) if len(revisions) > 1 else None
    return render_template("knowledge/history.html", page=page, revisions=revisions, diff=diff)
