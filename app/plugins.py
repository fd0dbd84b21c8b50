"""Where feature packages plug their parts into the core, without the core importing them.

Each app has one :class:`Registry` (``registry()``). A feature's ``register(app)`` adds:
- ``me_sections``: functions ``(user) -> dict`` merged into ``GET /api/v1/me``
  (``directory`` adds ``memberships``);
- ``demo_loaders``: ``(order, name, function)`` run by ``jam3ia seed-demo``;
- ``nav_links``: ``(order, endpoint, label)`` shown in the page header; ``nav_icons``:
  ``{endpoint: bootstrap-icon name}`` drawn before the label;
- ``home_counts``: ``(order, label, count, endpoint)``, the live figures on the home page
  (``count()`` is one query);
- ``home_sections``: ``(order, function)`` where ``function(user_or_None)`` returns a
  :class:`HomeSection` or ``None`` (visitors get ``None``-user sections, people their
  dashboard); each function runs a fixed number of queries, whatever the data;
- ``profile_actions``: ``(order, function)`` where ``function(person, viewer)`` returns a
  :class:`ProfileAction` or ``None`` (the buttons of a profile: "Message"...);
  ``profile_sections``: ``(order, function(person, viewer))`` -> :class:`HomeSection` or
  ``None`` (the person's associations...); a fixed number of queries each;
- ``association_actions``: ``(order, function(association_id, viewer))`` -> a
  :class:`ProfileAction` or ``None``: the buttons of an association's page ("Write to the
  association"...); ``association_sections``: ``(order, function(association_id, viewer))``
  -> :class:`HomeSection` or ``None``: its blocks (its projects, its members' discussions),
  a fixed number of queries each; ``member_actions``: ``(order, function(viewer, people))``
  -> ``{user id: ProfileAction}``, a button beside each person of a member list ("Message"),
  for the whole list in a fixed number of queries;
- ``reindexers``: functions ``() -> int`` run by ``jam3ia reindex``;
- ``header_modules``: ``(static endpoint, file name)`` of JavaScript modules every page loads
  (messaging's unread badge);
- ``room_guards``: ``{room prefix: may_stay(user_id, room)}`` for the Socket.IO rooms a
  feature joins after an access check (``app.realtime.guard_rooms``);
- ``export_sections``: functions ``(user) -> dict`` merged into the person's data export
  (``data.json``); ``export_files``: functions ``(user) -> [(name, bytes)]`` (``files/``).
- ``subject_chat``: ``function(actor, subject, title, member_ids) -> (conversation id, url)``
  opens (or finds) the conversation about ``subject``, a key the caller owns
  (``offers:12:34``), between ``member_ids`` (the actor among them); ``None`` without
  messaging. ``app.signals.subjects_ended`` deletes it with its messages;
- ``jobs``: periodic jobs run by ``jam3ia tick`` (``app.jobs.register_job``);
- ``retention``: ``(Model, rule)`` run by the ``retention`` job
  (``app.privacy.register_retention``).
- ``aid_delivered``: ``function(association_ids, since, until) ->`` :class:`DeliveredSummary`,
  what those associations delivered in ``[since, until)`` (datetimes, UTC), from aid's
  collections and ledger, without personal data; ``None`` without ``aid``. Campaigns' public
  page and report use it ("312 baskets to 298 verified households in 4 douars of Taroudant").
- ``aid_needs``: ``function(association_id or None, province_id or None) ->`` list of
  :class:`NeedLine`, the open needs of the aid board (public, aggregated); campaigns take
  their needs snapshot from it; ``None`` without ``aid``.
- ``publish_knowledge``: ``function(title, body, domain, languages, source_ref) -> page id``
  puts a network-wide, public knowledge page in the library (Markdown ``body``; ``domain``
  the code of an expert's field, shown as "answered by an expert of the network";
  ``languages`` the codes of the text, the first one the page's); the same ``source_ref``
  (``expert:12``) is published once and gives the same page; ``unpublish_knowledge``:
  ``function(page id) -> bool`` takes it out of the library (platform administrators still
  read it); both ``None`` without ``library``. ``expert_domain_label``: ``function(code) ->
  str``, the translated label of an expert's field (``experts``), for the library's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "jam3ia"


@dataclass
class HomeItem:
    """One line of a home-page block: a title (user text) linking to ``url``, a muted ``meta``
    line in the reader's language (``Markup`` with each piece of user text in ``<bdi>``, or
    plain text that gets escaped), an optional ``badge`` (a count, a status) and an optional
    ``avatar`` (initials source)."""

    title: str
    url: str
    meta: str = ""
    badge: str = ""
    avatar: str = ""


@dataclass
class HomeSection:
    """A block of the home page, offered by a feature (see ``home_sections``)."""

    title: str
    icon: str
    items: list[HomeItem]
    empty: str = ""
    more_url: str = ""
    more_label: str = ""


@dataclass
class ProfileAction:
    """A button on a person's profile, offered by a feature (see ``profile_actions``)."""

    label: str
    url: str
    icon: str = ""
    #: sent as a POST form (with its CSRF token) instead of followed as a link
    post: bool = False
    #: hidden fields of that form
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class DeliveredSummary:
    """What associations delivered over a period (see ``aid_delivered``): aggregates only."""

    #: category code (``aid.labels``: ``food_basket``...) -> units handed over
    items: dict[str, int] = field(default_factory=dict)
    #: distinct verified households that received something
    households: int = 0
    #: distinct localities (douars or communes) delivered to
    localities: int = 0
    #: names of the provinces, in the reader's language
    provinces: list[str] = field(default_factory=list)


@dataclass
class NeedLine:
    """One line of the aid needs board (see ``aid_needs``): open needs of a category in a place."""

    category: str
    province_id: int | None
    place: str
    needed: int
    filled: int


@dataclass
class Registry:
    me_sections: list[Callable[[Any], dict[str, Any]]] = field(default_factory=list)
    demo_loaders: list[tuple[int, str, Callable[[], None]]] = field(default_factory=list)
    nav_links: list[tuple[int, str, Callable[[], str]]] = field(default_factory=list)
    nav_icons: dict[str, str] = field(default_factory=dict)
    home_counts: list[tuple[int, Callable[[], str], Callable[[], int], str]] = field(
        default_factory=list
    )
    home_sections: list[tuple[int, Callable[[Any], HomeSection | None]]] = field(
        default_factory=list
    )
    profile_actions: list[tuple[int, Callable[[Any, Any], ProfileAction | None]]] = field(
        default_factory=list
    )
    profile_sections: list[tuple[int, Callable[[Any, Any], HomeSection | None]]] = field(
        default_factory=list
    )
    association_actions: list[tuple[int, Callable[[int, Any], ProfileAction | None]]] = field(
        default_factory=list
    )
    association_sections: list[tuple[int, Callable[[int, Any], HomeSection | None]]] = field(
        default_factory=list
    )
    member_actions: list[tuple[int, Callable[[Any, list[Any]], dict[int, ProfileAction]]]] = field(
        default_factory=list
    )
    reindexers: list[tuple[str, Callable[[], int]]] = field(default_factory=list)
    header_modules: list[tuple[str, str]] = field(default_factory=list)
    room_guards: dict[str, Callable[[int, str], bool]] = field(default_factory=dict)
    export_sections: list[Callable[[Any], dict[str, Any]]] = field(default_factory=list)
    export_files: list[Callable[[Any], list[tuple[str, bytes]]]] = field(default_factory=list)
    subject_chat: Callable[[Any, str, str, list[int]], tuple[int, str]] | None = None
    jobs: dict[str, Any] = field(default_factory=dict)
    retention: list[tuple[type, Callable[[type, Any], int]]] = field(default_factory=list)
    #: endpoint -> its own request size limit in bytes (e.g. the library's video uploads),
    #: applied before anything reads the body; every other endpoint keeps MAX_CONTENT_LENGTH.
    upload_limits: dict[str, Callable[[], int]] = field(default_factory=dict)
    aid_delivered: Callable[[list[int], Any, Any], DeliveredSummary] | None = None
    aid_needs: Callable[[int | None, int | None], list[NeedLine]] | None = None
    publish_knowledge: Callable[[str, str, str, list[str], str], int] | None = None
    unpublish_knowledge: Callable[[int], bool] | None = None
    expert_domain_label: Callable[[str], str] | None = None


def init_registry(app: Flask) -> Registry:
    reg = Registry()
    app.extensions[EXTENSION_KEY] = reg
    return reg


def registry(app: Flask | None = None) -> Registry:
    """The registry of ``app`` (default: the current app)."""
    target = app or current_app
    reg: Registry = target.extensions[EXTENSION_KEY]
    return reg
