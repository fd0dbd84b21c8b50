"""The socket half of the authorization matrix: every Socket.IO event x every role.

One row per (namespace, event, resource variant). Each row gives the outcome for the seven
roles of ``authz_world.ROLES``, in this order:

    anonymous, outsider, member, coordinator, assoc_admin, moderator, platform_admin

``REFUSED``: the connect itself is refused (anonymous, cross-origin), so no handler ever runs;
only the namespaces of ``VISITORS`` (the free-offers board's wall, public) take an anonymous
socket, which joins no user room and may only call their read-only events;
``OK``: connected, or the ack ``{"ok": true, ...}``; any other value is the error code of the
ack ``{"ok": false, "error": {"code": ..., "message": ...}}``.

Every cell is really attempted, with real python-socketio clients against the live server and
the seven roles connected at once:

- an allowed event shows its effect: the message stored, edited or deleted, the read marker
  moved, the typing push delivered, the socket in the topic's or project's room (watching is a
  room, not a row: nothing is stored), a connect in its own user room and nobody else's;
- a denied one leaves every table as it was, and a ``not_found`` ack is exactly the ack for an
  id that does not exist: a private object looks nonexistent;
- after the row, the resource's pushes (a new message, a pinned topic, a milestone update)
  reach exactly the row's ``hear`` roles, and a role outside ``hear`` has received nothing
  about the resource during the whole row. Silence is proved by a fence: a marker the test
  sends each socket afterwards, so "not before the fence" means "not at all".

``presence {user_id, online}`` is checked on the ``/chat`` connect and disconnect rows: it
reaches exactly the people who share a conversation in which both wrote, or an association
(``PRESENCE``).

Building the world takes a second or two, so each namespace runs all its rows on one world
(``test_socket_matrix[<namespace>]``; a failure lists every failing row and role). No row
relies on another: its pushes are counted from its own start, what it destroys it creates,
the read markers and rooms it depends on it sets, and it leaves nobody in its rooms.

``test_every_event_has_a_row`` enumerates the handlers registered on the app's Socket.IO
server and fails on an event without a row, or a row for an event that no longer exists. The
HTTP routes have their own table in ``test_authz_matrix.py``; both share ``authz_world``.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import pytest
import socketio
import websocket
from flask import Flask
from sqlalchemy import select, update

from app.accounts.models import Credential
from app.config import Config
from app.db import db
from app.realtime import PublicNamespace, user_room
from app.realtime import socketio as server_io
from directory.models import Association
from directory.services import set_member
from forums import moderation as forum_moderation
from forums import services as forum_services
from forums.models import Topic
from messaging.models import Conversation, ConversationMember, Message
from projects import services as project_services
from projects.models import Milestone, Project
from tests.factories import UserFactory
from tests.forums.factories import make_topic
from tests.messaging.factories import send
from tests.projects.factories import MilestoneFactory, ProjectFactory
from tests.security.authz_world import (
    ROLES,
    World,
    add_socket_resources,
    build_world,
    fresh_message,
    session_cookie,
    snapshot,
)

REFUSED = "refused"
OK = "ok"
NOT_FOUND = "not_found"
FORBIDDEN = "forbidden"

CHAT, FORUMS, PROJECTS, NOTIFICATIONS = "/chat", "/forums", "/projects", "/notifications"
OFFERS = "/offers"
#: Namespaces that take visitors' sockets (``app.realtime.PublicNamespace``); every other one
#: refuses an anonymous connect.
VISITORS = frozenset({OFFERS})
NONEXISTENT = 999_999_999  # an id no object has
EVIL_ORIGIN = "http://evil.example"
FENCE = "authz_fence"
WAIT = 10.0
SIGNED_IN = ROLES[1:]
#: the message by the member (the outsider in the inbox) that the edit rows aim at
MESSAGE_OF = {"direct": "direct_message", "group": "message", "inbox": "inbox_message"}


def by_role(*outcomes: str) -> dict[str, str]:
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


def roles(*names: str) -> frozenset[str]:
    assert set(names) <= set(ROLES)
    return frozenset(names)


NOBODY: frozenset[str] = frozenset()

# Who may hear whom: member, coordinator and assoc_admin share association A; the outsider
# wrote in A's inbox and A's admin and coordinator answered. The moderator and the platform
# administrator share none (presence needs consent: see tests/messaging/test_privacy.py).
PRESENCE: dict[str, frozenset[str]] = {
    "outsider": roles("coordinator", "assoc_admin"),
    "member": roles("coordinator", "assoc_admin"),
    "coordinator": roles("outsider", "member", "assoc_admin"),
    "assoc_admin": roles("outsider", "member", "coordinator"),
    "moderator": NOBODY,
    "platform_admin": NOBODY,
}

# Who receives what is posted in a conversation, and nobody else.
DIRECT = roles("member", "coordinator")
GROUP = roles("member", "coordinator", "assoc_admin")
INBOX = roles("outsider", "coordinator", "assoc_admin")
# Who may watch: a visible topic (everybody), a hidden one (moderators), one held for approval
# (its author, the member, and moderators); a members-only project (A's members in any role,
# platform admins), a public or network one (everybody signed in).
EVERYBODY_SIGNED_IN = roles(*SIGNED_IN)
HIDDEN_TOPIC_READERS = roles("moderator", "platform_admin")
PENDING_TOPIC_READERS = roles("member", "moderator", "platform_admin")
PRIVATE_PROJECT_VIEWERS = roles("member", "coordinator", "assoc_admin", "platform_admin")

# Outcomes. Order: anonymous, outsider, member, coordinator, assoc_admin, moderator, PA.
CONNECTS = by_role(REFUSED, OK, OK, OK, OK, OK, OK)
EVERYONE_CONNECTS = by_role(OK, OK, OK, OK, OK, OK, OK)
EVERYONE_OK = by_role(OK, OK, OK, OK, OK, OK, OK)
NOBODY_CONNECTS = by_role(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
ALL_OK = by_role(REFUSED, OK, OK, OK, OK, OK, OK)
ALL_NOT_FOUND = by_role(REFUSED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
IN_DIRECT = by_role(REFUSED, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
IN_GROUP = by_role(REFUSED, NOT_FOUND, OK, OK, OK, NOT_FOUND, NOT_FOUND)
IN_INBOX = by_role(REFUSED, OK, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND)
HIDDEN_TOPIC = by_role(REFUSED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
PENDING_TOPIC = by_role(REFUSED, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)
PRIVATE_PROJECT = by_role(REFUSED, NOT_FOUND, OK, OK, OK, NOT_FOUND, OK)


@dataclass(frozen=True)
class Row:
    namespace: str
    event: str
    variant: str
    expect: dict[str, str]
    #: key in ``world.ids`` of the conversation, topic or project; None: an id nobody has
    target: str | None = None
    #: who receives the resource's pushes during and after the row (fence-checked)
    hear: frozenset[str] = NOBODY
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.namespace} {self.event} [{self.variant}]"


R = Row
ROWS: list[Row] = []
for _ns in (CHAT, FORUMS, PROJECTS, NOTIFICATIONS, OFFERS):
    _connects = EVERYONE_CONNECTS if _ns in VISITORS else CONNECTS
    ROWS += [
        R(_ns, "connect", "token", _connects, note="auth={'token': ...}; anonymous: none"),
        R(_ns, "connect", "session cookie", _connects, note="anonymous: a session, nobody in it"),
        R(_ns, "connect", "cross-origin", NOBODY_CONNECTS, note="valid token, foreign Origin"),
    ]
ROWS += [
    R(CHAT, "disconnect", "presence", CONNECTS, note="offline reaches exactly PRESENCE"),
    # ------------------------------------------------------------------ /chat message_send
    R(CHAT, "message_send", "direct", IN_DIRECT, "direct", DIRECT),
    R(CHAT, "message_send", "group", IN_GROUP, "group", GROUP),
    R(CHAT, "message_send", "association inbox", IN_INBOX, "inbox", INBOX),
    R(CHAT, "message_send", "nonexistent", ALL_NOT_FOUND),
    # ------------------------------------------------------------------ /chat message_edit
    R(
        CHAT,
        "message_edit",
        "direct",
        by_role(REFUSED, NOT_FOUND, OK, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "direct",
        DIRECT,
        note="the member's message: only its sender edits; the other member is refused",
    ),
    R(
        CHAT,
        "message_edit",
        "group",
        by_role(REFUSED, NOT_FOUND, OK, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
        "group",
        GROUP,
        note="not even the group's admin edits somebody else's message",
    ),
    R(
        CHAT,
        "message_edit",
        "association inbox",
        by_role(REFUSED, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
        "inbox",
        INBOX,
        note="the outsider's message",
    ),
    R(CHAT, "message_edit", "nonexistent", ALL_NOT_FOUND),
    # ---------------------------------------------------------------- /chat message_delete
    R(
        CHAT,
        "message_delete",
        "direct",
        by_role(REFUSED, NOT_FOUND, OK, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "direct",
        DIRECT,
        note="each role attacks its own fresh message of the member",
    ),
    R(
        CHAT,
        "message_delete",
        "group",
        by_role(REFUSED, NOT_FOUND, OK, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
        "group",
        GROUP,
    ),
    R(
        CHAT,
        "message_delete",
        "association inbox",
        by_role(REFUSED, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
        "inbox",
        INBOX,
        note="fresh messages of the outsider",
    ),
    R(CHAT, "message_delete", "nonexistent", ALL_NOT_FOUND),
    # ------------------------------------------------------------------------ /chat typing
    R(CHAT, "typing", "direct", IN_DIRECT, "direct", DIRECT),
    R(CHAT, "typing", "group", IN_GROUP, "group", GROUP),
    R(CHAT, "typing", "association inbox", IN_INBOX, "inbox", INBOX),
    R(CHAT, "typing", "nonexistent", ALL_NOT_FOUND),
    # -------------------------------------------------------------------------- /chat read
    R(CHAT, "read", "direct", IN_DIRECT, "direct", DIRECT),
    R(CHAT, "read", "group", IN_GROUP, "group", GROUP),
    R(CHAT, "read", "association inbox", IN_INBOX, "inbox", INBOX),
    R(CHAT, "read", "nonexistent", ALL_NOT_FOUND),
    # ---------------------------------------------------------------- /forums topic_watch
    R(FORUMS, "topic_watch", "visible", ALL_OK, "topic", EVERYBODY_SIGNED_IN),
    R(
        FORUMS,
        "topic_watch",
        "hidden",
        HIDDEN_TOPIC,
        "hidden_topic",
        HIDDEN_TOPIC_READERS,
        note="moderators only: not even its author",
    ),
    R(
        FORUMS,
        "topic_watch",
        "pending",
        PENDING_TOPIC,
        "pending_topic",
        PENDING_TOPIC_READERS,
        note="held for approval: its author and moderators",
    ),
    R(FORUMS, "topic_watch", "nonexistent", ALL_NOT_FOUND),
    # -------------------------------------------------------------- /forums topic_unwatch
    # everybody first tries to watch; unwatching answers the same to all (nothing revealed)
    R(FORUMS, "topic_unwatch", "visible", ALL_OK, "topic"),
    R(FORUMS, "topic_unwatch", "hidden", ALL_OK, "hidden_topic"),
    R(FORUMS, "topic_unwatch", "pending", ALL_OK, "pending_topic"),
    R(FORUMS, "topic_unwatch", "nonexistent", ALL_OK),
    # ------------------------------------------------------------- /projects project_watch
    R(
        PROJECTS,
        "project_watch",
        "private",
        PRIVATE_PROJECT,
        "project",
        PRIVATE_PROJECT_VIEWERS,
        note="visibility members: A's members in every role, platform admins",
    ),
    R(
        PROJECTS,
        "project_watch",
        "public",
        ALL_OK,
        "public_project",
        EVERYBODY_SIGNED_IN,
    ),
    R(
        PROJECTS,
        "project_watch",
        "network",
        ALL_OK,
        "network_project",
        EVERYBODY_SIGNED_IN,
    ),
    R(PROJECTS, "project_watch", "nonexistent", ALL_NOT_FOUND),
    # ------------------------------------------------------------------ /offers feed_watch
    R(
        OFFERS,
        "feed_watch",
        "filters",
        EVERYONE_OK,
        note="the public feed: visitors too",
    ),
    # ----------------------------------------------------------- /projects project_unwatch
    R(PROJECTS, "project_unwatch", "private", ALL_OK, "project"),
    R(PROJECTS, "project_unwatch", "public", ALL_OK, "public_project"),
    R(PROJECTS, "project_unwatch", "network", ALL_OK, "network_project"),
    R(PROJECTS, "project_unwatch", "nonexistent", ALL_OK),
]


# ------------------------------------------------------------------------------- machinery


@pytest.fixture
def config(config: Config) -> Config:
    """The rate limits are not what this matrix tests (six roles send, then send again)."""
    return replace(config, ratelimit_enabled=False)


@pytest.fixture
def world(app: Flask) -> World:
    built = build_world(app)
    add_socket_resources(built)
    return built


@pytest.fixture(autouse=True)
def _quick_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server (werkzeug) often leaves a websocket close frame unanswered, and the
    client then waits its whole close timeout (3 s) for each socket it closes or is refused.
    Nothing is lost by waiting less: the engine.io CLOSE packet went first."""
    original = websocket.WebSocket.close

    def close(self: Any, status: int = 1000, reason: Any = b"", timeout: Any = 0.05) -> None:
        original(self, status, reason, timeout=min(timeout or 0.05, 0.05))

    monkeypatch.setattr(websocket.WebSocket, "close", close)


class Ear:
    """One role's socket on one namespace, recording every event pushed to it."""

    def __init__(self, sio: socketio.Client, namespace: str, role: str, user_id: int) -> None:
        self.sio = sio
        self.namespace = namespace
        self.role = role
        self.user_id = user_id
        self.events: list[tuple[str, Any]] = []
        self._cond = threading.Condition()
        sio.on("*", self._record, namespace=namespace)

    def _record(self, event: str, data: Any = None, *_rest: Any) -> None:
        with self._cond:
            self.events.append((event, data))
            self._cond.notify_all()

    @property
    def sid(self) -> str:
        sid = self.sio.get_sid(self.namespace)
        assert sid is not None
        return str(sid)

    def call(self, event: str, data: Any) -> Any:
        return self.sio.call(event, data, namespace=self.namespace, timeout=WAIT)

    def seen(self, since: int = 0) -> list[tuple[str, Any]]:
        with self._cond:
            return self.events[since:]

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    def wait_for(self, predicate: Callable[[list[tuple[str, Any]]], bool]) -> None:
        deadline = time.monotonic() + WAIT
        with self._cond:
            while not predicate(self.events):
                left = deadline - time.monotonic()
                assert left > 0, f"{self.role} on {self.namespace}: timed out; {self.events}"
                self._cond.wait(left)


_tags = itertools.count(1)


def fence(ears: Iterable[Ear]) -> None:
    """Return once every ear has received a marker sent after everything before this call
    (one process, one queue per socket: what was sent before the marker arrives before it)."""
    group = list(ears)
    tag = next(_tags)
    for ear in group:
        server_io.emit(FENCE, {"tag": tag}, to=user_room(ear.user_id), namespace=ear.namespace)
    for ear in group:
        ear.wait_for(lambda events: (FENCE, {"tag": tag}) in events)


def connect(
    world: World, sio_connect: Callable[..., socketio.Client], namespace: str, role: str, how: str
) -> Ear | None:
    """The role's socket connected ``how`` (token, session cookie, cross-origin), or None when
    the server refuses it."""
    token = world.tokens.get(role)
    kwargs: dict[str, Any] = {}
    if how == "session cookie":
        token = None
        kwargs["headers"] = {"Cookie": session_cookie(world, role)}
    elif how == "cross-origin":
        kwargs["headers"] = {"Origin": EVIL_ORIGIN}
    else:
        assert how == "token", how
    try:
        sio = sio_connect(None, namespaces=[namespace], token=token, **kwargs)
    except socketio.exceptions.ConnectionError:
        return None
    user = world.users[role]
    return Ear(sio, namespace, role, user.id if user is not None else 0)


def _manager_read(read: Callable[[Any], Any]) -> Any:
    manager = server_io.server.manager
    for _attempt in range(100):
        try:
            return read(manager)
        except RuntimeError:  # a server thread changed the rooms meanwhile
            time.sleep(0.01)
    raise AssertionError("the server's rooms kept changing")


def rooms_of(ear: Ear) -> set[str]:
    return set(_manager_read(lambda m: m.get_rooms(ear.sid, ear.namespace)))


def wait_gone(sids: Iterable[str], namespace: str) -> None:
    """Wait until the server has run its disconnect handler for each of ``sids``."""
    pending = set(sids)
    deadline = time.monotonic() + WAIT
    while pending:
        pending = {s for s in pending if _manager_read(lambda m, s=s: m.get_rooms(s, namespace))}
        assert time.monotonic() < deadline, f"{pending} still connected to {namespace}"
        time.sleep(0.005)


def close(ears: Iterable[Ear]) -> None:
    """Disconnect together, and wait until the server has seen every one go."""
    group = [e for e in ears if e.sio.connected]
    by_namespace: dict[str, list[str]] = {}
    for ear in group:
        by_namespace.setdefault(ear.namespace, []).append(ear.sid)
    threads = [threading.Thread(target=e.sio.disconnect) for e in group]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=15)
    for namespace, sids in by_namespace.items():
        wait_gone(sids, namespace)


def about(namespace: str, data: Any) -> Any:
    """The id of the conversation, topic or project a pushed event is about."""
    if not isinstance(data, dict):
        return None
    nested = {
        CHAT: (("message", "conversation_id"), ("conversation", "id")),
        FORUMS: (("post", "topic_id"), ("topic", "id")),
        PROJECTS: (("milestone", "project_id"), ("activity", "project_id"), ("project", "id")),
    }.get(namespace, ())
    for key, field in nested:
        if isinstance(data.get(key), dict):
            return data[key].get(field)
    flat = {CHAT: "conversation_id", FORUMS: "topic_id", PROJECTS: "project_id"}.get(namespace)
    return data.get(flat) if flat else None


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def outcome_of(ack: Any) -> str:
    if isinstance(ack, dict) and ack.get("ok") is True:
        return OK
    error = ack.get("error") if isinstance(ack, dict) and ack.get("ok") is False else None
    if (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
        and error["message"]
    ):
        return str(error["code"])
    return f"malformed ack {ack!r}"


@dataclass
class Expected:
    """A push that must reach every role of ``to`` (checked after the row's last fence)."""

    to: frozenset[str]
    event: str
    match: Callable[[Any], bool]
    label: str


class Namespace:
    """The seven roles on one namespace, sharing one world: the six signed-in people hold one
    token socket each for the whole run (a row never relies on what another row did: its
    pushes are counted from its own start, the objects it destroys are its own, the read
    markers and rooms it depends on are set by it)."""

    def __init__(
        self, world: World, sio_connect: Callable[..., socketio.Client], namespace: str
    ) -> None:
        self.world = world
        self.sio_connect = sio_connect
        self.namespace = namespace
        self.ears: dict[str, Ear] = {}
        for role in SIGNED_IN:
            ear = connect(world, sio_connect, namespace, role, "token")
            assert ear is not None, f"{role} cannot connect to {namespace}"
            self.ears[role] = ear
        fence(self.ears.values())

    def close(self) -> None:
        close(self.ears.values())


class RowRun:
    """One row: the seven attempts, their effects, then who heard what."""

    def __init__(self, space: Namespace, row: Row) -> None:
        self.space = space
        self.world = space.world
        self.row = row
        self.ns = row.namespace
        self.problems: list[str] = []
        self.expected: list[Expected] = []
        self.fresh: dict[str, int] = {}
        self.target_id: int = self.world.ids[row.target] if row.target else NONEXISTENT
        self.marks = {role: ear.mark() for role, ear in space.ears.items()}

    @property
    def ears(self) -> dict[str, Ear]:
        return self.space.ears

    def problem(self, role: str, text: str) -> None:
        self.problems.append(f"{role}: {text}")

    # -- connects -------------------------------------------------------------------------
    def run_connect_row(self) -> None:
        """Each role connects one more socket ``how`` the row says; the presence rows then
        take each person's socket down and up again, the others listening."""
        how = "token" if self.row.event == "disconnect" else self.row.variant
        extra: list[Ear] = []
        for role in ROLES:
            ear = connect(self.world, self.space.sio_connect, self.ns, role, how)
            got = REFUSED if ear is None else OK
            if got != self.row.expect[role]:
                self.problem(role, f"connect ({how}): expected {self.row.expect[role]}, got {got}")
            if ear is not None:
                extra.append(ear)
                if role != "anonymous":
                    self.check_own_rooms(role, ear)
                elif rooms_of(ear) != {ear.sid}:
                    self.problem(role, f"a visitor's socket in rooms {sorted(rooms_of(ear))}")
        close(extra)
        if self.ns == CHAT and how == "token":
            self.check_presence("offline" if self.row.event == "disconnect" else "online")

    def check_own_rooms(self, role: str, ear: Ear) -> None:
        """A connected socket is in its own user room and credential room, nothing else."""
        rooms = rooms_of(ear) - {ear.sid}
        others = rooms - {user_room(ear.user_id)}
        if user_room(ear.user_id) not in rooms or len(others) != 1:
            self.problem(role, f"connected in rooms {sorted(rooms)}")
            return
        name, _sep, number = next(iter(others)).partition(":")
        cred = db.session.get(Credential, int(number)) if name == "credential" else None
        if cred is None or cred.user_id != ear.user_id:
            self.problem(role, f"connected in rooms {sorted(rooms)}")

    def check_presence(self, phase: str) -> None:
        """Each role in turn goes offline then online again: exactly PRESENCE hears it."""
        for role in SIGNED_IN:
            ear = self.ears[role]
            others = [e for r, e in self.ears.items() if r != role]
            marks = {e.role: e.mark() for e in others}
            close([ear])  # its disconnect handler, broadcast included, has run
            fence(others)
            offline = self.heard_presence(others, marks, ear.user_id, online=False)
            back = connect(self.world, self.space.sio_connect, self.ns, role, "token")
            assert back is not None
            self.ears[role] = back
            fence(others)  # the connect handler, broadcast included, ran before it returned
            online = self.heard_presence(others, marks, ear.user_id, online=True)
            heard = online if phase == "online" else offline
            if heard != PRESENCE[role]:
                self.problem(
                    role,
                    f"presence {phase} reached {sorted(heard)}, expected {sorted(PRESENCE[role])}",
                )

    @staticmethod
    def heard_presence(
        ears: list[Ear], marks: dict[str, int], user_id: int, *, online: bool
    ) -> frozenset[str]:
        news = ("presence", {"user_id": user_id, "online": online})
        return frozenset(e.role for e in ears if news in e.seen(marks[e.role]))

    # -- events ---------------------------------------------------------------------------
    def payload(self, role: str, target: int) -> dict[str, Any]:
        event = self.row.event
        if event == "message_send":
            return {
                "conversation_id": target,
                "body": f"from {role}",
                "client_id": f"authz-{role}-{target}",
            }
        if event in ("message_edit", "message_delete"):
            if target == NONEXISTENT:
                message_id = NONEXISTENT
            elif event == "message_delete":
                message_id = self.fresh[role]
            else:
                assert self.row.target is not None
                message_id = self.world.ids[MESSAGE_OF[self.row.target]]
            data: dict[str, Any] = {"message_id": message_id}
            if event == "message_edit":
                data["body"] = f"edited by {role}"
            return data
        if event == "typing":
            return {"conversation_id": target}
        if event == "read":
            return {"conversation_id": target, "last_read_id": 10**9}
        if self.ns == FORUMS:
            return {"topic_id": target}
        if self.ns == OFFERS:
            return {"filters": {"type": "tutoring"}}
        return {"project_id": target}

    def ghost_payload(self, role: str) -> dict[str, Any]:
        """The same event about an object that does not exist."""
        data = self.payload(role, NONEXISTENT)
        if "client_id" in data:
            data["client_id"] += "-ghost"
        return data

    def room(self) -> str:
        if self.ns == FORUMS:
            return forum_services.topic_room(self.target_id)
        return project_services.project_room(self.target_id)

    def watch_key(self) -> str:
        return "topic_id" if self.ns == FORUMS else "project_id"

    def setup(self) -> None:
        """What the row's attempts start from (before the first snapshot)."""
        event = self.row.event
        if self.row.target is None:
            return
        if event == "message_delete":
            for role in SIGNED_IN:
                self.fresh[role] = fresh_message(self.world, self.row.target)
        if event == "read":  # nobody has read anything: every allowed read moves a marker
            db.session.execute(
                update(ConversationMember)
                .where(ConversationMember.conversation_id == self.target_id)
                .values(last_read_id=0)
            )
            db.session.commit()
        if event in ("topic_unwatch", "project_unwatch"):
            watch = event.replace("unwatch", "watch")
            (watch_row,) = [r for r in ROWS if r.event == watch and r.target == self.row.target]
            for role in SIGNED_IN:
                ack = self.ears[role].call(watch, {self.watch_key(): self.target_id})
                if outcome_of(ack) != watch_row.expect[role]:
                    self.problem(role, f"could not watch before unwatching: {ack}")

    def teardown(self) -> None:
        """Leave no socket in the row's room."""
        if self.row.event in ("topic_watch", "project_watch"):
            unwatch = self.row.event.replace("watch", "unwatch")
            for ear in self.ears.values():
                ear.call(unwatch, {self.watch_key(): self.target_id})

    def attempt(self, role: str) -> tuple[str, Any]:
        try:
            ack = self.ears[role].call(self.row.event, self.payload(role, self.target_id))
        except socketio.exceptions.TimeoutError:
            return "no ack", None
        return outcome_of(ack), ack

    def check_allowed(self, role: str, ack: dict[str, Any], changed: list[str]) -> None:
        event, ear, target, hear = self.row.event, self.ears[role], self.target_id, self.row.hear
        db.session.expire_all()
        if event == "message_send":
            message = ack.get("message") or {}
            stored = db.session.get(Message, message.get("id") or 0)
            if stored is None or stored.conversation_id != target or stored.body != f"from {role}":
                self.problem(role, f"acked {ack} but the message is not stored")
            self.expect(hear, "message_new", lambda d: d["message"] == message, f"{role}'s")
        elif event == "message_edit":
            message_id = self.payload(role, target)["message_id"]
            stored = db.session.get(Message, message_id)
            body = f"edited by {role}"
            if stored is None or stored.body != body or stored.edited_at is None:
                self.problem(role, "acked but the message is not edited")
            self.expect(
                hear,
                "message_updated",
                lambda d: d["message"]["id"] == message_id and d["message"]["body"] == body,
                f"{role}'s edit",
            )
        elif event == "message_delete":
            message_id = self.fresh[role]
            stored = db.session.get(Message, message_id)
            if stored is None or stored.deleted_at is None:
                self.problem(role, "acked but the message is not deleted")
            self.expect(
                hear,
                "message_updated",
                lambda d: d["message"]["id"] == message_id and d["message"]["deleted"],
                f"{role}'s delete",
            )
        elif event == "typing":
            uid = ear.user_id
            self.expect(
                hear - {role},
                "typing",
                lambda d: d == {"conversation_id": target, "user_id": uid},
                f"{role} typing",
            )
        elif event == "read":
            conversation = db.session.get(Conversation, target)
            assert conversation is not None
            marker = db.session.scalar(
                select(ConversationMember.last_read_id).where(
                    ConversationMember.conversation_id == target,
                    ConversationMember.user_id == ear.user_id,
                )
            )
            newest = conversation.last_message_id
            if not newest or ack.get("last_read_id") != newest or marker != newest:
                self.problem(role, f"acked {ack} but the marker is {marker} (newest {newest})")
            uid = ear.user_id
            self.expect(
                hear - {role},
                "read",
                lambda d: d.get("user_id") == uid and d.get("conversation_id") == target,
                f"{role}'s read",
            )
        elif event in ("topic_watch", "project_watch"):
            if self.ns == FORUMS:
                acked_id = ack.get("topic_id")
            else:
                acked_id = (ack.get("project") or {}).get("id")
            if acked_id != target:
                self.problem(role, f"ack about another object: {ack}")
            if self.room() not in rooms_of(ear):
                self.problem(role, "acked but not in the room")
        elif event in ("topic_unwatch", "project_unwatch"):
            if ack != {"ok": True}:
                self.problem(role, f"unwatch ack says more than ok: {ack}")
            if self.row.target and self.room() in rooms_of(ear):
                self.problem(role, "still in the room after unwatching")
        writes = event in ("message_send", "message_edit", "message_delete", "read")
        if writes and not changed:
            self.problem(role, "allowed but nothing changed")
        if not writes and changed:
            self.problem(role, f"{event} changed {changed}")

    def check_denied(self, role: str, got: str, changed: list[str]) -> None:
        if changed:  # the nonexistent twin of a not_found attempt is in the same snapshot
            self.problem(role, f"denied ({got}) but changed {changed}")
        watching = self.row.event in ("topic_watch", "project_watch") and self.row.target
        if watching and self.room() in rooms_of(self.ears[role]):
            self.problem(role, f"denied ({got}) but in the room")

    def compare_with_nonexistent(self, role: str, ack: Any) -> None:
        """A private object the role may not see must answer like one that does not exist."""
        ghost = self.ears[role].call(self.row.event, self.ghost_payload(role))
        if ghost != ack:
            self.problem(role, f"not_found differs from a nonexistent one: {ack} vs {ghost}")

    def expect(
        self, to: frozenset[str], event: str, match: Callable[[Any], bool], label: str
    ) -> None:
        self.expected.append(Expected(to, event, match, label))

    def trigger(self) -> None:
        """A legitimate change of the resource, pushed to whoever may hear it."""
        if self.row.target is None:
            return
        db.session.expire_all()
        target, hear = self.target_id, self.row.hear
        if self.ns == CHAT:
            conversation = db.session.get(Conversation, target)
            assert conversation is not None
            owner = self.world.user("outsider" if self.row.target == "inbox" else "member")
            cid = f"trigger-{self.row.event}-{target}"
            sent = send(owner, conversation, "trigger", cid)
            db.session.commit()
            message_id = sent.message["id"]
            self.expect(hear, "message_new", lambda d: d["message"]["id"] == message_id, "new")
        elif self.ns == FORUMS:
            topic = db.session.get(Topic, target)
            assert topic is not None
            admin = self.world.user("platform_admin")
            forum_moderation.moderate_topic(admin, topic, {"pinned": not topic.pinned})
            if not topic.pending:
                post = forum_services.reply(admin, topic, "trigger reply")
                self.expect(hear, "post_new", lambda d: d["post"]["id"] == post.id, "reply")
            db.session.commit()
            self.expect(hear, "topic_updated", lambda d: d["topic"]["id"] == target, "pin")
        else:
            project = db.session.get(Project, target)
            assert project is not None
            milestone_key = {
                "project": "milestone",
                "public_project": "public_milestone",
                "network_project": "network_milestone",
            }[self.row.target]
            milestone = db.session.get(Milestone, self.world.ids[milestone_key])
            assert milestone is not None
            project_services.update_milestone(
                self.world.user("coordinator"), milestone, {"progress": next(_tags) % 100}
            )
            db.session.commit()
            milestone_id = milestone.id
            self.expect(
                hear,
                "milestone_updated",
                lambda d: d["milestone"]["id"] == milestone_id,
                "milestone",
            )
            self.expect(hear, "project_updated", lambda d: d["project"]["id"] == target, "project")

    def check_hearing(self) -> None:
        fence(self.ears.values())
        for role, ear in self.ears.items():
            mine = [
                (name, data)
                for name, data in ear.seen(self.marks[role])
                if name != FENCE and about(self.ns, data) == self.target_id
            ]
            if role not in self.row.hear:
                if mine:
                    self.problem(role, f"heard about a resource it may not see: {mine[:3]}")
                continue
            for exp in self.expected:
                if role in exp.to and not any(
                    name == exp.event and exp.match(data) for name, data in mine
                ):
                    self.problem(role, f"did not receive {exp.event} ({exp.label})")

    def run_visitor_cell(self) -> None:
        """The anonymous cell of a namespace that takes visitors: a visitor's socket attempts
        the event; whatever the answer, nothing is written."""
        before = snapshot(self.world)
        ear = connect(self.world, self.space.sio_connect, self.ns, "anonymous", "token")
        if ear is None:
            self.problem("anonymous", "could not connect as a visitor")
            return
        try:
            ack = ear.call(self.row.event, self.payload("anonymous", self.target_id))
            got = outcome_of(ack)
            if got != self.row.expect["anonymous"]:
                self.problem("anonymous", f"expected {self.row.expect['anonymous']}, got {ack}")
            changed = changed_tables(before, snapshot(self.world))
            if changed:
                self.problem("anonymous", f"a visitor's {self.row.event} changed {changed}")
        finally:
            close([ear])

    def run_event_row(self) -> None:
        if self.ns in VISITORS:
            self.run_visitor_cell()
        # the anonymous cell elsewhere: no socket, so no handler, ever
        elif connect(self.world, self.space.sio_connect, self.ns, "anonymous", "token"):
            self.problem("anonymous", "connected")
        self.setup()
        before = snapshot(self.world)
        for role in SIGNED_IN:
            want = self.row.expect[role]
            got, ack = self.attempt(role)
            if got == want == NOT_FOUND and self.row.target is not None:
                self.compare_with_nonexistent(role, ack)
            after = snapshot(self.world)
            changed = changed_tables(before, after)
            before = after
            if got != want:
                self.problem(role, f"expected {want}, got {got}: {ack}")
            elif got == OK:
                self.check_allowed(role, ack, changed)
            else:
                self.check_denied(role, got, changed)
        self.trigger()
        self.check_hearing()
        self.teardown()

    def run(self) -> list[str]:
        if self.ns not in VISITORS:
            assert self.row.expect["anonymous"] == REFUSED, "nobody anonymous reaches a handler"
        if self.row.event in ("connect", "disconnect"):
            self.run_connect_row()
        else:
            self.run_event_row()
        return [f"{self.row.id} {p}" for p in self.problems]


NAMESPACES = sorted({r.namespace for r in ROWS})


@pytest.mark.live
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_socket_matrix(
    world: World, sio_connect: Callable[..., socketio.Client], namespace: str
) -> None:
    """Every row of ``namespace``, on one world (building it per row would take minutes)."""
    space = Namespace(world, sio_connect, namespace)
    problems: list[str] = []
    try:
        for row in ROWS:
            if row.namespace == namespace:
                problems += RowRun(space, row).run()
    finally:
        space.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------ targeted rows


@pytest.mark.live
def test_former_staff_no_longer_shares_presence_of_the_inbox(
    world: World, sio_connect: Callable[..., socketio.Client]
) -> None:
    """The coordinator answered A's inbox (a staff row), then became a plain member: the
    inbox is no longer theirs (access says so), so neither hears the other come and go."""
    assoc = db.session.get(Association, world.ids["assoc"])
    set_member(world.user("assoc_admin"), assoc, world.ids["coordinator_id"], "member")
    db.session.commit()  # the test is the edge
    outsider_id, coordinator_id = world.ids["outsider_id"], world.ids["coordinator_id"]
    ears: list[Ear] = []
    try:
        for role in ("assoc_admin", "coordinator", "outsider"):
            ear = connect(world, sio_connect, CHAT, role, "token")
            assert ear is not None
            ears.append(ear)
        admin, former, asker = ears
        fence(ears)
        assert ("presence", {"user_id": outsider_id, "online": True}) in admin.seen()
        assert ("presence", {"user_id": outsider_id, "online": True}) not in former.seen()
        close([former])
        fence([admin, asker])
        assert ("presence", {"user_id": coordinator_id, "online": False}) in admin.seen()
        assert ("presence", {"user_id": coordinator_id, "online": False}) not in asker.seen()
    finally:
        close(ears)


def _watching_stranger(
    sio_connect: Callable[..., socketio.Client], namespace: str, event: str, target: int
) -> Ear:
    stranger = UserFactory()
    ear = Ear(sio_connect(stranger, namespaces=[namespace]), namespace, "outsider", stranger.id)
    key = "topic_id" if namespace == FORUMS else "project_id"
    assert ear.call(event, {key: target})["ok"] is True
    return ear


@pytest.mark.live
def test_hiding_a_topic_takes_its_readers_out(
    app: Flask, sio_connect: Callable[..., socketio.Client]
) -> None:
    topic, _first = make_topic()
    ear = _watching_stranger(sio_connect, FORUMS, "topic_watch", topic.id)
    try:
        admin = UserFactory(is_admin=True)
        forum_moderation.moderate_topic(admin, topic, {"hidden": True})
        db.session.commit()
        forum_services.reply(admin, topic, "SECRET-REPLY-IN-A-HIDDEN-TOPIC")
        db.session.commit()
        fence([ear])
        # topic_updated (hidden: true) tells the page the topic is gone; its posts must not follow
        assert "post_new" not in [name for name, _data in ear.seen()]
    finally:
        close([ear])


@pytest.mark.live
def test_making_a_project_private_takes_outside_watchers_out(
    app: Flask, sio_connect: Callable[..., socketio.Client]
) -> None:
    admin = UserFactory(is_admin=True)
    project = ProjectFactory(visibility="public")
    milestone = MilestoneFactory(project=project)
    ear = _watching_stranger(sio_connect, PROJECTS, "project_watch", project.id)
    try:
        project_services.update_project(admin, project, {"visibility": "members"})
        db.session.commit()
        project_services.update_milestone(admin, milestone, {"title": "SECRET-NOW"})
        db.session.commit()
        fence([ear])
        assert "milestone_updated" not in [name for name, _data in ear.seen()]
    finally:
        close([ear])


# ------------------------------------------------------------------------------- meta-test


def registered_events() -> set[tuple[str, str]]:
    """(namespace, event) of every handler the app's Socket.IO server would run."""
    server = server_io.server
    found = {(ns, event) for ns, events in server.handlers.items() for event in events}
    for ns, handler in server.namespace_handlers.items():
        for name in dir(handler):
            if name.startswith("on_") and callable(getattr(handler, name)):
                found.add((ns, name[3:]))
    return found


def test_every_event_has_a_row(app: Flask) -> None:
    events = registered_events()
    rows = {(r.namespace, r.event) for r in ROWS}
    missing = sorted(events - rows)
    stale = sorted(rows - events)
    assert not missing, "socket events without a matrix row:\n" + "\n".join(
        f"{ns} {event}" for ns, event in missing
    )
    assert not stale, "matrix rows for socket events that no longer exist:\n" + "\n".join(
        f"{ns} {event}" for ns, event in stale
    )
    assert {(CHAT, "message_send"), (FORUMS, "topic_watch"), (PROJECTS, "project_watch")} <= events
    handlers = server_io.server.namespace_handlers
    public = {ns for ns, handler in handlers.items() if isinstance(handler, PublicNamespace)}
    assert public == VISITORS, "namespaces that take visitors and the matrix's VISITORS differ"


def test_rows_are_consistent() -> None:
    """Every row names the seven roles; who hears a topic or project is who may watch it;
    who hears a conversation is who may send to it."""
    assert len({r.id for r in ROWS}) == len(ROWS)
    senders = {r.target: r.expect for r in ROWS if r.event == "message_send" and r.target}
    for row in ROWS:
        assert list(row.expect) == list(ROLES), row.id
        if row.namespace not in VISITORS or row.variant == "cross-origin":
            assert row.expect["anonymous"] == REFUSED, row.id
        allowed = frozenset(r for r, outcome in row.expect.items() if outcome == OK)
        if row.event in ("topic_watch", "project_watch"):
            assert row.hear == allowed, row.id
        elif row.namespace == CHAT and row.target:
            assert row.hear == frozenset(
                r for r, outcome in senders[row.target].items() if outcome == OK
            ), row.id
        elif row.event not in ("connect", "disconnect"):
            assert row.hear == NOBODY, row.id
