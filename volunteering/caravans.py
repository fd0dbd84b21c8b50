"""Caravans (قافلة / caravane): one plan for a multi-day field mission of several associations.

A lead association drafts the plan (destination: a commune of the directory's reference data
and a douar; the days; an optional campaign by id) and invites partner associations, who accept.
Each association that takes part adds its own components (a medical day, a school repair, a
distribution, children's activities, a training): a component is backed by an opportunity of
that association, so its roles, quotas, applications, acceptances (one conditional ``UPDATE`` of
the role's counter: quotas hold under concurrency), contracts (law 06-18), hours and their
verification are volunteering's own. The in-kind load names aid's kits and distributions by id.

States: ``draft -> planning -> ready -> under_way -> done`` (or ``cancelled``). A caravan is
ready only when every role has at least 80 % of its quota confirmed and every component that
needs an authorisation (medical days, distributions) has it, valid over the caravan's days, in
the library of the association that runs it; each missing condition is one translated line
(:func:`readiness`). It gets under way from its first day and is done from its last. Once done,
the coordinators verify the hours of the caravan's days, and one action issues a certificate
to every volunteer with verified hours.

Who: the lead association's coordinators and administrators edit the plan and move its states;
a partner's coordinators manage their own components only; volunteers apply through the
opportunities; visitors see the public schedule (no names) and the showcase.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.accounts.queries import users_by_id
from app.api import ApiError, invalid, not_found, paginate
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.text import clean_text
from directory import (
    Association,
    City,
    Province,
    association_member_ids,
    get_association,
    get_associations,
    user_memberships,
)
from volunteering import labels, services
from volunteering.access import MANAGER_ROLES, manages
from volunteering.contracts import authorized_over
from volunteering.models import (
    CARAVAN_DAYS_MAX,
    COMPONENT_KINDS,
    COMPONENTS_MAX,
    DESCRIPTION_MAX,
    DOUAR_MAX,
    LABEL_MAX,
    LOAD_KINDS,
    PLACE_MAX,
    STORY_MAX,
    TITLE_MAX,
    Application,
    Caravan,
    CaravanComponent,
    CaravanLoad,
    CaravanPartner,
    Certificate,
    Hours,
    Opportunity,
    Role,
)

#: A caravan is ready when every role has at least this share of its quota confirmed.
READY_SHARE = 0.8
#: The library authorisation each kind of component needs (the others need none).
REQUIRED_AUTHORIZATIONS = {"medical": "medical_campaign", "distribution": "distribution"}
#: Who may move a caravan from one state to the next (the lead's managers) and where to.
TRANSITIONS = {
    "planning": ("draft",),
    "ready": ("planning",),
    "under_way": ("ready",),
    "done": ("under_way",),
    "cancelled": ("draft", "planning", "ready", "under_way"),
}
#: States in which the plan (components, partners, load) still changes.
PLANNING = ("draft", "planning")
#: States whose schedule the douar may read.
PUBLIC = ("planning", "ready", "under_way", "done")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def names_of(ids: set[int]) -> dict[int, str]:
    """Association names by id (one query)."""
    return _names(ids)


def invitable(caravan: Caravan) -> list[Any]:
    """Approved associations the lead may still invite (neither the lead nor invited)."""
    taken = select(CaravanPartner.association_id).where(CaravanPartner.caravan_id == caravan.id)
    return list(
        db.session.scalars(
            select(Association)
            .where(
                Association.status == "approved",
                Association.id != caravan.lead_association_id,
                Association.id.not_in(taken),
            )
            .order_by(Association.name)
            .limit(200)
        )
    )


def _names(ids: set[int]) -> dict[int, str]:
    return {a: row.name for a, row in get_associations(ids).items()}


def caravan_path(caravan_id: int) -> str:
    return f"/volunteering/caravans/{caravan_id}"


def _forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def _lead_only() -> ApiError:
    return _forbidden(_("Only the lead association's coordinators and administrators may do this."))


# --- reads and access -------------------------------------------------------------------------


def partners_of(caravan_id: int) -> list[CaravanPartner]:
    return list(
        db.session.scalars(
            select(CaravanPartner)
            .where(CaravanPartner.caravan_id == caravan_id)
            .order_by(CaravanPartner.invited_at, CaravanPartner.association_id)
        )
    )


def association_ids(caravan: Caravan, partners: list[CaravanPartner] | None = None) -> list[int]:
    """The lead and the partners that accepted."""
    rows = partners if partners is not None else partners_of(caravan.id)
    return [caravan.lead_association_id] + [
        p.association_id for p in rows if p.status == "accepted"
    ]


def leads(actor: User | None, caravan: Caravan) -> bool:
    return manages(actor, caravan.lead_association_id)


def manages_any(actor: User | None, caravan: Caravan) -> bool:
    """A manager of the lead or of a partner (invited or accepted)."""
    if actor is None:
        return False
    return leads(actor, caravan) or any(
        manages(actor, p.association_id) for p in partners_of(caravan.id)
    )


def get_caravan(caravan_id: int, actor: User | None) -> Caravan:
    """A caravan for a signed-in person: a draft only for the managers of its associations
    (invited partners included); 404 otherwise."""
    row = db.session.get(Caravan, caravan_id)
    if row is None or actor is None:
        raise not_found()
    if row.status == "draft" and not manages_any(actor, row):
        raise not_found()
    return row


def get_public(caravan_id: int, showcase: bool = False) -> Caravan:
    """The caravan whose schedule (or, done, showcase) anyone may read; 404 otherwise."""
    row = db.session.get(Caravan, caravan_id)
    if row is None or row.status not in (("done",) if showcase else PUBLIC):
        raise not_found()
    return row


def get_component(caravan: Caravan, component_id: int) -> CaravanComponent:
    row = db.session.get(CaravanComponent, component_id)
    if row is None or row.caravan_id != caravan.id:
        raise not_found()
    return row


def visible_caravans(actor: User, page: int = 1, per_page: int = 20) -> dict[str, Any]:
    """A page of the caravans the actor sees (every one but the drafts of associations they do
    not manage), the latest first."""
    managed = [aid for aid, role in _roles_of(actor.id).items() if role in MANAGER_ROLES]
    query = select(Caravan)
    if not actor.is_admin:
        partnered = select(CaravanPartner.caravan_id).where(
            CaravanPartner.association_id.in_(managed)
        )
        query = query.where(
            (Caravan.status != "draft")
            | Caravan.lead_association_id.in_(managed)
            | Caravan.id.in_(partnered)
        )
    return paginate(query.order_by(Caravan.starts_on.desc(), Caravan.id.desc()), page, per_page)


def _roles_of(user_id: int) -> dict[int, str]:
    return {m.association_id: m.role for m in user_memberships(user_id)}


def components_of(caravan_id: int) -> list[CaravanComponent]:
    return list(
        db.session.scalars(
            select(CaravanComponent)
            .where(CaravanComponent.caravan_id == caravan_id)
            .order_by(CaravanComponent.day, CaravanComponent.start_time, CaravanComponent.id)
        )
    )


def roles_of(components: list[CaravanComponent]) -> dict[int, list[Role]]:
    """Each component's roles (one query)."""
    by_opportunity: dict[int, list[Role]] = {c.opportunity_id: [] for c in components}
    if by_opportunity:
        for role in db.session.scalars(
            select(Role).where(Role.opportunity_id.in_(by_opportunity)).order_by(Role.id)
        ):
            by_opportunity[role.opportunity_id].append(role)
    return {c.id: by_opportunity[c.opportunity_id] for c in components}


def loads_of(caravan_id: int) -> list[CaravanLoad]:
    return list(
        db.session.scalars(
            select(CaravanLoad).where(CaravanLoad.caravan_id == caravan_id).order_by(CaravanLoad.id)
        )
    )


def place_label(caravan: Caravan, lang: str) -> str:
    row = db.session.execute(
        select(City, Province)
        .join(Province, Province.id == City.province_id)
        .where(City.id == caravan.city_id)
    ).first()
    if row is None:
        province = db.session.get(Province, caravan.province_id)
        return province.label(lang) if province else ""
    city, province = row
    return f"{city.label(lang)}, {province.label(lang)}"


def place_labels(caravans: list[Caravan], lang: str) -> dict[int, str]:
    city_ids = {c.city_id for c in caravans if c.city_id}
    found: dict[int, str] = {}
    if city_ids:
        for city, province in db.session.execute(
            select(City, Province)
            .join(Province, Province.id == City.province_id)
            .where(City.id.in_(city_ids))
        ):
            found[city.id] = f"{city.label(lang)}, {province.label(lang)}"
    return {c.id: found.get(c.city_id or 0, "") for c in caravans}


def my_applications(actor: User | None, components: list[CaravanComponent]) -> dict[int, str]:
    """The actor's application status per opportunity of these components."""
    if actor is None or not components:
        return {}
    rows = db.session.execute(
        select(Application.opportunity_id, Application.status).where(
            Application.volunteer_id == actor.id,
            Application.opportunity_id.in_([c.opportunity_id for c in components]),
        )
    ).all()
    return {row[0]: row[1] for row in rows}


def accepted_volunteers(caravan: Caravan, actor: User) -> dict[int, list[str]]:
    """The names of the accepted volunteers per role, for the managers of the associations
    that run the components (each sees its own components' people only)."""
    out: dict[int, list[str]] = {}
    components = [c for c in components_of(caravan.id) if manages(actor, c.association_id)]
    if not components:
        return out
    rows = db.session.execute(
        select(Application.role_id, Application.volunteer_id).where(
            Application.opportunity_id.in_([c.opportunity_id for c in components]),
            Application.status == "accepted",
            Application.role_id.is_not(None),
        )
    ).all()
    people = users_by_id({v for _r, v in rows})
    for role_id, volunteer_id in rows:
        person = people.get(volunteer_id)
        if person is not None and role_id is not None:
            out.setdefault(role_id, []).append(person.display_name)
    return out


def pending_hours(caravan: Caravan) -> int:
    components = components_of(caravan.id)
    if not components:
        return 0
    return int(
        db.session.scalar(
            select(func.count(Hours.id)).where(
                Hours.opportunity_id.in_([c.opportunity_id for c in components]),
                Hours.status == "pending",
            )
        )
        or 0
    )


def certificates_of(caravan_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.caravan_id == caravan_id)
        )
        or 0
    )


@dataclass
class Showcase:
    volunteers: int
    associations: int
    components: int
    people_reached: int | None
    hours: int
    certificates: int


def showcase(caravan: Caravan) -> Showcase:
    """The figures of a done caravan (no names): volunteers with verified hours (or accepted,
    before the verification), associations, components, people reached, verified hours."""
    components = components_of(caravan.id)
    opportunity_ids = [c.opportunity_id for c in components]
    volunteers = hours = 0
    if opportunity_ids:
        volunteers, minutes = db.session.execute(
            select(func.count(func.distinct(Hours.volunteer_id)), func.sum(Hours.minutes)).where(
                Hours.opportunity_id.in_(opportunity_ids), Hours.status == "verified"
            )
        ).one()
        hours = int((minutes or 0) // 60)
        if not volunteers:
            volunteers = db.session.scalar(
                select(func.count(func.distinct(Application.volunteer_id))).where(  # type: ignore[assignment]
                    Application.opportunity_id.in_(opportunity_ids),
                    Application.status == "accepted",
                )
            )
    return Showcase(
        volunteers=int(volunteers or 0),
        associations=len(association_ids(caravan)),
        components=len(components),
        people_reached=caravan.people_reached,
        hours=hours,
        certificates=certificates_of(caravan.id),
    )


# --- readiness --------------------------------------------------------------------------------


@dataclass
class Check:
    """A condition that keeps a caravan from being ready, in the reader's language."""

    code: str
    message: str


def needed(quota: int) -> int:
    """Volunteers a role needs confirmed for the caravan to be ready (80 %, rounded up)."""
    return -(-quota * 8 // 10)


def readiness(caravan: Caravan) -> list[Check]:
    """Every missing condition for ``ready``: a component at least, 80 % of every role's quota
    confirmed, and the authorisations the components need, each valid over the caravan's days
    in the library of the association that runs the component."""
    components = components_of(caravan.id)
    if not components:
        return [Check("no_component", _("Add at least one component to the caravan."))]
    checks: list[Check] = []
    roles = roles_of(components)
    names = {
        a: row.name for a, row in get_associations({c.association_id for c in components}).items()
    }
    for component in components:
        if not roles[component.id]:
            checks.append(
                Check(
                    "no_role",
                    _("“%(component)s” has no role for volunteers.", component=component.title),
                )
            )
        for role in roles[component.id]:
            if role.accepted < needed(role.quota):
                checks.append(
                    Check(
                        "quota",
                        _(
                            "“%(role)s” (%(component)s): %(confirmed)d of %(quota)d volunteers "
                            "confirmed, %(needed)d needed (80 %%).",
                            role=role.title,
                            component=component.title,
                            confirmed=role.accepted,
                            quota=role.quota,
                            needed=needed(role.quota),
                        ),
                    )
                )
        kind = REQUIRED_AUTHORIZATIONS.get(component.kind)
        if kind and not authorized_over(
            component.association_id, kind, caravan.starts_on, caravan.ends_on
        ):
            checks.append(
                Check(
                    "authorization",
                    _(
                        "“%(component)s” needs an authorisation (%(kind)s) of %(association)s, "
                        "valid from the caravan's first day to its last, in its library.",
                        component=component.title,
                        kind=labels.AUTHORIZATION_NEEDED[kind],
                        association=names.get(component.association_id, ""),
                    ),
                )
            )
    return checks


# --- plan -------------------------------------------------------------------------------------


def _text(
    data: dict[str, Any],
    key: str,
    limit: int,
    fields: dict[str, list[str]],
    required: bool = False,
    default: str = "",
) -> str:
    value = str(clean_text(data.get(key, default) or "")).strip()
    if required and not value:
        fields[key] = [_("Required.")]
    elif len(value) > limit:
        fields[key] = [_("At most %(n)d characters.", n=limit)]
    return value


def _dates(starts_on: dt.date, ends_on: dt.date, fields: dict[str, list[str]], new: bool) -> None:
    if ends_on < starts_on:
        fields["ends_on"] = [_("The end comes after the start.")]
    elif (ends_on - starts_on).days + 1 > CARAVAN_DAYS_MAX:
        fields["ends_on"] = [_("A caravan lasts at most %(n)d days.", n=CARAVAN_DAYS_MAX)]
    if new and starts_on < utcnow().date():
        fields["starts_on"] = [_("This date has passed.")]


def create(actor: User, data: dict[str, Any]) -> Caravan:
    """A draft caravan led by one of the actor's associations (its coordinators and
    administrators)."""
    association = get_association(data.get("lead_association_id") or 0)
    if association is None or association.status != "approved":
        raise invalid(_("Choose an approved association."), "lead_association_id")
    if not manages(actor, association.id):
        raise _forbidden(services.manager_only())
    fields: dict[str, list[str]] = {}
    title = _text(data, "title", TITLE_MAX, fields, required=True)
    description = _text(data, "description", DESCRIPTION_MAX, fields)
    douar = _text(data, "douar", DOUAR_MAX, fields, required=True)
    city = db.session.get(City, data.get("city_id") or 0)
    if city is None:
        fields["city_id"] = [_("Choose the commune.")]
    _dates(data["starts_on"], data["ends_on"], fields, new=True)
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    assert city is not None
    caravan = Caravan(
        lead_association_id=association.id,
        created_by_id=actor.id,
        title=title,
        description=description,
        province_id=city.province_id,
        city_id=city.id,
        douar=douar,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        campaign_id=data.get("campaign_id"),
        status="draft",
    )
    db.session.add(caravan)
    db.session.flush()
    return caravan


def edit(actor: User, caravan: Caravan, data: dict[str, Any]) -> Caravan:
    """The lead changes the plan (while it is planned) and, at any time, the showcase (people
    reached, the story in Arabic and French)."""
    if not leads(actor, caravan):
        raise _lead_only()
    fields: dict[str, list[str]] = {}
    plan = {"title", "description", "douar", "city_id", "starts_on", "ends_on", "campaign_id"}
    if plan & {k for k, v in data.items() if v is not None} and caravan.status not in PLANNING:
        raise ApiError(
            409, "not_planning", _("The plan no longer changes once the caravan is ready.")
        )
    title = _text(data, "title", TITLE_MAX, fields, required=True, default=caravan.title)
    description = _text(data, "description", DESCRIPTION_MAX, fields, default=caravan.description)
    douar = _text(data, "douar", DOUAR_MAX, fields, required=True, default=caravan.douar)
    city = db.session.get(City, data.get("city_id") or caravan.city_id or 0)
    if city is None:
        fields["city_id"] = [_("Choose the commune.")]
    starts_on = data.get("starts_on") or caravan.starts_on
    ends_on = data.get("ends_on") or caravan.ends_on
    _dates(starts_on, ends_on, fields, new=starts_on != caravan.starts_on)
    days = [c.day for c in components_of(caravan.id)]
    if days and not fields.get("ends_on") and (min(days) < starts_on or max(days) > ends_on):
        fields["starts_on"] = [_("Some components fall outside these days: move them first.")]
    story_ar = _text(data, "story_ar", STORY_MAX, fields, default=caravan.story_ar)
    story_fr = _text(data, "story_fr", STORY_MAX, fields, default=caravan.story_fr)
    reached = data.get("people_reached", caravan.people_reached)
    if reached is not None and not 0 <= reached <= 10_000_000:
        fields["people_reached"] = [_("A number of people, 0 or more.")]
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    assert city is not None
    caravan.title, caravan.description, caravan.douar = title, description, douar
    caravan.city_id, caravan.province_id = city.id, city.province_id
    caravan.starts_on, caravan.ends_on = starts_on, ends_on
    if "campaign_id" in data:
        caravan.campaign_id = data["campaign_id"]
    caravan.story_ar, caravan.story_fr, caravan.people_reached = story_ar, story_fr, reached
    db.session.flush()
    return caravan


def _planning(caravan: Caravan) -> None:
    if caravan.status not in PLANNING:
        raise ApiError(
            409, "not_planning", _("The plan no longer changes once the caravan is ready.")
        )


def invite(actor: User, caravan: Caravan, association_id: int) -> CaravanPartner:
    """The lead invites a partner association; its managers are told."""
    if not leads(actor, caravan):
        raise _lead_only()
    _planning(caravan)
    association = get_association(association_id)
    if association is None or association.status != "approved":
        raise invalid(_("Choose an approved association."), "association_id")
    if association.id == caravan.lead_association_id:
        raise invalid(_("The lead association already takes part."), "association_id")
    row = CaravanPartner(caravan_id=caravan.id, association_id=association.id)
    if not insert_once(row):
        raise ApiError(409, "conflict", _("This association is already invited."))
    notify(
        association_member_ids(association.id, MANAGER_ROLES),
        kind="caravan_invitation",
        subject=f"caravan:{caravan.id}:{association.id}",
        text=_l("Your association is invited to the caravan “%(title)s”", title=caravan.title),
        url=caravan_path(caravan.id),
        actor_id=actor.id,
    )
    return row


def answer_invitation(
    actor: User, caravan: Caravan, association_id: int, accept: bool
) -> CaravanPartner:
    """A partner's coordinators accept or decline the invitation."""
    row = db.session.get(CaravanPartner, (caravan.id, association_id))
    if row is None:
        raise not_found()
    if not manages(actor, association_id):
        raise _forbidden(services.manager_only())
    _planning(caravan)
    done = db.session.execute(
        update(CaravanPartner)
        .where(
            CaravanPartner.caravan_id == caravan.id,
            CaravanPartner.association_id == association_id,
            CaravanPartner.status == "invited",
        )
        .values(status="accepted" if accept else "declined", answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This invitation was already answered."))
    db.session.refresh(row)
    return row


def _component_fields(
    caravan: Caravan,
    data: dict[str, Any],
    fields: dict[str, list[str]],
    current: CaravanComponent | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kind = data.get("kind", current.kind if current else None)
    if kind not in COMPONENT_KINDS:
        fields["kind"] = [_("Choose what this component is.")]
    out["kind"] = kind
    out["title"] = _text(
        data, "title", TITLE_MAX, fields, required=True, default=current.title if current else ""
    )
    out["place"] = _text(data, "place", PLACE_MAX, fields, default=current.place if current else "")
    day = data.get("day") or (current.day if current else None)
    if day is None or not caravan.starts_on <= day <= caravan.ends_on:
        fields["day"] = [_("Choose one of the caravan's days.")]
    out["day"] = day
    for key in ("start_time", "end_time"):
        value = str(data.get(key) or (getattr(current, key) if current else "")).strip()
        if not TIME.match(value):
            fields[key] = [_("A time such as 09:30.")]
        out[key] = value
    if (
        "end_time" not in fields
        and "start_time" not in fields
        and out["end_time"] <= out["start_time"]
    ):
        fields["end_time"] = [_("The end comes after the start.")]
    return out


def add_component(actor: User, caravan: Caravan, data: dict[str, Any]) -> CaravanComponent:
    """A component run by one of the caravan's associations (the lead or a partner that
    accepted), added by that association's managers, with its roles and quotas: its
    opportunity is published for it (same rules, same checks as any call for volunteers)."""
    association_id = data.get("association_id") or caravan.lead_association_id
    if association_id not in association_ids(caravan):
        raise invalid(
            _("Choose the lead association or a partner that accepted."), "association_id"
        )
    if not manages(actor, association_id):
        raise _forbidden(_("Each association's coordinators add and manage their own components."))
    _planning(caravan)
    if len(components_of(caravan.id)) >= COMPONENTS_MAX:
        raise invalid(_("At most %(n)d components.", n=COMPONENTS_MAX), "kind")
    fields: dict[str, list[str]] = {}
    values = _component_fields(caravan, data, fields)
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    description = caravan.description or caravan.title
    opportunity = services.publish(
        actor,
        {
            "association_id": association_id,
            "title": f"{values['title']} · {caravan.title}"[:TITLE_MAX],
            "description": f"{description}\n\n{caravan.douar}",
            "skills": data.get("skills") or [],
            "city_id": caravan.city_id,
            "starts_on": values["day"],
            "ends_on": values["day"],
            "min_age": data.get("min_age", 18),
            "contractual": bool(data.get("contractual")),
            "roles": data.get("roles") or [],
            "shifts": [],
        },
    )
    row = CaravanComponent(
        caravan_id=caravan.id,
        association_id=association_id,
        opportunity_id=opportunity.id,
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


def edit_component(
    actor: User, caravan: Caravan, component: CaravanComponent, data: dict[str, Any]
) -> CaravanComponent:
    """Only the managers of the association that runs the component change it (its title,
    day, times, place, and its roles through its opportunity: quotas never below the
    volunteers already accepted)."""
    if not manages(actor, component.association_id):
        raise _forbidden(_("Each association's coordinators add and manage their own components."))
    _planning(caravan)
    fields: dict[str, list[str]] = {}
    values = _component_fields(caravan, data, fields, component)
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    opportunity = db.session.get(Opportunity, component.opportunity_id)
    assert opportunity is not None
    if data.get("roles"):
        services.edit(actor, opportunity, {"roles": data["roles"]})
    for key, value in values.items():
        setattr(component, key, value)
    opportunity.starts_on = opportunity.ends_on = values["day"]
    opportunity.title = f"{values['title']} · {caravan.title}"[:TITLE_MAX]
    db.session.flush()
    return component


def add_load(actor: User, caravan: Caravan, data: dict[str, Any]) -> CaravanLoad:
    """A line of the in-kind load: an aid kit or a distribution, by id and label (for one
    component, or the whole caravan). The lead's managers, or the managers of the component's
    association."""
    component = None
    if data.get("component_id"):
        component = get_component(caravan, data["component_id"])
    if not (leads(actor, caravan) or (component and manages(actor, component.association_id))):
        raise _lead_only()
    _planning(caravan)
    fields: dict[str, list[str]] = {}
    if data.get("kind") not in LOAD_KINDS:
        fields["kind"] = [_("An aid kit or a distribution.")]
    label = _text(data, "label", LABEL_MAX, fields, required=True)
    ref_id = data.get("ref_id")
    if not isinstance(ref_id, int) or ref_id < 1:
        fields["ref_id"] = [_("The number of the kit or distribution in aid.")]
    quantity = data.get("quantity") or 1
    if not 1 <= quantity <= 1_000_000:
        fields["quantity"] = [_("A number, 1 or more.")]
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    row = CaravanLoad(
        caravan_id=caravan.id,
        component_id=component.id if component else None,
        kind=data["kind"],
        ref_id=ref_id,
        label=label,
        quantity=quantity,
    )
    db.session.add(row)
    db.session.flush()
    return row


# --- states -----------------------------------------------------------------------------------


def not_ready(checks: list[Check]) -> ApiError:
    return ApiError(
        409,
        "not_ready",
        _("The caravan is not ready yet:") + " " + " ".join(c.message for c in checks),
        {"checks": [c.message for c in checks], "codes": [c.code for c in checks]},
    )


def move(actor: User, caravan: Caravan, to: str) -> Caravan:
    """Move the caravan to ``to`` (lead's managers): ready only when :func:`readiness` has
    nothing left; under way from its first day; done from its last day. One conditional
    ``UPDATE`` on the state: two racing moves never both pass."""
    if to not in TRANSITIONS:
        raise not_found()
    if not leads(actor, caravan):
        raise _lead_only()
    if caravan.status not in TRANSITIONS[to]:
        raise ApiError(
            409,
            "bad_state",
            _(
                "A caravan %(state)s cannot become %(to)s.",
                state=labels.CARAVAN_STATUS[caravan.status],
                to=labels.CARAVAN_STATUS[to],
            ),
        )
    now = utcnow()
    today = now.date()
    values: dict[str, Any] = {"status": to}
    if to == "ready":
        checks = readiness(caravan)
        if checks:
            raise not_ready(checks)
        values["ready_at"] = now
    elif to == "under_way":
        if today < caravan.starts_on:
            raise ApiError(
                409, "not_yet", _("A caravan gets under way from its first day, not before.")
            )
        values["started_at"] = now
    elif to == "done":
        if today < caravan.ends_on:
            raise ApiError(409, "not_yet", _("A caravan is done from its last day, not before."))
        values["done_at"] = now
    elif to == "cancelled":
        values["cancelled_at"] = now
    done = db.session.execute(
        update(Caravan)
        .where(Caravan.id == caravan.id, Caravan.status == caravan.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("Someone changed this caravan meanwhile."))
    db.session.refresh(caravan)
    return caravan


# --- the end: hours and certificates ----------------------------------------------------------


def verify_hours(actor: User, caravan: Caravan) -> int:
    """A coordinator verifies, at once, the pending hours of the caravan's days for the
    components their association runs (never their own hours); returns how many."""
    if caravan.status not in ("under_way", "done"):
        raise ApiError(409, "bad_state", _("Hours are verified once the caravan is under way."))
    components = [c for c in components_of(caravan.id) if manages(actor, c.association_id)]
    if not components:
        raise _forbidden(services.manager_only())
    rows = db.session.scalars(
        select(Hours).where(
            Hours.opportunity_id.in_([c.opportunity_id for c in components]),
            Hours.status == "pending",
            Hours.volunteer_id != actor.id,
            Hours.worked_on >= caravan.starts_on,
            Hours.worked_on <= caravan.ends_on,
        )
    ).all()
    now = utcnow()
    for row in rows:
        row.status, row.verified_by_id, row.verified_at = "verified", actor.id, now
    db.session.flush()
    return len(rows)


def issue_certificates(actor: User, caravan: Caravan) -> int:
    """One action of the lead, once the caravan is done: a certificate (volunteering's own,
    with its verification code) for every volunteer with verified hours on the caravan's
    components, in the name of the lead and its partners; a volunteer who has one is skipped.
    Returns how many were issued."""
    if not leads(actor, caravan):
        raise _lead_only()
    if caravan.status != "done":
        raise ApiError(409, "bad_state", _("Certificates are issued once the caravan is done."))
    components = components_of(caravan.id)
    if not components:
        return 0
    rows = db.session.execute(
        select(
            Hours.volunteer_id,
            func.sum(Hours.minutes),
            func.min(Hours.worked_on),
            func.max(Hours.worked_on),
        )
        .where(
            Hours.opportunity_id.in_([c.opportunity_id for c in components]),
            Hours.status == "verified",
        )
        .group_by(Hours.volunteer_id)
        .order_by(Hours.volunteer_id)
    ).all()
    had = set(
        db.session.scalars(
            select(Certificate.volunteer_id).where(Certificate.caravan_id == caravan.id)
        )
    )
    names = get_associations(set(association_ids(caravan)))
    lead = names.get(caravan.lead_association_id)
    partners = [names[a].name for a in association_ids(caravan)[1:] if a in names]
    signed_by = lead.name if lead else ""
    if partners:
        signed_by = f"{signed_by} · {' · '.join(partners)}"
    people = users_by_id({r[0] for r in rows})
    issued: list[int] = []
    for volunteer_id, minutes, first, last in rows:
        person = people.get(volunteer_id)
        if volunteer_id in had or person is None or not minutes:
            continue
        row = Certificate(
            code=services.new_code(),
            volunteer_id=volunteer_id,
            association_id=caravan.lead_association_id,
            holder_name=person.display_name,
            association_name=signed_by[:300],
            minutes=int(minutes),
            period_start=first,
            period_end=last,
            caravan_id=caravan.id,
        )
        if insert_once(row):
            issued.append(volunteer_id)
    caravan.certificates_at = utcnow()
    db.session.flush()
    if issued:
        notify(
            issued,
            kind="caravan_certificate",
            subject=f"caravan_certificate:{caravan.id}",
            text=_l(
                "Your certificate for the caravan “%(title)s” is ready. Thank you!",
                title=caravan.title,
            ),
            url="/volunteering/mine",
            actor_id=actor.id,
        )
    return len(issued)


# --- what pages and the API show --------------------------------------------------------------


def detail(caravan: Caravan, actor: User | None, lang: str) -> dict[str, Any]:
    """The caravan as its page and the API show it: partners, components with their roles
    (confirmed, needed; the volunteers' names only for the managers of the association that
    runs the component), the load, and what keeps it from being ready while it is planned."""
    partners = partners_of(caravan.id)
    components = components_of(caravan.id)
    roles = roles_of(components)
    names = {
        a: row.name
        for a, row in get_associations(
            {caravan.lead_association_id}
            | {p.association_id for p in partners}
            | {c.association_id for c in components}
        ).items()
    }
    people = accepted_volunteers(caravan, actor) if actor is not None else {}
    return {
        "id": caravan.id,
        "lead_association_id": caravan.lead_association_id,
        "lead_association_name": names.get(caravan.lead_association_id, ""),
        "title": caravan.title,
        "description": caravan.description,
        "province_id": caravan.province_id,
        "city_id": caravan.city_id,
        "place": place_label(caravan, lang),
        "douar": caravan.douar,
        "starts_on": caravan.starts_on,
        "ends_on": caravan.ends_on,
        "campaign_id": caravan.campaign_id,
        "status": caravan.status,
        "people_reached": caravan.people_reached,
        "story_ar": caravan.story_ar,
        "story_fr": caravan.story_fr,
        "partners": [
            {
                "association_id": p.association_id,
                "name": names.get(p.association_id, ""),
                "status": p.status,
            }
            for p in partners
        ],
        "components": [
            {
                "id": c.id,
                "association_id": c.association_id,
                "association_name": names.get(c.association_id, ""),
                "opportunity_id": c.opportunity_id,
                "kind": c.kind,
                "kind_label": str(labels.COMPONENT_LABELS[c.kind]),
                "title": c.title,
                "day": c.day,
                "start_time": c.start_time,
                "end_time": c.end_time,
                "place": c.place,
                "needs_authorization": REQUIRED_AUTHORIZATIONS.get(c.kind),
                "roles": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "quota": r.quota,
                        "confirmed": r.accepted,
                        "needed": needed(r.quota),
                        "volunteers": people.get(r.id, []),
                    }
                    for r in roles[c.id]
                ],
            }
            for c in components
        ],
        "in_kind": [
            {
                "id": row.id,
                "component_id": row.component_id,
                "kind": row.kind,
                "ref_id": row.ref_id,
                "label": row.label,
                "quantity": row.quantity,
            }
            for row in loads_of(caravan.id)
        ],
        "checks": [c.message for c in readiness(caravan)] if caravan.status in PLANNING else [],
        "url": caravan_path(caravan.id),
        "schedule_url": f"{caravan_path(caravan.id)}/schedule",
    }


def schedule(caravan: Caravan, lang: str) -> dict[str, Any]:
    """The public schedule for the douar, day by day: what, where, when; never who."""
    components = components_of(caravan.id)
    names = {
        a: row.name for a, row in get_associations({c.association_id for c in components}).items()
    }
    return {
        "id": caravan.id,
        "title": caravan.title,
        "status": caravan.status,
        "douar": caravan.douar,
        "place": place_label(caravan, lang),
        "starts_on": caravan.starts_on,
        "ends_on": caravan.ends_on,
        "items": [
            {
                "day": c.day,
                "start_time": c.start_time,
                "end_time": c.end_time,
                "kind": c.kind,
                "kind_label": str(labels.COMPONENT_LABELS[c.kind]),
                "title": c.title,
                "place": c.place,
                "association_name": names.get(c.association_id, ""),
            }
            for c in components
        ],
    }


def showcase_data(caravan: Caravan, lang: str) -> dict[str, Any]:
    figures = showcase(caravan)
    names = get_associations(set(association_ids(caravan)))
    return {
        "id": caravan.id,
        "title": caravan.title,
        "douar": caravan.douar,
        "place": place_label(caravan, lang),
        "starts_on": caravan.starts_on,
        "ends_on": caravan.ends_on,
        "associations": [names[a].name for a in association_ids(caravan) if a in names],
        "volunteers": figures.volunteers,
        "association_count": figures.associations,
        "components": figures.components,
        "people_reached": figures.people_reached,
        "hours": figures.hours,
        "certificates": figures.certificates,
        "story_ar": caravan.story_ar,
        "story_fr": caravan.story_fr,
    }
