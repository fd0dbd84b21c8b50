"""Everything that changes volunteering's state. Each function takes an explicit ``actor``,
checks what that actor may do (403 when they see the object but may not change it), flushes
and never commits: the page, API endpoint or job around it is the one transaction.

Places are taken by one conditional ``UPDATE ... WHERE taken < capacity`` (a role's quota at
acceptance, a shift's capacity at sign-up): of many racing requests exactly as many as there
are places win, the others answer 409 ``full`` and keep nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.api import ApiError, invalid
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.privacy import read_personal
from app.text import clean_text
from directory import City, Region, association_member_ids, get_association
from volunteering.access import MANAGER_ROLES, manages
from volunteering.contracts import check_confirmable
from volunteering.models import (
    ADULT_AGE,
    LANGUAGES,
    QUOTA_MAX,
    ROLES_MAX,
    SHIFTS_MAX,
    SKILLS,
    Application,
    Certificate,
    Hours,
    Opportunity,
    Role,
    Shift,
    Signup,
    VolunteerProfile,
)
from volunteering.queries import profile_of, verified_hours_of
from volunteering.rules import RULES, refuse

#: An application unanswered this long reminds the coordinators, then is declined politely.
REMIND_AFTER = dt.timedelta(days=7)
DECLINE_AFTER = dt.timedelta(days=14)
#: An open opportunity without activity this long closes.
INACTIVE_AFTER = dt.timedelta(days=90)
#: A no-show may be marked from the shift's start until this long after its end.
NO_SHOW_WINDOW = dt.timedelta(hours=24)
#: Check-in opens this long before a shift starts.
CHECK_IN_EARLY = dt.timedelta(hours=1)
#: Reminders before a shift: (how long before, the sign-up's column that records it).
SHIFT_REMINDERS = ((48, "reminded_48_at"), (24, "reminded_24_at"))
#: Hours entered by hand: at most one day per entry, and not older than this.
MANUAL_HOURS_MAX_AGE = dt.timedelta(days=365)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone
CODE_LENGTH = 12


def opportunity_path(opportunity_id: int) -> str:
    return f"/volunteering/{opportunity_id}"


def _forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def manager_only() -> str:
    return str(_("Only the association's coordinators and administrators may do this."))


def _require_manager(actor: User, association_id: int) -> None:
    if not manages(actor, association_id):
        raise _forbidden(manager_only())


def _touch(opportunity: Opportunity, now: dt.datetime | None = None) -> None:
    opportunity.last_activity_at = now or utcnow()


# --- profiles ---------------------------------------------------------------------------------


def save_profile(actor: User, data: dict[str, Any]) -> VolunteerProfile:
    """Create or update the actor's volunteer profile (only the fields given)."""
    profile = profile_of(actor.id)
    if profile is None:
        profile = VolunteerProfile(user_id=actor.id, skills=[], languages=[], region_ids=[])
        if not insert_once(profile):  # a twin request created it meanwhile
            profile = profile_of(actor.id)
            assert profile is not None
    fields: dict[str, list[str]] = {}
    if "skills" in data:
        bad = [s for s in data["skills"] if s not in SKILLS]
        if bad:
            fields["skills"] = [_("Unknown skill.")]
        profile.skills = list(dict.fromkeys(data["skills"]))
    if "languages" in data:
        if any(code not in LANGUAGES for code in data["languages"]):
            fields["languages"] = [_("Unknown language.")]
        profile.languages = list(dict.fromkeys(data["languages"]))
    if "region_ids" in data:
        wanted = list(dict.fromkeys(int(r) for r in data["region_ids"]))
        known = set(db.session.scalars(select(Region.id).where(Region.id.in_(wanted))))
        if set(wanted) - known:
            fields["region_ids"] = [_("Unknown region.")]
        profile.region_ids = wanted
    if "availability" in data:
        profile.availability = clean_text(data["availability"] or "").strip()
    if "visibility" in data:
        profile.visibility = data["visibility"]
    if "birth_year" in data:
        year = data["birth_year"]
        this_year = utcnow().year
        if year is not None and not (this_year - 100 <= year <= this_year - 10):
            fields["birth_year"] = [
                _("Give a birth year between %(a)d and %(b)d.", a=this_year - 100, b=this_year - 10)
            ]
        profile.birth_year = year
    if "adult_declared" in data:
        profile.adult_declared = bool(data["adult_declared"])
    if "emergency_contact" in data:
        contact = clean_text(data["emergency_contact"] or "").strip()
        profile.emergency_contact = contact or None
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    db.session.flush()
    return profile


def age_floor(profile: VolunteerProfile | None, on: dt.date) -> int | None:
    """The age the volunteer has surely reached on ``on``: from the birth year (one less, the
    birthday may be later in the year), or 18 for a declared adult; None when unknown."""
    if profile is None:
        return None
    ages = []
    if profile.birth_year is not None:
        ages.append(on.year - profile.birth_year - 1)
    if profile.adult_declared:
        ages.append(ADULT_AGE)
    return max(ages) if ages else None


def required_age(opportunity: Opportunity) -> int:
    return max(opportunity.min_age, ADULT_AGE if opportunity.contractual else 0)


def check_age(volunteer_id: int, opportunity: Opportunity) -> None:
    """Refuse (409 ``under_age``) a volunteer younger than the opportunity allows, or whose age
    is unknown when an age is required."""
    needed = required_age(opportunity)
    if needed <= 0:
        return
    age = age_floor(profile_of(volunteer_id), opportunity.starts_on)
    if age is None:
        raise ApiError(
            409,
            "age_unknown",
            _(
                "This opportunity needs volunteers aged %(n)d or more: give a birth year in the "
                "volunteer profile first.",
                n=needed,
            ),
        )
    if age < needed:
        if opportunity.contractual and age < ADULT_AGE:
            message = _("Contractual volunteering is for volunteers aged 18 or more.")
        else:
            message = _("This opportunity is for volunteers aged %(n)d or more.", n=needed)
        raise ApiError(409, "under_age", message)


def emergency_contact(
    actor: User, application: Application, opportunity: Opportunity, purpose: str
) -> str | None:
    """The emergency contact of an accepted volunteer, for the opportunity's managers; the read
    is logged with its purpose."""
    _require_manager(actor, opportunity.association_id)
    if application.status != "accepted":
        raise ApiError(
            409, "conflict", _("Only an accepted volunteer's emergency contact may be read.")
        )
    profile = profile_of(application.volunteer_id)
    if profile is None:
        return None
    value: str | None = read_personal(actor, profile, ["emergency_contact"], purpose)[
        "emergency_contact"
    ]
    return value


# --- opportunities ----------------------------------------------------------------------------


def check_text(title: str, description: str) -> list[Any]:
    return RULES.check(f"{title}\n{description}")


def _place(data: dict[str, Any], fields: dict[str, list[str]]) -> tuple[int | None, int | None]:
    city_id = data.get("city_id")
    if city_id is None:
        if not data.get("remote"):
            fields["city_id"] = [_("Choose a city, or say the opportunity is remote.")]
        return None, None
    city = db.session.get(City, city_id)
    if city is None:
        fields["city_id"] = [_("Unknown city.")]
        return None, None
    return city.id, city.province_id


def publish(actor: User, data: dict[str, Any]) -> Opportunity:
    """A call for volunteers by one of the actor's associations, with its roles and shifts;
    refused as a whole (422 ``volunteering_rules``) when its text breaks the rules."""
    association = get_association(data["association_id"])
    if association is None or association.status != "approved":
        raise invalid(_("Choose an approved association."), "association_id")
    _require_manager(actor, association.id)
    title = clean_text(data.get("title") or "").strip()
    description = clean_text(data.get("description") or "").strip()
    fields: dict[str, list[str]] = {}
    if not title:
        fields["title"] = [_("Required.")]
    if not description:
        fields["description"] = [_("Required.")]
    if any(s not in SKILLS for s in data.get("skills", [])):
        fields["skills"] = [_("Unknown skill.")]
    city_id, province_id = _place(data, fields)
    starts_on, ends_on = data["starts_on"], data["ends_on"]
    if ends_on < starts_on:
        fields["ends_on"] = [_("The end comes after the start.")]
    if ends_on < utcnow().date():
        fields["ends_on"] = [_("This date has passed.")]
    contractual = bool(data.get("contractual"))
    min_age = int(data.get("min_age", ADULT_AGE))
    if contractual and min_age < ADULT_AGE:
        min_age = ADULT_AGE  # law 06-18: contractual volunteers are adults
    roles = data.get("roles") or []
    shifts = data.get("shifts") or []
    if not roles:
        fields["roles"] = [_("Add at least one role.")]
    if len(roles) > ROLES_MAX:
        fields["roles"] = [_("At most %(n)d roles.", n=ROLES_MAX)]
    if len(shifts) > SHIFTS_MAX:
        fields["shifts"] = [_("At most %(n)d shifts.", n=SHIFTS_MAX)]
    for role in roles:
        if (
            not clean_text(role.get("title") or "").strip()
            or not 1 <= role.get("quota", 0) <= QUOTA_MAX
        ):
            fields["roles"] = [
                _("Each role needs a title and a quota between 1 and %(n)d.", n=QUOTA_MAX)
            ]
    for shift in shifts:
        if shift["ends_at"] <= shift["starts_at"] or not 1 <= shift.get("capacity", 0) <= QUOTA_MAX:
            fields["shifts"] = [
                _(
                    "Each shift ends after it starts and holds between 1 and %(n)d volunteers.",
                    n=QUOTA_MAX,
                )
            ]
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    hits = check_text(title, description)
    if hits:
        raise refuse(hits)
    opportunity = Opportunity(
        association_id=association.id,
        author_id=actor.id,
        title=title,
        description=description,
        skills=list(dict.fromkeys(data.get("skills", []))),
        city_id=city_id,
        province_id=province_id,
        remote=bool(data.get("remote")),
        starts_on=starts_on,
        ends_on=ends_on,
        min_age=min_age,
        contractual=contractual,
        status="open",
    )
    db.session.add(opportunity)
    db.session.flush()
    for role in roles:
        db.session.add(
            Role(
                opportunity_id=opportunity.id,
                title=clean_text(role["title"]).strip(),
                quota=role["quota"],
            )
        )
    for shift in shifts:
        db.session.add(
            Shift(
                opportunity_id=opportunity.id,
                starts_at=shift["starts_at"],
                ends_at=shift["ends_at"],
                capacity=shift["capacity"],
            )
        )
    db.session.flush()
    return opportunity


def edit(actor: User, opportunity: Opportunity, data: dict[str, Any]) -> Opportunity:
    """Change an open opportunity: its text (checked by the rules again) and skills, its roles
    (a quota never below the places already given) and its shifts (a capacity never below the
    places taken; the times of a shift nobody took), add roles and shifts; or close it. All or
    nothing: any refusal changes nothing."""
    _require_manager(actor, opportunity.association_id)
    if opportunity.status != "open":
        raise ApiError(409, "closed", _("This opportunity is closed."))
    title = clean_text(data.get("title", opportunity.title)).strip()
    description = clean_text(data.get("description", opportunity.description)).strip()
    fields: dict[str, list[str]] = {
        k: [_("Required.")] for k, v in (("title", title), ("description", description)) if not v
    }
    if any(s not in SKILLS for s in data.get("skills", [])):
        fields["skills"] = [_("Unknown skill.")]
    roles, shifts = _edited_parts(opportunity, data, fields)
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    hits = check_text(title, description)
    if hits:
        raise refuse(hits)
    opportunity.title, opportunity.description = title, description
    if "skills" in data:
        opportunity.skills = list(dict.fromkeys(data["skills"]))
    for role, item in roles:
        _save_role(opportunity, role, item)
    for shift, item in shifts:
        _save_shift(opportunity, shift, item)
    if data.get("status") == "closed":
        close(opportunity, "closed", utcnow())
    else:
        _touch(opportunity)
    db.session.flush()
    return opportunity


def _edited_parts(
    opportunity: Opportunity, data: dict[str, Any], fields: dict[str, list[str]]
) -> tuple[list[tuple[Role | None, dict[str, Any]]], list[tuple[Shift | None, dict[str, Any]]]]:
    """The roles and shifts of an edit, each with its row (None: a new one), checked."""
    current_roles = {
        r.id: r
        for r in db.session.scalars(select(Role).where(Role.opportunity_id == opportunity.id))
    }
    current_shifts = {
        s.id: s
        for s in db.session.scalars(select(Shift).where(Shift.opportunity_id == opportunity.id))
    }
    roles: list[tuple[Role | None, dict[str, Any]]] = []
    for item in data.get("roles") or []:
        role = current_roles.get(item["id"]) if item.get("id") else None
        if item.get("id") and role is None:
            fields["roles"] = [_("Choose one of this opportunity's roles.")]
            continue
        if (
            not clean_text(item.get("title") or "").strip()
            or not 1 <= item.get("quota", 0) <= QUOTA_MAX
        ):
            fields["roles"] = [
                _("Each role needs a title and a quota between 1 and %(n)d.", n=QUOTA_MAX)
            ]
        elif role is not None and item["quota"] < role.accepted:
            fields["roles"] = [
                _(
                    "A quota cannot go below the %(n)d volunteers already accepted.",
                    n=role.accepted,
                )
            ]
        roles.append((role, item))
    if len(current_roles) + sum(1 for r, _i in roles if r is None) > ROLES_MAX:
        fields["roles"] = [_("At most %(n)d roles.", n=ROLES_MAX)]
    shifts: list[tuple[Shift | None, dict[str, Any]]] = []
    for item in data.get("shifts") or []:
        shift = current_shifts.get(item["id"]) if item.get("id") else None
        if item.get("id") and shift is None:
            fields["shifts"] = [_("Unknown shift.")]
            continue
        if item["ends_at"] <= item["starts_at"] or not 1 <= item.get("capacity", 0) <= QUOTA_MAX:
            fields["shifts"] = [
                _(
                    "Each shift ends after it starts and holds between 1 and %(n)d volunteers.",
                    n=QUOTA_MAX,
                )
            ]
        elif shift is not None and item["capacity"] < shift.taken:
            fields["shifts"] = [
                _("A capacity cannot go below the %(n)d places already taken.", n=shift.taken)
            ]
        elif (
            shift is not None
            and shift.taken
            and (item["starts_at"] != shift.starts_at or item["ends_at"] != shift.ends_at)
        ):
            fields["shifts"] = [
                _("Volunteers are signed up for this shift: its times no longer change.")
            ]
        shifts.append((shift, item))
    if len(current_shifts) + sum(1 for s, _i in shifts if s is None) > SHIFTS_MAX:
        fields["shifts"] = [_("At most %(n)d shifts.", n=SHIFTS_MAX)]
    return roles, shifts


def _save_role(opportunity: Opportunity, role: Role | None, item: dict[str, Any]) -> None:
    title = clean_text(item["title"]).strip()
    if role is None:
        db.session.add(Role(opportunity_id=opportunity.id, title=title, quota=item["quota"]))
        return
    done = db.session.execute(  # never below the places given meanwhile
        update(Role)
        .where(Role.id == role.id, Role.accepted <= item["quota"])
        .values(title=title, quota=item["quota"])
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("Places were given meanwhile: open the page again."))
    db.session.refresh(role)


def _save_shift(opportunity: Opportunity, shift: Shift | None, item: dict[str, Any]) -> None:
    if shift is None:
        db.session.add(
            Shift(
                opportunity_id=opportunity.id,
                starts_at=item["starts_at"],
                ends_at=item["ends_at"],
                capacity=item["capacity"],
            )
        )
        return
    done = db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.taken <= item["capacity"])
        .values(starts_at=item["starts_at"], ends_at=item["ends_at"], capacity=item["capacity"])
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("Places were taken meanwhile: open the page again."))
    db.session.refresh(shift)


def close(opportunity: Opportunity, reason: str, now: dt.datetime) -> None:
    opportunity.status, opportunity.closed_reason, opportunity.closed_at = "closed", reason, now


def close_stale(now: dt.datetime) -> int:
    """Close open opportunities past their end date or 90 days without activity (job)."""
    rows = db.session.scalars(
        select(Opportunity).where(
            Opportunity.status == "open",
            (Opportunity.ends_on < now.date())
            | (Opportunity.last_activity_at < now - INACTIVE_AFTER),
        )
    ).all()
    for row in rows:
        close(row, "ended" if row.ends_on < now.date() else "inactive", now)
    db.session.flush()
    return len(rows)


# --- applications -----------------------------------------------------------------------------


def _managers(association_id: int) -> list[int]:
    return association_member_ids(association_id, MANAGER_ROLES)


def apply(actor: User, opportunity: Opportunity, data: dict[str, Any]) -> Application:
    """Apply to an open opportunity (for one of its roles); its managers are told."""
    if opportunity.status != "open":
        raise ApiError(409, "closed", _("This opportunity is closed."))
    role_id = data.get("role_id")
    if role_id is not None:
        role = db.session.get(Role, role_id)
        if role is None or role.opportunity_id != opportunity.id:
            raise invalid(_("Choose one of this opportunity's roles."), "role_id")
    message = clean_text(data.get("message") or "").strip()
    if message:
        hits = RULES.check(message, only=("LINK", "PHONE"))
        if hits:
            raise refuse(hits)
    row = Application(
        opportunity_id=opportunity.id, role_id=role_id, volunteer_id=actor.id, message=message
    )
    if not insert_once(row):
        raise ApiError(409, "conflict", _("You already applied to this opportunity."))
    _touch(opportunity)
    notify(
        _managers(opportunity.association_id),
        kind="volunteer_application",
        subject=f"volunteer_application:{row.id}",
        text=_l(
            "%(name)s applied to “%(title)s”", name=actor.display_name, title=opportunity.title
        ),
        url=opportunity_path(opportunity.id),
        actor_id=actor.id,
    )
    return row


def answer(actor: User, row: Application, opportunity: Opportunity, action: str) -> Application:
    """Accept (a place of the role's quota, taken atomically; the age rule checked) or decline."""
    _require_manager(actor, opportunity.association_id)
    if row.status != "pending":
        raise ApiError(409, "conflict", _("This application was already answered."))
    now = utcnow()
    if action == "accept":
        check_age(row.volunteer_id, opportunity)
        check_confirmable(row.volunteer_id, opportunity)
        if row.role_id is not None:
            taken = db.session.execute(
                update(Role)
                .where(Role.id == row.role_id, Role.accepted < Role.quota)
                .values(accepted=Role.accepted + 1)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise ApiError(409, "full", _("This role's quota is reached."))
        done = db.session.execute(
            update(Application)
            .where(Application.id == row.id, Application.status == "pending")
            .values(status="accepted", decided_at=now, decided_by_id=actor.id)
            .execution_options(synchronize_session=False)
        )
        text = _l("You are accepted as a volunteer for “%(title)s”", title=opportunity.title)
    else:
        done = db.session.execute(
            update(Application)
            .where(Application.id == row.id, Application.status == "pending")
            .values(status="declined", decided_at=now, decided_by_id=actor.id)
            .execution_options(synchronize_session=False)
        )
        text = _l(
            "Your application for “%(title)s” was not retained this time. Thank you for "
            "offering your time.",
            title=opportunity.title,
        )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This application was already answered."))
    db.session.refresh(row)
    _touch(opportunity, now)
    notify(
        [row.volunteer_id],
        kind="volunteer_answer",
        subject=f"volunteer_application:{row.id}",
        text=text,
        url=opportunity_path(opportunity.id),
        actor_id=actor.id,
    )
    return row


def remind_and_decline(now: dt.datetime) -> dict[str, int]:
    """Unanswered applications: remind the managers after 7 days, decline politely after 14
    (job ``volunteering.applications``)."""
    pending = db.session.execute(
        select(Application, Opportunity)
        .join(Opportunity, Opportunity.id == Application.opportunity_id)
        .where(Application.status == "pending", Application.created_at <= now - REMIND_AFTER)
    ).all()
    reminded = declined = 0
    for row, opportunity in pending:
        if row.created_at <= now - DECLINE_AFTER:
            row.status, row.decided_at, row.declined_unanswered = "declined", now, True
            declined += 1
            notify(
                [row.volunteer_id],
                kind="volunteer_answer",
                subject=f"volunteer_application:{row.id}",
                text=_l(
                    "The association could not answer your application for “%(title)s” in "
                    "time. Thank you for offering your time: other opportunities are waiting "
                    "for you.",
                    title=opportunity.title,
                ),
                url="/volunteering",
            )
        elif row.reminded_at is None:
            row.reminded_at = now
            reminded += 1
            notify(
                _managers(opportunity.association_id),
                kind="volunteer_reminder",
                subject=f"volunteer_reminder:{row.id}",
                text=_l(
                    "An application for “%(title)s” waits for your answer for a week",
                    title=opportunity.title,
                ),
                url=f"/volunteering/associations/{opportunity.association_id}/queue",
            )
    db.session.flush()
    return {"reminded": reminded, "declined": declined}


# --- shifts -----------------------------------------------------------------------------------


def _accepted(volunteer_id: int, opportunity_id: int) -> bool:
    return (
        db.session.scalar(
            select(Application.id).where(
                Application.opportunity_id == opportunity_id,
                Application.volunteer_id == volunteer_id,
                Application.status == "accepted",
            )
        )
        is not None
    )


def sign_up(actor: User, shift: Shift, opportunity: Opportunity) -> Signup:
    """Take a place in a shift: accepted volunteers of the opportunity only, never above the
    shift's capacity (one conditional UPDATE), never twice."""
    if opportunity.status != "open":
        raise ApiError(409, "closed", _("This opportunity is closed."))
    if not _accepted(actor.id, opportunity.id):
        raise _forbidden(
            _("Apply first: once the association accepts you, you choose your shifts.")
        )
    check_age(actor.id, opportunity)
    check_confirmable(actor.id, opportunity)
    now = utcnow()
    if shift.starts_at <= now:
        raise ApiError(409, "started", _("This shift has already started."))
    existing = db.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.volunteer_id == actor.id)
    )
    if existing is not None and existing.status == "confirmed":
        raise ApiError(409, "conflict", _("You are already signed up for this shift."))
    taken = db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.taken < Shift.capacity)
        .values(taken=Shift.taken + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "full", _("This shift is full."))
    if existing is not None:  # signed up again after cancelling
        back = db.session.execute(
            update(Signup)
            .where(Signup.id == existing.id, Signup.status == "cancelled")
            .values(status="confirmed", cancelled_at=None, created_at=now)
            .execution_options(synchronize_session=False)
        )
        if back.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError(409, "conflict", _("You are already signed up for this shift."))
        db.session.refresh(existing)
        row = existing
    else:
        row = Signup(shift_id=shift.id, volunteer_id=actor.id, status="confirmed", created_at=now)
        if not insert_once(row):
            raise ApiError(409, "conflict", _("You are already signed up for this shift."))
    db.session.refresh(shift)
    _touch(opportunity, now)
    return row


def cancel(actor: User, row: Signup, shift: Shift) -> Signup:
    """One-click cancel by the volunteer before the shift starts: the place is free again."""
    if row.volunteer_id != actor.id:
        raise _forbidden(_("Only the volunteer cancels their sign-up."))
    now = utcnow()
    if shift.starts_at <= now:
        raise ApiError(409, "started", _("This shift has already started."))
    done = db.session.execute(
        update(Signup)
        .where(Signup.id == row.id, Signup.status == "confirmed")
        .values(status="cancelled", cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This sign-up is already cancelled."))
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.taken > 0)
        .values(taken=Shift.taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    db.session.refresh(shift)
    return row


def remind_shifts(now: dt.datetime) -> dict[str, int]:
    """Remind each confirmed volunteer 48 hours and 24 hours before their shift, with a link to
    the one-click cancel that frees the place (job ``volunteering.shift_reminders``).

    Each reminder is recorded on the sign-up by a conditional ``UPDATE`` before it is sent: a
    job run twice (or two workers) sends it once. A clock that jumps past both marks sends only
    the nearest (24 h); a volunteer who signs up inside a window gets no reminder for it (they
    just chose the shift), and nothing is sent once the shift has started."""
    rows = db.session.execute(
        select(Signup, Shift, Opportunity)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Opportunity, Opportunity.id == Shift.opportunity_id)
        .where(
            Signup.status == "confirmed",
            Shift.starts_at > now,
            Shift.starts_at <= now + dt.timedelta(hours=SHIFT_REMINDERS[0][0]),
            Signup.reminded_24_at.is_(None),
        )
        .order_by(Signup.id)
    ).all()
    sent = {"48": 0, "24": 0}
    for row, shift, opportunity in rows:
        due = [
            (hours, column)
            for hours, column in SHIFT_REMINDERS
            if shift.starts_at - dt.timedelta(hours=hours) <= now
        ]
        hours, column = due[-1]  # the nearest mark passed
        # the earlier marks are past too: recorded (if not yet), never sent late
        marks: dict[str, Any] = {c: func.coalesce(getattr(Signup, c), now) for _h, c in due}
        marks[column] = now
        claimed = db.session.execute(
            update(Signup)
            .where(Signup.id == row.id, getattr(Signup, column).is_(None))
            .values(**marks)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]  # already sent
            continue
        if row.created_at > shift.starts_at - dt.timedelta(hours=hours):
            continue  # signed up after the mark: recorded, not sent
        sent[str(hours)] += 1
        notify(
            [row.volunteer_id],
            kind="volunteer_shift_reminder",
            subject=f"volunteer_shift_reminder:{row.id}:{hours}",
            text=_l(
                "Your shift for “%(title)s” starts in %(hours)d hours. If you cannot come, "
                "cancel it in one click: your place goes to someone else.",
                title=opportunity.title,
                hours=hours,
            ),
            url=f"/volunteering/mine#signup-{row.id}",
        )
    db.session.flush()
    return {"reminded_48": sent["48"], "reminded_24": sent["24"]}


def _confirmed(row: Signup) -> None:
    if row.status != "confirmed":
        raise ApiError(409, "conflict", _("This sign-up is cancelled."))


def check_in(actor: User, row: Signup, shift: Shift, opportunity: Opportunity) -> Signup:
    """The volunteer (from a phone) or a manager checks in, from an hour before the start."""
    _confirmed(row)
    now = utcnow()
    if row.checked_in_at is not None:
        raise ApiError(409, "conflict", _("Already checked in."))
    if not shift.starts_at - CHECK_IN_EARLY <= now <= shift.ends_at:
        raise ApiError(
            409, "not_now", _("Check-in opens an hour before the shift and closes at its end.")
        )
    row.checked_in_at = now
    row.no_show = False
    _touch(opportunity, now)
    db.session.flush()
    return row


def check_out(actor: User, row: Signup, shift: Shift, opportunity: Opportunity) -> Hours:
    """Check out: the time between check-in and check-out (at most the shift's length and an
    hour) becomes hours waiting for a coordinator's verification."""
    _confirmed(row)
    if row.checked_in_at is None:
        raise ApiError(409, "conflict", _("Check in first."))
    if row.checked_out_at is not None:
        raise ApiError(409, "conflict", _("Already checked out."))
    now = utcnow()
    row.checked_out_at = now
    longest = (shift.ends_at - shift.starts_at) + dt.timedelta(hours=1)
    worked = min(now - row.checked_in_at, longest)
    hours = Hours(
        volunteer_id=row.volunteer_id,
        association_id=opportunity.association_id,
        opportunity_id=opportunity.id,
        signup_id=row.id,
        minutes=max(0, int(worked.total_seconds() // 60)),
        worked_on=shift.starts_at.date(),
        status="pending",
    )
    if not insert_once(hours):
        raise ApiError(409, "conflict", _("Already checked out."))
    _touch(opportunity, now)
    return hours


def mark_no_show(actor: User, row: Signup, shift: Shift, opportunity: Opportunity) -> Signup:
    """A manager marks a volunteer who did not come, from the start until 24 h after the end."""
    _require_manager(actor, opportunity.association_id)
    _confirmed(row)
    now = utcnow()
    if row.checked_in_at is not None:
        raise ApiError(409, "conflict", _("This volunteer checked in."))
    if not shift.starts_at <= now <= shift.ends_at + NO_SHOW_WINDOW:
        raise ApiError(
            409,
            "not_now",
            _("A no-show is marked from the start of the shift until 24 hours after its end."),
        )
    row.no_show = True
    db.session.flush()
    return row


def signup_action(
    actor: User, row: Signup, shift: Shift, opportunity: Opportunity, action: str
) -> Any:
    if action in ("check-in", "check-out") and not (
        row.volunteer_id == actor.id or manages(actor, opportunity.association_id)
    ):
        raise _forbidden(_("Only the volunteer or the association checks in and out."))
    if action == "check-in":
        return check_in(actor, row, shift, opportunity)
    if action == "check-out":
        return check_out(actor, row, shift, opportunity)
    return mark_no_show(actor, row, shift, opportunity)


# --- hours and certificates -------------------------------------------------------------------


def verify_hours(actor: User, hours: Hours, minutes: int | None = None) -> Hours:
    """A coordinator verifies hours (correcting the minutes if needed)."""
    _require_manager(actor, hours.association_id)
    if hours.volunteer_id == actor.id:
        raise _forbidden(_("Someone else verifies your own hours."))
    if hours.status == "verified":
        raise ApiError(409, "conflict", _("These hours are already verified."))
    if minutes is not None:
        if not 0 <= minutes <= 24 * 60:
            raise invalid(_("Between 0 and 24 hours."), "minutes")
        hours.minutes = minutes
    hours.status, hours.verified_by_id, hours.verified_at = "verified", actor.id, utcnow()
    db.session.flush()
    return hours


def enter_hours(actor: User, opportunity: Opportunity, data: dict[str, Any]) -> Hours:
    """Hours entered by hand for an opportunity: by an accepted volunteer for themselves, or by
    a coordinator for one of its accepted volunteers. They wait for a coordinator's
    verification (someone other than the volunteer); only verified hours make certificates."""
    volunteer_id = data.get("volunteer_id") or actor.id
    if volunteer_id != actor.id:
        _require_manager(actor, opportunity.association_id)
        if not _accepted(volunteer_id, opportunity.id):
            raise invalid(_("Choose a volunteer accepted to this opportunity."), "volunteer_id")
    elif not _accepted(actor.id, opportunity.id):
        raise _forbidden(_("Only volunteers accepted to this opportunity enter hours for it."))
    minutes, worked_on = data["minutes"], data["worked_on"]
    fields: dict[str, list[str]] = {}
    if not 1 <= minutes <= 24 * 60:
        fields["minutes"] = [_("Between 1 minute and 24 hours.")]
    today = utcnow().date()
    if worked_on > today:
        fields["worked_on"] = [_("This day has not come yet.")]
    elif not opportunity.starts_on <= worked_on <= opportunity.ends_on:
        fields["worked_on"] = [_("Choose a day within the opportunity's dates.")]
    elif worked_on < today - MANUAL_HOURS_MAX_AGE:
        fields["worked_on"] = [_("Hours older than a year are not entered any more.")]
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    row = Hours(
        volunteer_id=volunteer_id,
        association_id=opportunity.association_id,
        opportunity_id=opportunity.id,
        minutes=minutes,
        worked_on=worked_on,
        status="pending",
        entered_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    _touch(opportunity)
    if volunteer_id == actor.id:
        notify(
            _managers(opportunity.association_id),
            kind="volunteer_hours",
            subject=f"volunteer_hours:{row.id}",
            text=_l(
                "%(name)s entered hours for “%(title)s”: they wait for your verification",
                name=actor.display_name,
                title=opportunity.title,
            ),
            url=f"/volunteering/associations/{opportunity.association_id}/queue",
            actor_id=actor.id,
        )
    return row


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def issue_certificate(actor: User, association_id: int) -> Certificate:
    """A certificate of the actor's verified hours with an association (422 ``no_verified_hours``
    without any), with a random verification code."""
    association = get_association(association_id)
    if association is None:
        raise invalid(_("Unknown association."), "association_id")
    minutes, first, last = verified_hours_of(actor.id, association_id)
    if not minutes or first is None or last is None:
        raise invalid(
            _(
                "A certificate is made only from hours verified by the association, and you have "
                "none yet."
            ),
            "association_id",
            code="no_verified_hours",
        )
    row = Certificate(
        code=new_code(),
        volunteer_id=actor.id,
        association_id=association_id,
        holder_name=actor.display_name,
        association_name=association.name,
        minutes=minutes,
        period_start=first,
        period_end=last,
    )
    db.session.add(row)
    db.session.flush()
    return row
