"""The one builder of a test's world: people, associations with their roles, a forum and its
topics, a conversation, a project, a library document, an offer and a request for it.

Each function builds one thing the way the application itself would leave it (through the
services where a service makes it, through the factories for plain rows), commits, and returns
it, so a fixture reads as the list of what its tests stand on::

    a = world.association("Association Al Amal", member=mina, coordinator=karim)
    forum = world.forum(moderators=[salma])
    topic, first = world.topic(mina, forum, "About water")
    direct = world.conversation(mina, [karim])

The fixtures of each test package (``world`` in ``tests/projects``, ``tests/library``, the
authorization matrices' ``tests/security/authz_world.py``...) are made of these calls.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from directory import Association, City
from directory.models import Membership
from forums import services as forum_services
from forums.models import Forum, ForumModerator, Post, Topic
from library import services as library_services
from library.demo import tiny_pdf
from messaging import services as chat_services
from messaging.models import Conversation
from offers import claims as offer_claims
from offers import services as offer_services
from offers.models import Offer, Standing
from projects.models import Project
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory
from tests.projects.factories import ProjectFactory

_serial = itertools.count(1)

People = User | Sequence[User] | None


def serial() -> int:
    """A number never given before in this process (unique titles, client ids)."""
    return next(_serial)


# -- people and associations ------------------------------------------------------------------


def person(display_name: str | None = None, **fields: Any) -> User:
    """A person who can sign in (``tests.factories.PASSWORD``); ``is_admin=True`` for a
    platform administrator."""
    if display_name is not None:
        fields["display_name"] = display_name
    return UserFactory(**fields)


def people(*roles: str) -> dict[str, User]:
    """One person per role name, each named after it (``people("member", "outsider")``)."""
    return {role: person(role.replace("_", " ").capitalize()) for role in roles}


def join(
    association: Association, user: User, role: str = "member", status: str = "approved"
) -> Membership:
    """``user`` in ``association`` with ``role`` (``status="pending"``: a join request)."""
    # association=, not association_id=: the SubFactory would make an association of its own
    return MembershipFactory(association=association, user=user, role=role, status=status)


def _each(who: People) -> list[User]:
    if who is None:
        return []
    return [who] if isinstance(who, User) else list(who)


def association(
    name: str | None = None,
    *,
    admin: People = None,
    coordinator: People = None,
    member: People = None,
    pending: People = None,
    **fields: Any,
) -> Association:
    """An association (approved unless ``status=`` says otherwise) with these people in these
    roles; ``pending``: people whose request to join waits."""
    if name is not None:
        fields["name"] = name
    found = AssociationFactory(**fields)
    for role, who in (("member", member), ("coordinator", coordinator), ("admin", admin)):
        for user in _each(who):
            join(found, user, role)
    for user in _each(pending):
        join(found, user, "member", status="pending")
    return found


# -- forums ---------------------------------------------------------------------------------


def forum(moderators: Iterable[User] = ()) -> Forum:
    """A forum moderated by ``moderators``."""
    made = ForumFactory()
    for user in moderators:
        db.session.add(ForumModerator(forum_id=made.id, user_id=user.id))
    db.session.commit()
    return made


def topic(
    author: User, in_forum: Forum, title: str = "A topic to discuss", body: str = "First post"
) -> tuple[Topic, Post]:
    """A topic opened by ``author`` and its first post."""
    made = forum_services.create_topic(author, in_forum, title, body)
    db.session.commit()
    return made


def reply(author: User, to: Topic, body: str = "A reply") -> Post:
    made = forum_services.reply(author, to, body)
    db.session.commit()
    return made


# -- messaging, projects --------------------------------------------------------------------


def conversation(
    opener: User,
    others: Iterable[User] = (),
    title: str | None = None,
    association_id: int | None = None,
) -> Conversation:
    """A direct conversation (one other), a group (``title``) or an association's shared
    inbox (``association_id``), opened by ``opener``."""
    ids = [user.id for user in others]
    if association_id is not None:
        made, _created = chat_services.start_conversation(
            opener, ids, association_id=association_id
        )
    elif title is not None:
        made, _created = chat_services.start_conversation(opener, ids, title)
    else:
        made, _created = chat_services.start_conversation(opener, ids)
    db.session.commit()
    return made


def project(
    *owners: Association, title: str | None = None, visibility: str = "members", **fields: Any
) -> Project:
    """A project owned by ``owners``."""
    if title is not None:
        fields["title"] = title
    return ProjectFactory(visibility=visibility, associations=list(owners), **fields)


# -- library, offers ------------------------------------------------------------------------


def document(
    admin: User,
    association_id: int,
    title: str = "Statuts",
    visibility: str = "members",
    kind: str = "statutes",
    filename: str = "statuts.pdf",
    text: str | None = None,
) -> Any:
    """A PDF (saying ``text``, else the title) in an association's library, uploaded by one of
    its administrators."""
    made = library_services.create_document(
        admin,
        association_id,
        {"kind": kind, "title": title, "visibility": visibility},
        filename,
        tiny_pdf(text or title),
    )
    db.session.commit()
    return made


def city_id(code: str = "agadir") -> int:
    """A city of the reference data (``directory.load_reference_data()`` loaded first)."""
    found = db.session.scalar(select(City.id).where(City.code == code))
    assert found is not None, f"no city {code!r}: load the reference data first"
    return found


def offer(author: User, title: str, status: str = "published") -> int:
    """A tutoring offer in Agadir by ``author``: published at once (the author is vouched for)
    or, ``status="review"``, waiting for a moderator as a newcomer's first post. Its
    fingerprint is cleared so the next one is no near-duplicate."""
    if status == "published" and db.session.get(Standing, author.id) is None:
        row = offer_services.standing(author.id)
        row.vouched_by_id = author.id
    made = offer_services.publish(
        author,
        {
            "kind": "offer",
            "support_type": "tutoring",
            "city_id": city_id(),
            "capacity": 3,
            "audience": ["student"],
            "free": True,
            "title": title,
            "body": "Cours gratuits le samedi matin.",
        },
    )
    made.fingerprint = ""
    db.session.commit()
    return made.id


def claim(offer_id: int, claimant: User, accept_as: User | None = None) -> int:
    """``claimant``'s request for the offer, accepted by ``accept_as`` when given."""
    row = offer_claims.claim(claimant, db.session.get(Offer, offer_id), {"student": True}, "samedi")
    if accept_as is not None:
        offer_claims.accept(accept_as, row)
    db.session.commit()
    return row.id
