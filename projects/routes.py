"""Project pages: list, new, project page (timeline, milestones, activities, comments,
history), month calendar, history, personal calendar feed. They work without JavaScript;
``static/projects.js`` adds live updates."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import MAX_PAGE, ApiError, expected_version, paginate
from app.db import utcnow
from app.edge import SchemaForm, attempt, form_action, form_status, submit
from app.i18n import local_day, local_today, text_direction
from app.limits import rate_limit
from directory import user_memberships
from library import activity_report_url
from projects import access, feeds, history, logic, queries, serialize, services
from projects.forms import (
    ActivityForm,
    CommentForm,
    MilestoneEditForm,
    MilestoneForm,
    ProjectEditForm,
    ProjectForm,
)
from projects.models import PROJECT_STATUSES, VISIBILITIES, Activity, Milestone, Project
from projects.timeline import Chart, Row, build_chart, build_svg

bp = Blueprint(
    "projects",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/projects",
)

STATUS_LABELS = {
    "planned": lambda: _("Planned"),
    "in_progress": lambda: _("In progress"),
    "done": lambda: _("Done"),
    "cancelled": lambda: _("Cancelled"),
}


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return label() if label else status


def visibility_label(value: str) -> str:
    return str(
        {
            "public": _("Public"),
            "network": _("Signed-in people"),
            "members": _("Members of the associations"),
        }.get(value, value)
    )


def project_status_label(value: str) -> str:
    return str(
        {
            "planned": _("Planned"),
            "active": _("Active"),
            "completed": _("Completed"),
            "cancelled": _("Cancelled"),
        }.get(value, value)
    )


@bp.app_template_filter("project_status")
def _project_status(status: str) -> str:
    return project_status_label(status)


@bp.app_template_filter("milestone_status")
def _milestone_status(status: str) -> str:
    return status_label(status)


def _flash_error(error: ApiError) -> None:
    parts = [error.message or _("Some fields are not valid.")]
    for name, messages in error.fields.items():
        text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        parts.append(f"{name}: {text}")
    flash(" — ".join(parts), "error")


def _back(project_id: int, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("projects.show_project", project_id=project_id) + anchor, code=303)


def timeline_rows(project: Project) -> list[Row]:
    """The timeline's rows: the milestones, then the activities (on the reader's days)."""
    today = local_today()
    rows = []
    for m in project.milestones:
        flags = serialize.milestone_flags(m, today)
        rows.append(
            Row(
                kind="milestone",
                id=m.id,
                label=m.title,
                start=logic.effective_start(m.starts_on, m.due_on),
                end=m.due_on,
                progress=logic.effective_progress(m.status, m.progress),
                status=m.status,
                overdue=flags["overdue"],
                due_soon=flags["due_soon"],
            )
        )
    for a in project.activities:
        rows.append(
            Row(
                kind="activity",
                id=a.id,
                label=a.title,
                start=local_day(a.starts_at),
                end=local_day(a.ends_at),
                status="activity",
            )
        )
    return rows


def timeline_svg(project: Project, rtl: bool) -> str:
    """The timeline as one SVG document (``timeline.svg``, for clients)."""
    return build_svg(
        timeline_rows(project),
        start=project.starts_on,
        end=project.ends_on,
        today=local_today(),
        rtl=rtl,
        title=_("Timeline of %(title)s", title=project.title),
        today_label=_("Today"),
        month_label=lambda d: format_date(d, "MMM yyyy"),
    )


#: the icon beside each state's name in the timeline (never the colour alone)
TIMELINE_ICONS = {
    "planned": "circle",
    "in_progress": "hourglass-split",
    "done": "check-circle-fill",
    "cancelled": "x-circle",
    "overdue": "exclamation-triangle-fill",
    "activity": "calendar-event",
}


def _column_label(first: dt.date, last: dt.date, months: int) -> str:
    """Full month names in the page's language; years for long spans."""
    pattern = "LLLL" if months < 12 else "y"
    if months in (1, 12):
        return str(format_date(first, pattern))
    return f"{format_date(first, pattern)} – {format_date(last, pattern)}"


def _dates_label(row: Row) -> str:
    """A row's dates as a sentence (read by screen readers beside the bar)."""
    start, end = format_date(row.start, "long"), format_date(row.end, "long")
    if start == end:
        return str(_("On %(date)s", date=start))
    return str(_("From %(start)s to %(end)s", start=start, end=end))


def timeline_chart(project: Project, rtl: bool) -> Chart:
    """The project page's timeline table."""
    return build_chart(
        timeline_rows(project),
        start=project.starts_on,
        end=project.ends_on,
        today=local_today(),
        rtl=rtl,
        column_label=_column_label,
        year_label=lambda d: format_date(d, "y"),
        dates_label=_dates_label,
    )


@bp.context_processor
def _date_bounds() -> dict[str, Any]:
    """``min``/``max`` of the date inputs: the window the API schemas accept."""
    low, high = logic.date_window(local_today())
    return {"date_min": low.isoformat(), "date_max": high.isoformat()}


def _rtl() -> bool:
    return text_direction(str(get_locale())) == "rtl"


# ------------------------------------------------------------------ pages


@bp.route("/projects")
def list_projects() -> ResponseReturnValue:
    page_no = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
    user = get_current_user()
    page = paginate(access.visible_projects(user), page_no, 20)
    items = [(p, serialize.project_progress(p)) for p in page["items"]]
    can_create = user is not None and (user.is_admin or bool(queries.editable_associations(user)))
    return render_template(
        "projects/list.html",
        items=items,
        page=page,
        can_create=can_create,
        visibility_label=visibility_label,
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
@rate_limit("project_write", methods=["POST"])
def new_project() -> ResponseReturnValue:
    actor = require_user()
    choices = queries.editable_associations(actor)
    form = ProjectForm()
    created = submit(form, lambda: services.create_project(actor, form.changes))
    if created and created.value is not None:
        flash(_("Project created."), "success")
        return redirect(url_for("projects.show_project", project_id=created.value.id), code=303)
    return render_template(
        "projects/new.html",
        choices=choices,
        visibilities=VISIBILITIES,
        visibility_label=visibility_label,
        form=form,
        # each field's reasons, the form's own under "_"
        errors={name or "_": list(reasons) for name, reasons in form.errors.items()},
    ), form_status(form, created)


def _live_context(project: Project, draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the live parts of the project page (progress, timeline, milestones, activities)
    are drawn from, for the page and for :func:`live_parts` alike."""
    user = get_current_user()
    can = access.abilities(user, project)
    data = serialize.serialize_project(
        project, known=queries.project_associations([project]), full=True
    )
    staff_of = (
        {m.association_id for m in user_memberships(user.id) if m.role in access.EDITOR_ROLES}
        if user is not None
        else set()
    )
    reporter = next((aid for aid in project.association_ids if aid in staff_of), None)
    now = utcnow()
    report_links = (
        {
            a.id: activity_report_url(
                reporter, activity_id=a.id, title=a.title, held_on=local_day(a.starts_at)
            )
            for a in project.activities
            if a.ends_at <= now
        }
        if reporter is not None
        else {}
    )
    return {
        "project": project,
        "data": data,
        "can": can,
        "staff_of": staff_of,
        "report_links": report_links,
        "timeline": timeline_chart(project, _rtl()),
        "timeline_icons": TIMELINE_ICONS,
        "statuses": logic.STATUSES,
        "milestones_by_id": {m.id: m for m in project.milestones},
        "draft": draft or {"form": None, "values": {}},
        #: the item just saved (``?saved=milestone-3``): its confirmation is shown beside it
        "saved": request.args.get("saved"),
    }


F = TypeVar("F", MilestoneForm, ActivityForm)


def _with_milestones(form: F, data: dict[str, Any]) -> F:
    """The form's choice of the project's milestones (an activity's may be none)."""
    form.offer_milestones([(str(m["id"]), m["title"]) for m in data["milestones"]])
    return form


def render_project(
    project: Project,
    *,
    status: int = 200,
    draft: dict[str, Any] | None = None,
    forms: dict[str, SchemaForm] | None = None,
) -> ResponseReturnValue:
    """The project page; ``draft`` keeps a refused form's input (``{"form": "milestone-3" or
    "project", "values": {...}}``) so that nothing the editor typed is lost; ``forms``: a
    refused new milestone, activity or comment (``{"milestone": form}``), shown open with its
    reasons."""
    live = _live_context(project, draft)
    forms = forms or {}
    data, can, staff_of = live["data"], live["can"], live["staff_of"]
    return render_template(
        "projects/show.html",
        **live,
        comments=queries.comments(project),
        history=history.sentences(project, history.changes(project, limit=15)),
        visibilities=VISIBILITIES,
        visibility_label=visibility_label,
        project_statuses=PROJECT_STATUSES,
        answerable=[a for a in data["invitations"] if a["id"] in staff_of],
        leavable=[a for a in data["associations"] if a["id"] in staff_of and can["edit"]]
        if len(data["associations"]) > 1
        else [],
        milestone_form=_with_milestones(
            forms.get("milestone") or MilestoneForm(formdata=None), data
        ),
        activity_form=_with_milestones(forms.get("activity") or ActivityForm(formdata=None), data),
        comment_form=forms.get("comment") or CommentForm(formdata=None),
    ), status


@bp.route("/projects/<int:project_id>/live")
def live_parts(project_id: int) -> ResponseReturnValue:
    """The page's live parts as the page draws them, for ``projects.js`` after a push:
    ``{progress, parts: {timeline, milestones, activities}}`` (the reader's language, and
    the forms this reader may use)."""
    live = _live_context(access.access_project(get_current_user(), project_id))
    parts = {
        name: render_template(f"projects/_{name}.html", **live)
        for name in ("timeline", "milestones", "activities")
    }
    return jsonify(progress=live["data"]["progress"], parts=parts)


@bp.route("/projects/<int:project_id>")
def show_project(project_id: int) -> ResponseReturnValue:
    return render_project(access.access_project(get_current_user(), project_id))


def _conflict_page(project: Project, form: str, error: ApiError) -> ResponseReturnValue:  # noqa: ARG001
    """409: the page again with the editor's input kept and a clear message (the refused write
    was rolled back by its ``attempt``: the page reads what is stored now)."""
    flash(
        _(
            "Someone else saved this in the meantime: the page now shows their version above "
            "and keeps your input in the form. Check it and save again to apply yours."
        ),
        "error",
    )
    values = {
        k: request.form.getlist(k) if k == "depends_on" else v for k, v in request.form.items()
    }
    project = queries.stored_project(get_current_user(), project.id)
    return render_project(project, status=409, draft={"form": form, "values": values})


@bp.route("/projects/<int:project_id>/timeline.svg")
def timeline(project_id: int) -> ResponseReturnValue:
    """The timeline alone (``?dir=rtl`` mirrors it)."""
    project = access.access_project(get_current_user(), project_id)
    rtl = request.args.get("dir", "rtl" if _rtl() else "ltr") == "rtl"
    return Response(timeline_svg(project, rtl), mimetype="image/svg+xml")


@bp.route("/projects/<int:project_id>/edit", methods=["POST"])
@login_required
def edit_project(project_id: int) -> ResponseReturnValue:
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    form = ProjectEditForm()
    saved = submit(
        form,
        lambda: services.update_project(
            actor, project, form.changes, expected_version(request.form.get("version"))
        ),
    )
    if saved and saved.ok:
        flash(_("Project saved."), "success")
        return _back(project_id)
    if saved and saved.conflict:
        return _conflict_page(project, "project", saved.conflict)
    # refused: the page again, the edit form open with the reasons beside its fields
    return render_project(queries.stored_project(actor, project_id), status=422, draft=form.draft())


@bp.route("/projects/<int:project_id>/invitations/<int:association_id>", methods=["POST"])
@login_required
def answer_invitation(project_id: int, association_id: int) -> ResponseReturnValue:
    """Accept (``action=accept``) or decline the invitation of an association to co-own."""
    actor = require_user()
    project = access.access_invitation(actor, project_id, association_id)
    accept = request.form.get("action") == "accept"
    answered = attempt(
        lambda: services.answer_invitation(actor, project, association_id, accept=accept)
    )
    if answered.error is not None:
        if answered.error.code in (401, 404):
            raise answered.error
        _flash_error(answered.error)
        return _back(project_id, "#owners")
    flash(_("Invitation accepted.") if accept else _("Invitation declined."), "success")
    if not accept:
        return redirect(url_for("projects.list_projects"), code=303)
    return _back(project_id, "#owners")


@bp.route("/projects/<int:project_id>/leave", methods=["POST"])
@login_required
def leave_project(project_id: int) -> ResponseReturnValue:
    """An owning association (its admin or coordinator) leaves the project."""
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    association_id = request.form.get("association_id", type=int) or 0
    left = attempt(lambda: services.leave_project(actor, project, association_id))
    if left.error is not None:
        _flash_error(left.error)
        return _back(project_id, "#owners")
    flash(_("Your association left the project."), "success")
    return redirect(url_for("projects.list_projects"), code=303)


def _refused_form(project: Project, name: str, form: SchemaForm) -> ResponseReturnValue:
    """422: the project page again, the refused form open with each reason beside its field
    and the input kept (the form's action names its place on the page: the browser shows it
    there). The refused write was rolled back: the page reads what is stored now."""
    project = queries.stored_project(get_current_user(), project.id)
    return render_project(project, status=422, forms={name: form})


def _saved(project_id: int, item: str) -> ResponseReturnValue:
    """Back to the project page at the item just saved, its confirmation shown beside it
    (issue 13: a confirmation at the top of the page was out of view)."""
    return redirect(
        url_for("projects.show_project", project_id=project_id, saved=item) + f"#{item}",
        code=303,
    )


@bp.route("/projects/<int:project_id>/milestones", methods=["POST"])
@login_required
@rate_limit("project_write")
def add_milestone(project_id: int) -> ResponseReturnValue:
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    form = MilestoneForm()
    added = submit(form, lambda: services.add_milestone(actor, project, form.changes))
    if added and added.value is not None:
        return _saved(project_id, f"milestone-{added.value.id}")
    return _refused_form(project, "milestone", form)


@bp.route("/milestones/<int:milestone_id>/update", methods=["POST"])
@login_required
def update_milestone(milestone_id: int) -> ResponseReturnValue:
    actor = require_user()
    milestone = access.access_milestone(actor, milestone_id, "edit")
    project_id = milestone.project_id
    form = MilestoneEditForm()
    saved = submit(
        form,
        lambda: services.update_milestone(
            actor, milestone, form.changes, expected_version(request.form.get("version"))
        ),
    )
    if saved and saved.ok:
        return _saved(project_id, f"milestone-{milestone_id}")
    if saved and saved.conflict:
        return _conflict_page(milestone.project, f"milestone-{milestone_id}", saved.conflict)
    # refused: the page again, this milestone's form open with the reasons beside its fields
    project = queries.stored_project(actor, project_id)
    return render_project(project, status=422, draft=form.draft(milestone_id))


@bp.route("/milestones/<int:milestone_id>/delete", methods=["POST"])
@login_required
def delete_milestone(milestone_id: int) -> ResponseReturnValue:
    actor = require_user()
    milestone = access.access_milestone(actor, milestone_id, "edit")
    project_id = milestone.project_id
    form_action(lambda: services.delete_milestone(actor, milestone), _("Milestone deleted."))
    return _back(project_id)


@bp.route("/projects/<int:project_id>/activities", methods=["POST"])
@login_required
@rate_limit("project_write")
def add_activity(project_id: int) -> ResponseReturnValue:
    actor = require_user()
    project = access.access_project(actor, project_id, "edit")
    form = ActivityForm()
    added = submit(form, lambda: services.add_activity(actor, project, form.changes))
    if added and added.value is not None:
        return _saved(project_id, f"activity-{added.value.id}")
    return _refused_form(project, "activity", form)


@bp.route("/activities/<int:activity_id>/delete", methods=["POST"])
@login_required
def delete_activity(activity_id: int) -> ResponseReturnValue:
    actor = require_user()
    activity = access.access_activity(actor, activity_id, "edit")
    project_id = activity.project_id
    form_action(lambda: services.delete_activity(actor, activity), _("Activity deleted."))
    return _back(project_id)


@bp.route("/projects/<int:project_id>/comments", methods=["POST"])
@login_required
@rate_limit("project_write")
def add_comment(project_id: int) -> ResponseReturnValue:
    actor = require_user()
    project = access.access_project(actor, project_id, "comment")
    form = CommentForm()
    added = submit(
        form, lambda: services.add_comment(actor, project, form.changes["body"]), whole="body"
    )
    if added and added.value is not None:
        return _back(project_id, f"#comment-{added.value.id}")
    return _refused_form(project, "comment", form)


@bp.route("/projects/<int:project_id>/calendar")
def project_calendar(project_id: int) -> ResponseReturnValue:
    """Month view of the project's activities and milestone due dates."""
    project = access.access_project(get_current_user(), project_id)
    year, month = logic.parse_month(request.args.get("month"), local_today())
    grid = logic.month_grid(year, month)
    first = dt.date(year, month, 1)
    by_day: dict[dt.date, list[tuple[str, Any]]] = {}
    shown = [day for week in grid for day in week if day is not None]
    for a in project.activities:
        # only the days of the shown month: the work is the same for a one-day activity and
        # one stored from year 1 to 9999
        for day in logic.clip_days(
            local_day(a.starts_at), local_day(a.ends_at), shown[0], shown[-1]
        ):
            by_day.setdefault(day, []).append(("activity", a))
    for m in project.milestones:
        by_day.setdefault(m.due_on, []).append(("milestone", m))
    prev_y, prev_m = logic.shift_month(year, month, -1)
    next_y, next_m = logic.shift_month(year, month, 1)
    weekdays = [format_date(dt.date(2024, 1, 1) + dt.timedelta(days=i), "EEE") for i in range(7)]
    return render_template(
        "projects/calendar.html",
        project=project,
        grid=grid,
        by_day=by_day,
        month_title=format_date(first, "MMMM yyyy"),
        prev_month=f"{prev_y:04d}-{prev_m:02d}",
        next_month=f"{next_y:04d}-{next_m:02d}",
        weekdays=weekdays,
        today=local_today(),
    )


@bp.route("/projects/<int:project_id>/history")
def project_history(project_id: int) -> ResponseReturnValue:
    project = access.access_project(get_current_user(), project_id)
    return render_template(
        "projects/history.html",
        project=project,
        history=history.sentences(project, history.changes(project, limit=500)),
    )


@bp.route("/projects/calendar-feed", methods=["GET", "POST"])
@login_required
def calendar_feed() -> ResponseReturnValue:
    """The personal secret calendar URL: create/replace it or revoke it."""
    user = require_user()
    url = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            form_action(lambda: feeds.revoke_feed(user), _("Your calendar link was revoked."))
        else:
            made = attempt(lambda: feeds.regenerate_feed(user))
            if made.error is not None:
                flash(made.error.message or "", "error")
            elif made.value is not None:
                url = feeds.feed_url(made.value)
    return render_template("projects/feed.html", url=url, active=feeds.feed_of(user) is not None)


__all__ = ["Activity", "Milestone", "bp"]
