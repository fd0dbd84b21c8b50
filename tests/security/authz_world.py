"""The authorization matrix's world: one of each role and one of each resource kind.

Built in the test's own database through the factories and the feature services, so every
object is in the state the application itself would leave it in.

Roles (columns of the matrix, always in this order):

- ``anonymous``: nobody signed in;
- ``outsider``: signed in, no membership anywhere, no moderation rights;
- ``member``, ``coordinator``, ``assoc_admin``: approved members of association A with that
  role (the member also writes the forum posts and messages, so "author" rights show in the
  member column);
- ``moderator``: moderates the public forum, belongs to no association;
- ``platform_admin``: ``is_admin``.

Resources: A (approved) and a pending association (registered by ``assoc_admin``); a pending
membership request of ``applicant`` to A; a public forum with a topic (first post and a reply
by the member), a hidden topic, a topic held for approval and a hidden reply; a direct
conversation (member + coordinator) and a group (assoc_admin, member, coordinator) with a
message by the member; a ``members``-only project of A with a milestone, an activity and a
comment; a public project of A.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, literal, literal_column, select, union_all

from app.accounts.auth import SESSION_KEY
from app.accounts.avatars import set_avatar
from app.accounts.models import User
from app.accounts.reset import make_reset_token
from app.accounts.services import issue_credential
from app.accounts.verify import make_verify_token
from app.db import db, utcnow
from directory import Association, load_reference_data
from directory.services import create_association, set_logo
from forums import moderation as forum_moderation
from forums import services as forum_services
from forums.models import Forum, Post, Topic
from messaging.models import Conversation, Message
from projects import feeds as project_feeds
from projects import services as project_services
from projects.models import Project, ProjectInvitation
from tests.conftest import ApiClient
from tests.messaging.factories import send
from tests.projects.factories import ActivityFactory, MilestoneFactory
from tests.support import world as make

ROLES = (
    "anonymous",
    "outsider",
    "member",
    "coordinator",
    "assoc_admin",
    "moderator",
    "platform_admin",
)

#: tables whose rows change on reads or belong to the test harness, left out of fingerprints
UNWATCHED_TABLES = {"credentials", "alembic_version"}


def tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (200, 30, 30, 255)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    app: Flask
    users: dict[str, User | None]
    ids: dict[str, Any]
    tokens: dict[str, str] = field(default_factory=dict)
    _pages: dict[str, FlaskClient] = field(default_factory=dict)

    # -- clients --------------------------------------------------------------------------
    def api(self, role: str) -> ApiClient:
        """A JSON client with the role's bearer token (anonymous: none)."""
        return ApiClient(self.app, self.tokens.get(role))

    def page(self, role: str) -> FlaskClient:
        """A browser-like client: the role's session cookie and a CSRF token in its session."""
        if role not in self._pages:
            client = self.app.test_client()
            raw = "authz-csrf-" + role
            with client.session_transaction() as session:
                session["csrf_token"] = raw
                user = self.users[role]
                if user is not None:
                    secret, _cred = issue_credential(user, "session", "authz matrix")
                    db.session.commit()
                    session[SESSION_KEY] = secret
            self._pages[role] = client
        return self._pages[role]

    def csrf(self, role: str) -> str:
        serializer = URLSafeTimedSerializer(self.app.config["SECRET_KEY"], salt="wtf-csrf-token")
        return str(serializer.dumps("authz-csrf-" + role))

    def user(self, role: str) -> User:
        found = self.users[role]
        assert found is not None
        return db.session.get(User, found.id) or found

    # -- state ----------------------------------------------------------------------------
    def fingerprint(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every watched table (what a denied write must leave untouched)."""
        db.session.expire_all()
        db.session.rollback()
        rows: dict[str, list[tuple[Any, ...]]] = {}
        # the models' tables (reflection would warn on the expression indexes)
        for name, table in sorted(db.metadata.tables.items()):
            if name in UNWATCHED_TABLES:
                continue
            rows[name] = sorted(
                (tuple(str(v) for v in row) for row in db.session.execute(select(table))),
            )
        db.session.rollback()
        return rows

    def fresh(self, kind: str, role: str) -> dict[str, Any]:
        """A new object of ``kind`` for a destructive row (each role attacks its own)."""
        db.session.expire_all()
        member = self.user("member")
        actor = self.users[role]
        if kind in ("reacted", "forum_watched", "topic_watched"):
            if actor is not None:
                actor = self.user(role)
                topic = db.session.get(Topic, self.ids["topic"])
                if kind == "reacted":
                    reply = db.session.get(Post, self.ids["reply"])
                    forum_services.react(actor, reply, topic, "like")
                elif kind == "forum_watched":
                    forum_services.set_watch(
                        actor, forum=db.session.get(Forum, topic.forum_id), on=True
                    )
                else:
                    forum_services.set_watch(actor, topic=topic, on=True)
                db.session.commit()
            return {}
        if kind == "reply":
            topic = db.session.get(Topic, self.ids["topic"])
            post = make.reply(member, topic, "Une réponse fraîche")
            return {"reply": post.id}
        if kind == "message":
            conversation = db.session.get(Conversation, self.ids["group"])
            result = send(member, conversation, "رسالة جديدة", f"fresh-{make.serial()}")
            db.session.commit()
            return {"message": result.message["id"]}
        if kind == "milestone":
            # project=, not project_id=: the factory's SubFactory would make a project of its own
            project = db.session.get(Project, self.ids["project"])
            return {"milestone": MilestoneFactory(project=project).id}
        if kind == "activity":
            project = db.session.get(Project, self.ids["project"])
            return {"activity": ActivityFactory(project=project).id}
        if kind in ("invitation", "shared_project"):
            # a members-only project of a fresh association X: inviting A, or co-owned with A
            other = make.association(f"Partner {make.serial()}")
            owners = [other]
            if kind == "shared_project":
                owners.append(db.session.get(Association, self.ids["assoc"]))
            project = make.project(*owners, visibility="members")
            if kind == "invitation":
                db.session.add(
                    ProjectInvitation(project_id=project.id, association_id=self.ids["assoc"])
                )
                db.session.commit()
            return {kind: project.id}
        if kind == "applicant":
            applicant = make.person()
            make.join(db.session.get(Association, self.ids["assoc"]), applicant, status="pending")
            return {"applicant": applicant.id}
        if kind in ("suspect", "suspended"):
            suspect = make.person()
            if kind == "suspended":
                suspect.is_active = False
                suspect.suspended_at = dt.datetime.now(dt.UTC)
                db.session.commit()
            return {"suspect": suspect.id}
        if kind == "credential":
            _secret, cred = issue_credential(member, "token", "spare")
            db.session.commit()
            return {"credential": cred.id}
        if kind == "pending_assoc":
            assoc = create_association(self.user("assoc_admin"), {"name": f"Fresh {make.serial()}"})
            db.session.commit()  # the test is the edge
            return {"pending_assoc": assoc.id}
        if kind == "moderated_forum":
            forum = make.forum(moderators=[self.user("moderator")])
            return {"forum": forum.id}
        if kind == "offer":
            return {"offer": make.offer(member, f"Offre fraîche {make.serial()}")}
        if kind in ("offer_claim", "accepted_claim"):
            offer = make.offer(member, f"Offre demandée {make.serial()}")
            accept_as = member if kind == "accepted_claim" else None
            claim = make.claim(offer, self.user("outsider"), accept_as)
            return {"offer_claim": claim, "offer": offer}
        if kind == "referral":
            from offers import claims as offer_claims
            from offers.models import Referral

            offer_claims.make_referral(self.user("assoc_admin"), self.ids["assoc"], member.id)
            db.session.commit()
            latest = db.session.scalar(select(func.max(Referral.id)))
            return {"referral": latest}
        if kind == "review_offer":
            author = make.person()
            return {"review_offer": make.offer(author, f"Première {make.serial()}", "review")}
        if kind in ("household", "verified_household", "dup_case", "entitlement"):
            return _aid_fresh(self, kind)
        if kind.startswith("camp_"):
            return _campaign_fresh(self, kind)
        if kind in ("grievance", "answered_grievance", "aid_limit"):
            return _aid_fresh_more(self, kind)
        if kind in ("aid_card", "aid_home_household", "aid_delivery"):
            return _aid_field(self.user("coordinator"), self.ids["assoc"], kind, member.id)
        if kind in (
            "expert_request",
            "expert_taken",
            "expert_closed",
            "expert_consented",
            "expert_published",
        ):
            return {kind: _expert_request(self.user("coordinator"), self.ids["assoc"], kind)}
        if kind.startswith("expert_session"):
            return _expert_session(self.user("coordinator"), self.ids["assoc"], kind)
        if kind.startswith("car"):
            return _fresh_caravan(self, kind)
        if kind.startswith("vol_"):
            return _fresh_volunteering(kind, self.ids["assoc"], self.user("coordinator"), member)
        if kind == "group":
            conversation = make.conversation(
                self.user("assoc_admin"),
                [self.user("member"), self.user("coordinator")],
                f"Groupe {make.serial()}",
            )
            return {"group": conversation.id}
        raise KeyError(kind)


def _aid_household(coordinator: User, assoc_id: int, name: str, phone: str | None) -> Any:
    from aid import services as aid_services
    from directory import Province

    assoc = db.session.get(Association, assoc_id)
    province = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    return aid_services.register_household(
        coordinator,
        assoc,
        {
            "head_name": name,
            "phone": phone,
            "address": "SECRET-ADDRESS",
            "birth_year": 1970,
            "province_id": province,
            "commune": "Taroudant",
            "size": 4,
            "consent": {"mode": "paper", "purposes": ["aid_delivery"], "language": "ar"},
            "needs": [{"code": "food_basket"}],
        },
        "assisted",
    )


def _aid_fresh(world: World, kind: str) -> dict[str, Any]:
    """A fresh aid object of association A for one role's attempt."""
    from aid import services as aid_services
    from aid.models import Distribution

    coordinator = world.user("coordinator")
    serial = make.serial()
    household = _aid_household(coordinator, world.ids["assoc"], f"Famille {serial}", None)
    if kind == "household":
        db.session.commit()
        return {"household": household.id}
    if kind == "dup_case":
        twin = _aid_household(coordinator, world.ids["assoc"], f"Famille {serial}", None)
        db.session.commit()
        return {"dup_case": aid_services.open_cases(twin.id)[0]}
    aid_services.verify(coordinator, household, "home_visit")
    if kind == "verified_household":
        db.session.commit()
        return {"verified_household": household.id}
    distribution = db.session.get(Distribution, world.ids["distribution"])
    entitlement, code = aid_services.entitle(coordinator, distribution, household.id)
    db.session.commit()
    return {"entitlement": entitlement.id, "code": code}


def _aid_field(coordinator: User, assoc_id: int, kind: str, member_id: int) -> dict[str, Any]:
    """A verified household of A with a card (its token and PIN), one that cannot come
    (elderly, living alone), or its home delivery assigned to the member, due now."""
    from aid import cards, deliveries
    from aid import services as aid_services
    from aid.models import Distribution, Household

    household = _aid_household(coordinator, assoc_id, f"Foyer {make.serial()}", None)
    aid_services.verify(coordinator, household, "home_visit")
    if kind == "aid_card":
        _card, token, pin = cards.issue_card(coordinator, household)
        db.session.commit()
        return {"card_token": token, "card_pin": pin}
    db.session.get(Household, household.id).vulnerabilities = ["elderly_alone"]
    db.session.flush()
    if kind == "aid_home_household":
        db.session.commit()
        return {"aid_home_household": household.id}
    distribution = db.session.scalars(
        select(Distribution).where(Distribution.association_id == assoc_id)
    ).first()
    row, _code = deliveries.create_delivery(
        coordinator,
        distribution,
        {"household_id": household.id, "assignee_id": member_id, "scheduled_at": utcnow()},
    )
    db.session.commit()
    return {"aid_delivery": row.id}


def _aid_fresh_more(world: World, kind: str) -> dict[str, Any]:
    """A fresh grievance of the member (``answered_grievance``: answered by the coordinator)
    or a frequency limit (its category) of association A."""
    from aid import grievances, kits

    assoc = db.session.get(Association, world.ids["assoc"])
    coordinator = world.user("coordinator")
    if kind == "aid_limit":
        kits.set_limit(coordinator, assoc, "blanket", 60)
        db.session.commit()
        return {"aid_limit": "blanket"}
    row = grievances.file(
        world.user("member"), assoc, {"kind": "quality", "body": f"Plainte {make.serial()}"}
    )
    if kind == "answered_grievance":
        grievances.answer(coordinator, row, "Réponse de l'association")
    db.session.commit()
    return {kind: row.id, "grievance": row.id}


def _aid(assoc: Any, coordinator: User, member: User, outsider: User) -> dict[str, Any]:
    """A's aid: a pending household (registered by the coordinator), a verified one, a
    duplicate case and a distribution on the association's premises."""
    from aid import services as aid_services
    from directory import Province

    household = _aid_household(coordinator, assoc.id, "SECRET-HOUSEHOLD-NAME", "0611111111")
    twin = _aid_household(coordinator, assoc.id, "Autre nom", "0611111111")
    other = _aid_household(coordinator, assoc.id, "Famille vérifiée", None)
    aid_services.verify(coordinator, other, "home_visit")
    distribution = aid_services.schedule(
        coordinator,
        assoc,
        {
            "title": "Ramadan",
            "place_kind": "premises",
            "place": "Local",
            "starts_at": dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC),
            "slots": 4,
        },
    )
    db.session.commit()
    return {
        "household": household.id,
        "verified_household": other.id,
        "dup_case": aid_services.open_cases(twin.id)[0],
        "distribution": distribution.id,
        **_aid_field(coordinator, assoc.id, "aid_delivery", member.id),
        "province": db.session.scalar(select(Province.id).order_by(Province.id).limit(1)),
        **_aid_more(assoc, coordinator, member, outsider),
    }


def _aid_more(assoc: Any, coordinator: User, member: User, outsider: User) -> dict[str, Any]:
    """A's stock item and location, a member's grievance that left a contact, and an
    outsider's data-access grievance about the household they registered themselves."""
    from aid import grievances
    from aid import services as aid_services
    from aid.models import Household
    from directory import Province

    made = aid_services.record_movement(
        coordinator,
        assoc,
        {"kind": "donation_in", "quantity": 50, "item_name": "Farine", "location_name": "Local"},
    )
    grievance = grievances.file(
        member, assoc, {"kind": "exclusion", "body": "SECRET-GRIEVANCE", "contact": "0600000000"}
    )
    province = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    own = aid_services.register_household(
        outsider,
        assoc,
        {
            "head_name": "Famille du visiteur",
            "province_id": province,
            "commune": "Taroudant",
            "size": 2,
            "consent": {"mode": "digital", "purposes": ["aid_delivery"], "language": "ar"},
        },
        "self",
    )
    assert isinstance(own, Household)
    data = grievances.file(
        outsider, assoc, {"kind": "data_access", "body": "Mes données", "household_id": own.id}
    )
    return {
        "aid_item": made[0].item_id,
        "aid_location": made[0].location_id,
        "grievance": grievance.id,
        "data_grievance": data.id,
    }


def _library(assoc: Any, assoc_admin: User, coordinator: User) -> dict[str, Any]:
    """A's library: a members' document, an administrators-only one, a members' knowledge
    page, an activity report and an open obligation."""
    from library import services as library_services
    from library.knowledge import services as knowledge_services
    from library.reports import services as report_services

    doc = make.document(assoc_admin, assoc.id, "Statuts", filename="statuts.pdf")
    secret = make.document(
        assoc_admin,
        assoc.id,
        "SECRET-FINANCES",
        visibility="admins",
        kind="financial_report",
        filename="finances.pdf",
        text="Finances",
    )
    page = knowledge_services.create_page(
        assoc_admin, assoc.id, {"title": "Guide", "body": "SECRET-PAGE", "visibility": "members"}
    )
    report = report_services.create_report(
        coordinator, assoc.id, {"title": "SECRET-REPORT", "held_on": dt.date(2026, 5, 2)}
    )
    obligation = library_services.add_obligation(
        assoc.id, "general_assembly", dt.date(2027, 1, 1), source="authz", title="AG"
    )
    return {
        "doc": doc.id,
        "secret_doc": secret.id,
        "kpage": page.id,
        "report": report.id,
        "obligation": obligation.id,
    }


def _offers(member: User, outsider: User, coordinator: User) -> dict[str, Any]:
    """The board: member's published offer (coordinator asked for it) and outsider's first
    post, waiting for review."""
    from offers import services as offer_services
    from offers.models import Offer

    offer = make.offer(member, "Cours de maths gratuits")
    review = make.offer(outsider, "SECRET-REVIEW-OFFER", status="review")
    claim = make.claim(offer, coordinator)
    thing = make.offer(member, "Livres à donner")
    thing_row = db.session.get(Offer, thing)
    thing_row.support_type = "books"
    photo = offer_services.add_photo(member, thing_row, tiny_png(), True)
    offer_services.set_donor(member, {"group": "O+", "city_id": thing_row.city_id})
    db.session.commit()
    return {
        "offer": offer,
        "review_offer": review,
        "offer_claim": claim,
        "city_agadir": make.city_id("agadir"),
        "offer_photo": photo.name,
    }


def _expert_request(coordinator: User, association_id: int, state: str) -> int:
    """A request of the association, asked by its coordinator and offered to the expert (the
    moderator); taken by them (``expert_taken``) and answered (``expert_closed``); both
    sides consented to publish it in the library (``expert_consented``), and published
    (``expert_published``)."""
    from experts import access as expert_access
    from experts import publishing as expert_publishing
    from experts import services as expert_services

    row = expert_services.ask(
        coordinator,
        {
            "association_id": association_id,
            "domain": "legal",
            "mode": "question",
            "language": "fr",
            "title": f"Question juridique {make.serial()}",
            "question": "Quels documents déposer après le renouvellement du bureau ?",
        },
    )
    if state != "expert_request":
        offer = expert_access.get_open_offer(row.id, _moderator_expert())
        expert_services.accept(_moderator_expert(), offer)
        if state != "expert_taken":
            expert_services.close(_moderator_expert(), row, "Le PV de l'AG et la liste du bureau.")
        if state in ("expert_consented", "expert_published"):
            expert_publishing.consent(coordinator, row)
            expert_publishing.consent(_moderator_expert(), row)
        if state == "expert_published":
            expert_publishing.publish(coordinator, row, {})
    db.session.commit()  # the test is the edge
    return row.id


def _expert_session(coordinator: User, association_id: int, state: str) -> dict[str, Any]:
    """A one-hour-session request of the association taken by the expert (the moderator)
    (``expert_session_taken``), with a session booked by the coordinator
    (``expert_session``), or one whose hour has begun (``expert_session_started``); and
    ``expert_hour``, a free hour of the expert to book or move it to."""
    from experts import access as expert_access
    from experts import services as expert_services
    from experts import sessions as expert_sessions
    from experts.models import ExpertProfile, ExpertSession

    row = expert_services.ask(
        coordinator,
        {
            "association_id": association_id,
            "domain": "legal",
            "mode": "session",
            "language": "fr",
            "title": f"Séance juridique {make.serial()}",
            "question": "Pouvons-nous revoir ensemble le règlement intérieur ?",
        },
    )
    expert = _moderator_expert()
    expert_services.accept(expert, expert_access.get_open_offer(row.id, expert))
    found: dict[str, Any] = {"expert_session_taken": row.id}
    profile = db.session.get(ExpertProfile, row.expert_id)
    assert profile is not None
    now = dt.datetime.now(dt.UTC)
    if state != "expert_session_taken":
        session = expert_sessions.book(
            coordinator, row, expert_sessions.free_hours(profile, now)[0]
        )
        if state == "expert_session_started":
            begun = now - dt.timedelta(minutes=10)
            session.starts_at, session.ends_at = begun, begun + dt.timedelta(hours=1)
        found[state] = session.id
        db.session.flush()
        assert db.session.get(ExpertSession, session.id) is not None
    found["expert_hour"] = expert_sessions.free_hours(profile, now)[0].isoformat()
    db.session.commit()  # the test is the edge
    return found


def _moderator_expert() -> User:
    found = db.session.scalar(select(User).where(User.username == "salma"))
    assert found is not None
    return found


def _experts(moderator: User, coordinator: User, association_id: int) -> dict[str, Any]:
    """The moderator is also an expert; the coordinator's requests in three states."""
    from experts import services as expert_services

    profile = expert_services.create_profile(
        moderator,
        {
            "headline": "Avocate",
            "domains": ["legal"],
            "languages": ["fr", "ar"],
            "modes": ["question", "session"],
            "weekly_slots": [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(7)],
            "remote": True,
            "monthly_capacity": 20,
            "no_fee": True,
        },
    )
    db.session.commit()  # the test is the edge
    from experts import calendar as expert_calendar

    # someone outside the roles: deleting one's own feed stays a no-op for every role
    feed_secret = expert_calendar.regenerate_feed(
        make.person("Nadia Calendrier", username=f"nadia{make.serial()}")
    )
    db.session.commit()
    return {
        "expert": profile.id,
        **{
            kind: _expert_request(coordinator, association_id, kind)
            for kind in ("expert_request", "expert_taken", "expert_closed")
        },
        # a booked session and its request (rows that make fresh ones per role read these
        # in checks that send one request per rule, as the security headers' test)
        **_expert_session(coordinator, association_id, "expert_session"),
        "expert_feed_secret": feed_secret,
    }


def _vol_opportunity(
    assoc_id: int, coordinator: User, *, started: bool = False, contractual: bool = False
) -> Any:
    """A call for volunteers of A by its coordinator: one role, one shift (in ten days, or
    started ten minutes ago)."""
    from volunteering import services as vol_services

    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(minutes=10) if started else now + dt.timedelta(days=10)
    made = vol_services.publish(
        coordinator,
        {
            "association_id": assoc_id,
            "title": f"Chantier solidaire {make.serial()}",
            "description": "Peinture d'une école du douar, repas pris en charge.",
            "skills": ["construction"],
            "city_id": make.city_id("taroudant"),
            "starts_on": now.date(),
            "ends_on": now.date() + dt.timedelta(days=20),
            "min_age": 18,
            "contractual": contractual,
            "roles": [{"title": "Peinture", "quota": 50}],
            "shifts": []
            if started
            else [{"starts_at": start, "ends_at": start + dt.timedelta(hours=4), "capacity": 50}],
        },
    )
    if started:
        from volunteering.models import Shift

        db.session.add(
            Shift(
                opportunity_id=made.id,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=4),
                capacity=50,
            )
        )
    db.session.flush()
    return made


def _vol_accepted(opportunity: Any, coordinator: User, who: User) -> Any:
    from volunteering import services as vol_services

    row = vol_services.apply(who, opportunity, {})
    return vol_services.answer(coordinator, row, opportunity, "accept")


def _vol_shift(opportunity: Any) -> Any:
    from volunteering.models import Shift

    return db.session.scalar(select(Shift).where(Shift.opportunity_id == opportunity.id))


def _vol_worked(assoc_id: int, opportunity: Any, member: User) -> Any:
    from volunteering.models import Hours

    hours = Hours(
        volunteer_id=member.id,
        association_id=assoc_id,
        opportunity_id=opportunity.id,
        minutes=240,
        worked_on=dt.date(2026, 5, 2),
    )
    db.session.add(hours)
    db.session.flush()
    return hours


def _volunteering(assoc_id: int, coordinator: User, member: User) -> dict[str, Any]:
    """Volunteering: a call of A; the member (an adult volunteer with an emergency contact)
    accepted to it, signed up for its shift, with verified hours and a certificate."""
    from volunteering import services as vol_services

    vol_services.save_profile(
        member, {"birth_year": 1990, "emergency_contact": "SECRET-EMERGENCY-CONTACT"}
    )
    opportunity = _vol_opportunity(assoc_id, coordinator)
    application = _vol_accepted(opportunity, coordinator, member)
    shift = _vol_shift(opportunity)
    signup = vol_services.sign_up(member, shift, opportunity)
    hours = _vol_worked(assoc_id, opportunity, member)
    vol_services.verify_hours(coordinator, hours)
    certificate = vol_services.issue_certificate(member, assoc_id)
    db.session.commit()
    return {
        "vol_opp": opportunity.id,
        "vol_app": application.id,
        "vol_shift": shift.id,
        "vol_signup": signup.id,
        "vol_cert": certificate.id,
        "vol_code": certificate.code,
    }


def _fresh_volunteering(
    kind: str, assoc_id: int, coordinator: User, member: User
) -> dict[str, Any]:
    """A new volunteering object of ``kind`` for one role's attempt."""
    from volunteering import services as vol_services
    from volunteering.models import Signup

    opportunity = _vol_opportunity(
        assoc_id,
        coordinator,
        started=kind == "vol_live_signup",
        contractual=kind in ("vol_contract", "vol_contract_app", "vol_signed_contract"),
    )
    out: dict[str, Any] = {"vol_opp": opportunity.id}
    if kind == "vol_application":
        applicant = make.person()
        vol_services.save_profile(applicant, {"birth_year": 1992})
        out["vol_application"] = vol_services.apply(applicant, opportunity, {}).id
    elif kind in ("vol_shift", "vol_signup", "vol_live_signup"):
        _vol_accepted(opportunity, coordinator, member)
        shift = _vol_shift(opportunity)
        out["vol_shift"] = shift.id
        if kind == "vol_signup":
            out["vol_signup"] = vol_services.sign_up(member, shift, opportunity).id
        elif kind == "vol_live_signup":
            row = Signup(shift_id=shift.id, volunteer_id=member.id)
            db.session.add(row)
            shift.taken = 1
            db.session.flush()
            out["vol_signup"] = row.id
    elif kind == "vol_hours":
        out["vol_hours"] = _vol_worked(assoc_id, opportunity, member).id
    elif kind == "vol_contract_app":
        applicant = make.person()
        vol_services.save_profile(applicant, {"birth_year": 1991})
        out["vol_contract_app"] = vol_services.apply(applicant, opportunity, {}).id
    elif kind in ("vol_contract", "vol_signed_contract"):
        from volunteering import contracts

        application = vol_services.apply(member, opportunity, {})
        contract = contracts.create(
            coordinator,
            application,
            opportunity,
            {"tasks": "Peinture des salles", "insurance_reference": "ASS-1"},
        )
        out["vol_contract"] = contract.id
        if kind == "vol_signed_contract":  # signed by both sides
            contracts.sign(member, contract)
            contracts.sign(coordinator, contract)
    db.session.commit()
    return out


def build_world(app: Flask) -> World:
    load_reference_data()
    member = make.person("Mina member", username="mina")
    coordinator = make.person("Karim coordinator", username="karim")
    assoc_admin = make.person("Badr admin", username="badr")
    outsider = make.person("Omar outsider", username="omar")
    moderator = make.person("Salma moderator", username="salma")
    platform_admin = make.person("Platform admin", username="root", is_admin=True)
    applicant = make.person("Yasmine applicant", username="yasmine")

    assoc = make.association(
        "Association Al Amal",
        member=member,
        coordinator=coordinator,
        admin=assoc_admin,
        pending=applicant,
    )
    pending = create_association(assoc_admin, {"name": "جمعية في الانتظار"})
    db.session.commit()  # the test is the edge
    set_logo(assoc_admin, assoc, tiny_png())
    db.session.commit()  # the test is the edge

    forum = make.forum(moderators=[moderator])
    topic, first = make.topic(member, forum, "Topic about water", "Premier post")
    reply = make.reply(member, topic, "Une réponse")
    hidden_reply = make.reply(member, topic, "SECRET-HIDDEN-REPLY")
    hidden_topic, _hp = make.topic(member, forum, "SECRET-HIDDEN-TOPIC", "Hidden topic body")
    pending_topic, pending_post = make.topic(
        member, forum, "SECRET-PENDING-TOPIC", "Pending topic body"
    )
    forum_moderation.moderate_post(platform_admin, hidden_reply, topic, "hide")
    hidden_topic.hidden = True
    pending_topic.pending = True
    pending_post.pending = True
    db.session.commit()

    direct = make.conversation(member, [coordinator])
    group = make.conversation(assoc_admin, [member, coordinator], "SECRET-GROUP-TITLE")
    sent = send(member, group, "SECRET-GROUP-MESSAGE", "world-1")
    send(member, direct, "SECRET-DIRECT-MESSAGE", "world-2")

    project = make.project(assoc, title="SECRET-PRIVATE-PROJECT", visibility="members")
    public_project = make.project(assoc, title="Public project", visibility="public")
    milestone = MilestoneFactory(project=project, title="SECRET-MILESTONE")
    activity = ActivityFactory(
        project=project,
        title="SECRET-ACTIVITY",
        starts_at=dt.datetime(2026, 5, 2, 9, 0, tzinfo=dt.UTC),
    )
    project_services.add_comment(coordinator, project, "SECRET-COMMENT")
    feed_secret = project_feeds.regenerate_feed(member)
    library = _library(assoc, assoc_admin, coordinator)
    offers = _offers(member, outsider, coordinator)
    aid = _aid(assoc, coordinator, member, outsider)
    experts = _experts(moderator, coordinator, assoc.id)
    campaigns = _campaigns(assoc.id, assoc_admin, coordinator, member)
    volunteering = _volunteering(assoc.id, coordinator, member)
    caravans = _caravans(assoc.id, coordinator, member)
    spare_secret, spare = issue_credential(member, "token", "spare")
    reset_token = make_reset_token(member)
    verify_token = make_verify_token(member)
    set_avatar(coordinator, tiny_png())
    db.session.commit()

    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "coordinator": coordinator,
        "assoc_admin": assoc_admin,
        "moderator": moderator,
        "platform_admin": platform_admin,
    }
    ids: dict[str, Any] = {
        "assoc": assoc.id,
        "pending_assoc": pending.id,
        "logo": assoc.logo,
        "applicant": applicant.id,
        "member_id": member.id,
        "coordinator_id": coordinator.id,
        "avatar": coordinator.avatar,
        "outsider_id": outsider.id,
        "moderator_id": moderator.id,
        "forum": forum.id,
        "topic": topic.id,
        "post": first.id,
        "reply": reply.id,
        "hidden_reply": hidden_reply.id,
        "hidden_topic": hidden_topic.id,
        "pending_topic": pending_topic.id,
        "direct": direct.id,
        "group": group.id,
        "message": sent.message["id"],
        "project": project.id,
        "public_project": public_project.id,
        "milestone": milestone.id,
        "activity": activity.id,
        "feed_secret": feed_secret,
        "credential": spare.id,
        "spare_secret": spare_secret,
        "reset_token": reset_token,
        "verify_token": verify_token,
        **library,
        **offers,
        **aid,
        **experts,
        **campaigns,
        **volunteering,
        **caravans,
    }
    world = World(app=app, users=users, ids=ids)
    for role, who in users.items():
        if who is not None:
            world.tokens[role], _cred = issue_credential(who, "token", "authz matrix")
    db.session.commit()
    return world


# -- additions for the socket matrix (tests/security/test_authz_sockets.py) ------------------


def add_socket_resources(world: World) -> None:
    """Add what the socket matrix needs on top of :func:`build_world`, which stays as the HTTP
    matrix knows it.

    - ``inbox``: the outsider's conversation with association A's shared inbox, with a message
      by the outsider (``inbox_message``) answered by A's admin and coordinator, so both hold
      the staff row that access gives them;
    - ``direct_message``: the member's message in the direct conversation;
    - ``network_project``: a ``network`` project of A; ``public_milestone`` and
      ``network_milestone``: a milestone in the public and in the network project.
    """
    outsider = world.user("outsider")
    assoc_id = world.ids["assoc"]
    inbox = make.conversation(outsider, association_id=assoc_id)
    asked = send(outsider, inbox, "SECRET-INBOX-MESSAGE", "world-inbox")
    for role in ("assoc_admin", "coordinator"):
        send(world.user(role), inbox, f"Réponse de {role}", f"world-{role}")
    direct_message = db.session.scalar(
        select(Message.id)
        .where(Message.conversation_id == world.ids["direct"])
        .order_by(Message.id)
        .limit(1)
    )
    assoc = db.session.get(Association, assoc_id)
    network = make.project(assoc, title="Network project", visibility="network")
    public = db.session.get(Project, world.ids["public_project"])
    world.ids.update(
        inbox=inbox.id,
        inbox_message=asked.message["id"],
        direct_message=direct_message,
        network_project=network.id,
        # project=, not project_id=: the factory's SubFactory would make a project of its own
        public_milestone=MilestoneFactory(project=public).id,
        network_milestone=MilestoneFactory(project=network).id,
    )
    db.session.commit()


# -- campaigns ---------------------------------------------------------------------------------


def _campaign_row(coordinator: User, association_id: int, state: str, **changes: Any) -> Any:
    """A campaign of the association drafted by its coordinator: ``draft``, ``live`` or
    ``closed`` (closed by the administrator, its treasurer)."""
    from campaigns import services as campaign_services

    today = dt.datetime.now(dt.UTC).date()
    data: dict[str, Any] = {
        "association_id": association_id,
        "title": f"Paniers de Ramadan {make.serial()}",
        "story_fr": "Des paniers pour les familles des douars",
        "target_group": "Familles des douars",
        "min_goal": 100_00,
        "optimum_goal": 1_000_00,
        "starts_on": today - dt.timedelta(days=1),
        "ends_on": today + dt.timedelta(days=30),
        "bank_reference": "CIH 0001",
        "budget_lines": [{"label": "Paniers", "amount": 1_000_00}],
        **changes,
    }
    row = campaign_services.create_campaign(coordinator, data)
    if state in ("live", "closed", "failed"):
        campaign_services.go_live(coordinator, row)
    return row


def _campaign_pledge(donor: User, campaign: Any, method: str = "cash", amount: int = 150_00) -> Any:
    from campaigns import services as campaign_services

    return campaign_services.pledge(donor, campaign, {"amount": amount, "method": method})


def _campaigns(assoc_id: int, assoc_admin: User, coordinator: User, member: User) -> dict[str, Any]:
    """A live campaign with a budget line, the member's pledge (cash) and confirmed gift (with
    its receipt), an expense with its receipt, an unmatched statement line and an update; a
    failed all-or-nothing campaign with a refund task."""
    from campaigns import services as campaign_services
    from campaigns.models import RefundTask, StatementLine
    from library import services as library_services

    today = dt.datetime.now(dt.UTC).date()
    library_services.create_authorization(
        assoc_id,
        {
            "kind": "public_appeal",
            "authority": "SGG",
            "reference": "AP-1",
            "valid_from": today - dt.timedelta(days=30),
            "valid_to": today + dt.timedelta(days=300),
        },
    )
    live = _campaign_row(coordinator, assoc_id, "live")
    pledge = _campaign_pledge(member, live, "transfer")
    gift = _campaign_pledge(member, live)
    campaign_services._confirm(gift, assoc_admin)
    expense = campaign_services.submit_expense(
        coordinator,
        live,
        {"amount": 300_00, "budget_line_id": _campaign_line(live.id), "supplier": "Souk"},
        ("facture.pdf", "application/pdf", b"%PDF-1.4 facture"),
    )
    line = StatementLine(campaign_id=live.id, booked_on="01/03", amount=42_00, label="VERSEMENT")
    db.session.add(line)
    campaign_services.post_update(coordinator, live, "300 paniers sont prêts.", None)
    photo = library_services.create_document(
        assoc_admin,
        assoc_id,
        {"kind": "photo", "title": "Distribution", "visibility": "members"},
        "distribution.png",
        tiny_png(),
    )
    library_services.add_consent(
        assoc_admin, photo, {"subject_label": "Famille Aït Lahcen", "scope": "public"}
    )
    pictured = campaign_services.post_update(
        coordinator, live, "Les paniers partent.", photo.id, "Des paniers dans un camion"
    )
    failed = _campaign_row(coordinator, assoc_id, "live", model="all_or_nothing", min_goal=900_00)
    lost = _campaign_pledge(member, failed)
    campaign_services._confirm(lost, assoc_admin)
    campaign_services.close(assoc_admin, failed)
    refund = db.session.scalars(select(RefundTask).where(RefundTask.campaign_id == failed.id)).one()
    db.session.commit()
    return {
        "campaign": live.id,
        "campaign_pledge": pledge.id,
        "campaign_gift": gift.id,
        "campaign_expense": expense.id,
        "campaign_line": _campaign_line(live.id),
        "campaign_failed": failed.id,
        "campaign_refund": refund.id,
        "campaign_photo": photo.id,
        "campaign_pictured": pictured.id,
    }


def _campaign_line(campaign_id: int) -> int:
    from campaigns.models import BudgetLine

    found = db.session.scalar(
        select(BudgetLine.id).where(BudgetLine.campaign_id == campaign_id).order_by(BudgetLine.id)
    )
    assert found is not None
    return int(found)


def _campaign_fresh(world: World, kind: str) -> dict[str, Any]:
    """A fresh campaign object of association A for one role's attempt."""
    from campaigns import services as campaign_services
    from campaigns.models import Campaign, Expense, RefundTask, StatementLine

    coordinator, admin = world.user("coordinator"), world.user("assoc_admin")
    member = world.user("member")
    live = db.session.get(Campaign, world.ids["campaign"])
    assert live is not None
    found: dict[str, Any]
    if kind == "camp_group":
        row = _campaign_row(
            coordinator,
            world.ids["assoc"],
            "draft",
            group_name="Jeunes de Tiout",
            group_referent="Brahim",
        )
        found = {kind: row.id}
    elif kind in ("camp_draft", "camp_live", "camp_closed"):
        row = _campaign_row(coordinator, world.ids["assoc"], kind.removeprefix("camp_"))
        if kind == "camp_closed":
            campaign_services.close(admin, row)
        found = {kind: row.id}
    elif kind in ("camp_pledge", "camp_confirmed"):
        gift = _campaign_pledge(member, live)
        if kind == "camp_confirmed":
            campaign_services._confirm(gift, admin)
        found = {kind: gift.id}
    elif kind in ("camp_expense", "camp_approved"):
        expense = Expense(
            campaign_id=live.id,
            budget_line_id=world.ids["campaign_line"],
            amount=50_00,
            supplier="Souk",
            status="approved" if kind == "camp_approved" else "submitted",
            submitted_by=coordinator.id,
        )
        db.session.add(expense)
        db.session.flush()
        found = {kind: expense.id}
    elif kind == "camp_line":
        gift = _campaign_pledge(member, live, "transfer", 61_00)
        line = StatementLine(campaign_id=live.id, booked_on="02/03", amount=61_00, label="VIR")
        db.session.add(line)
        db.session.flush()
        found = {"camp_line": line.id, "camp_line_pledge": gift.id}
    else:  # camp_refund
        failed = db.session.get(Campaign, world.ids["campaign_failed"])
        assert failed is not None
        gift = _stored_pledge(failed.id, failed.association_id, member.id)
        campaign_services._confirm(gift, admin)
        task = RefundTask(campaign_id=failed.id, contribution_id=gift.id, status="open")
        db.session.add(task)
        db.session.flush()
        found = {"camp_refund": task.id}
    db.session.commit()
    return found


def _stored_pledge(campaign_id: int, association_id: int, user_id: int) -> Any:
    """A pledge stored as it is (the failed campaign no longer takes pledges)."""
    from campaigns.models import Contribution

    row = Contribution(
        campaign_id=campaign_id,
        association_id=association_id,
        user_id=user_id,
        reference=f"J3T{make.serial():07d}",
        amount=80_00,
        method="cash",
        status="pledged",
    )
    db.session.add(row)
    db.session.flush()
    return row


def fresh_message(world: World, conversation_key: str) -> int:
    """A new message in ``world.ids[conversation_key]``, sent by the person who opened it (the
    member, or the outsider for the inbox): something a destructive row may destroy."""
    conversation = db.session.get(Conversation, world.ids[conversation_key])
    assert conversation is not None
    sender = world.user("outsider" if conversation_key == "inbox" else "member")
    result = send(sender, conversation, "رسالة جديدة", f"fresh-{make.serial()}")
    db.session.commit()
    return int(result.message["id"])


def session_cookie(world: World, role: str) -> str:
    """``name=value`` of the role's browser session cookie (anonymous: a session without
    anybody in it)."""
    name = world.app.config["SESSION_COOKIE_NAME"]
    cookie = world.page(role).get_cookie(name)
    assert cookie is not None
    return f"{name}={cookie.value}"


def snapshot(world: World) -> dict[str, list[Any]]:
    """What :meth:`World.fingerprint` tells (every row of every watched table), in a single
    query on PostgreSQL: there the fingerprint's round trip per table adds up to seconds
    over a matrix that takes one before and after each attempt."""
    if db.engine.dialect.name != "postgresql":
        return world.fingerprint()
    db.session.expire_all()
    db.session.rollback()
    names = [n for n in sorted(db.metadata.tables) if n not in UNWATCHED_TABLES]
    parts = [
        select(
            literal(name).label("name"), literal_column("CAST(t AS text)").label("row")
        ).select_from(db.metadata.tables[name].alias("t"))
        for name in names
    ]
    rows: dict[str, list[Any]] = {name: [] for name in names}
    for name, row in db.session.execute(union_all(*parts)):
        rows[name].append(row)
    db.session.rollback()
    return {name: sorted(found) for name, found in rows.items()}


# -- caravans (volunteering) --------------------------------------------------------------------


def _caravan(
    lead_id: int,
    lead_coordinator: User,
    *,
    status: str = "planning",
    past: bool = False,
) -> tuple[Any, Any]:
    """A caravan of ``lead_id`` in thirty days (or, ``past``, moved to ten days ago) with one
    component of the lead (a school repair, one role of four), in ``status``."""
    from volunteering import caravans
    from volunteering.models import Opportunity

    today = dt.datetime.now(dt.UTC).date()
    row = caravans.create(
        lead_coordinator,
        {
            "lead_association_id": lead_id,
            "title": f"Qafila {make.serial()}",
            "description": "Journée médicale et réfection de l'école.",
            "city_id": make.city_id("taroudant"),
            "douar": "Douar Aït Iazza",
            "starts_on": today + dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=32),
        },
    )
    component = caravans.add_component(
        lead_coordinator,
        row,
        {
            "kind": "school_repair",
            "title": "Réfection de l'école",
            "day": row.starts_on,
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "École du douar",
            "roles": [{"title": "Peinture", "quota": 4}],
        },
    )
    if past:
        row.starts_on = component.day = today - dt.timedelta(days=10)
        row.ends_on = today - dt.timedelta(days=8)
        opportunity = db.session.get(Opportunity, component.opportunity_id)
        assert opportunity is not None
        opportunity.starts_on = opportunity.ends_on = row.starts_on
    row.status = status
    db.session.flush()
    return row, component


def _caravan_worked(
    row: Any, component: Any, coordinator: User, member: User, verified: bool
) -> None:
    """The member accepted to the component's role, with four hours on the caravan's first day."""
    from volunteering import services as vol_services
    from volunteering.models import Hours, Opportunity

    opportunity = db.session.get(Opportunity, component.opportunity_id)
    vol_services.save_profile(member, {"birth_year": 1994})
    application = vol_services.apply(member, opportunity, {})
    application.status = "accepted"
    db.session.add(
        Hours(
            volunteer_id=member.id,
            association_id=component.association_id,
            opportunity_id=component.opportunity_id,
            minutes=240,
            worked_on=row.starts_on,
            status="verified" if verified else "pending",
            verified_by_id=coordinator.id if verified else None,
        )
    )
    db.session.flush()


def _caravans(assoc_id: int, coordinator: User, member: User) -> dict[str, Any]:
    """Caravans led by A: one planned (public schedule), one draft, one done (showcase)."""
    planned, component = _caravan(assoc_id, coordinator)
    draft, _c = _caravan(assoc_id, coordinator, status="draft")
    done, _done_component = _caravan(assoc_id, coordinator, status="done", past=True)
    done.people_reached, done.story_fr = 420, "Une caravane réussie."
    db.session.flush()
    return {
        "car": planned.id,
        "car_component": component.id,
        "car_draft": draft.id,
        "car_done": done.id,
    }


def _fresh_caravan(world: World, kind: str) -> dict[str, Any]:
    """A new caravan of ``kind`` for one role's attempt: ``car`` (A leads, planned),
    ``car_invite`` (X leads and invited A), ``car_partner`` (X leads, A accepted; X's
    component), ``car_done_hours`` (done, the member's hours pending), ``car_done`` (done,
    the member's hours verified)."""
    from volunteering import caravans

    coordinator, member = world.user("coordinator"), world.user("member")
    assoc_id = world.ids["assoc"]
    out: dict[str, Any] = {}
    if kind in ("car_invite", "car_partner"):
        lead_coord = make.person()
        other = make.association(f"Tanmia {make.serial()}", coordinator=lead_coord)
        row, component = _caravan(other.id, lead_coord, status="draft")
        caravans.invite(lead_coord, row, assoc_id)
        if kind == "car_partner":
            caravans.answer_invitation(coordinator, row, assoc_id, True)
        row.status = "planning"
    elif kind in ("car_done", "car_done_hours"):
        row, component = _caravan(assoc_id, coordinator, status="done", past=True)
        _caravan_worked(row, component, coordinator, member, verified=kind == "car_done")
    else:
        row, component = _caravan(assoc_id, coordinator)
        out["car_other"] = make.association(f"Amal {make.serial()}").id
    db.session.commit()
    out.update({"car": row.id, "car_component": component.id, "car_day": row.starts_on.isoformat()})
    return out
