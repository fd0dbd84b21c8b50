"""Security headers on every response: every GET route of the app (the authorization matrix's
rows, filled with the ids of its world), the static files, redirects and error pages.

Each response must carry a Content-Security-Policy whose ``script-src`` allows scripts by a
nonce fresh to that response and never ``'unsafe-inline'`` (nor eval, nor any scheme or
host wildcard), ``object-src 'none'`` and a ``base-uri``; ``X-Content-Type-Options: nosniff``;
``X-Frame-Options: DENY`` or ``frame-ancestors 'none'``; a ``Referrer-Policy`` that keeps
paths to this site. The session cookie, whenever a response sets it, is ``HttpOnly`` and
``SameSite=Lax``. In HTML, every ``<script>`` carries the nonce of its own response (an
inline script without it would be blocked, or worse, the policy loosened to let it run).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from app.config import Config
from tests.conftest import csrf_token
from tests.factories import PASSWORD, UserFactory
from tests.security.authz_world import ROLES, World, build_world
from tests.security.test_authz_matrix import LIBRARY_EXCLUDED, ROWS, Row

SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
#: script sources that would let injected script run whatever the nonce
UNSAFE_SCRIPT_SOURCES = {
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "'wasm-unsafe-eval'",
    "*",
    "data:",
    "blob:",
    "http:",
    "https:",
    "filesystem:",
}


@pytest.fixture
def config(config: Config) -> Config:
    """A hundred and more requests from the same few people: not what the limits are about."""
    return replace(config, ratelimit_enabled=False)


# ------------------------------------------------------------------------------- the checks


def csp_directives(policy: str) -> dict[str, list[str]]:
    """``{"script-src": ["'self'", "'nonce-…'"], ...}``; a repeated directive is ignored by
    browsers after its first occurrence, so only the first counts here too."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives.setdefault(tokens[0].lower(), tokens[1:])
    return directives


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [f"{tag}[{name}]" for name, _value in attrs if name.startswith("on")]


@dataclass
class Seen:
    """What the checks met across all the responses of a test."""

    nonces: list[str] = field(default_factory=list)
    session_cookies: int = 0
    html_pages: int = 0
    scripts: int = 0


def response_problems(response: Any, session_cookie: str, seen: Seen) -> list[str]:
    problems: list[str] = []
    headers = response.headers
    nonce = None
    policies = headers.getlist("Content-Security-Policy")
    if len(policies) != 1:
        problems.append(f"{len(policies)} Content-Security-Policy headers")
    directives = csp_directives(policies[0]) if policies else {}
    if policies:
        script_src = directives.get("script-src")
        scriptless = (
            script_src == ["'none'"]
            and "sandbox" in directives
            and "allow-scripts" not in directives["sandbox"]
        )
        if scriptless:
            pass  # a stored file shown inline (library preview): no script runs, no nonce
        elif script_src is None:
            problems.append("no script-src (default-src would not carry the nonce)")
        else:
            nonces = [t for t in script_src if t.startswith("'nonce-") and t.endswith("'")]
            if len(nonces) != 1 or len(nonces[0]) < len("'nonce-'") + 16:
                problems.append(f"script-src without one strong nonce: {script_src}")
            else:
                nonce = nonces[0][len("'nonce-") : -1]
                seen.nonces.append(nonce)
        for name in ("script-src", "script-src-elem", "script-src-attr", "default-src"):
            unsafe = sorted({t.lower() for t in directives.get(name, [])} & UNSAFE_SCRIPT_SOURCES)
            if unsafe:
                problems.append(f"{name} allows {unsafe}")
        if directives.get("object-src") != ["'none'"]:
            problems.append(f"object-src is {directives.get('object-src')}")
        if not directives.get("base-uri"):
            problems.append("no base-uri")
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append(f"X-Content-Type-Options: {headers.get('X-Content-Type-Options')}")
    framing_denied = headers.get("X-Frame-Options", "").upper() == "DENY" or directives.get(
        "frame-ancestors"
    ) == ["'none'"]
    if not framing_denied:
        problems.append(
            f"framing allowed: X-Frame-Options {headers.get('X-Frame-Options')}, "
            f"frame-ancestors {directives.get('frame-ancestors')}"
        )
    if headers.get("Referrer-Policy", "").lower() not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy: {headers.get('Referrer-Policy')}")
    for cookie in headers.getlist("Set-Cookie"):
        name = cookie.split("=", 1)[0].strip()
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        if name == session_cookie:
            seen.session_cookies += 1
            lacking = [a for a in ("HttpOnly", "SameSite=Lax") if a.lower() not in attributes]
            if lacking:
                problems.append(f"session cookie without {' and '.join(lacking)}: {cookie}")
        elif not any(a.startswith("samesite=") for a in attributes):
            problems.append(f"cookie without SameSite: {cookie}")
    if response.mimetype == "text/html":
        seen.html_pages += 1
        parser = _Scripts()
        parser.feed(response.get_data(as_text=True))
        parser.close()
        for script in parser.scripts:
            seen.scripts += 1
            if nonce is None or script.get("nonce") != nonce:
                where = script.get("src") or "inline"
                problems.append(f"<script {where}> nonce {script.get('nonce')!r}, not {nonce!r}")
        problems += [f"inline handler {h} (the CSP blocks it)" for h in parser.handlers]
    return problems


# ------------------------------------------------------------------------------- the routes


def get_rules(app: Flask) -> set[str]:
    """Every rule of the url_map that answers GET (static files included)."""
    return {rule.rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def static_rules(app: Flask) -> dict[str, Rule]:
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint == "static" or rule.endpoint.endswith(".static")
    }


def static_paths(app: Flask) -> Iterator[tuple[str, str]]:
    """(rule, path of a real file) for each static folder: the app's and each blueprint's."""
    for endpoint, rule in sorted(static_rules(app).items()):
        blueprint = endpoint.rpartition(".")[0]
        folder = app.static_folder if not blueprint else app.blueprints[blueprint].static_folder
        assert folder, endpoint
        files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        assert files, f"{endpoint}: no file in {folder}"
        for suffix in (".js", ".css"):  # a script and a stylesheet when the folder has them
            found = [p for p in files if p.suffix == suffix]
            if found:
                yield (
                    rule.rule,
                    rule.rule.replace("<path:filename>", found[0].relative_to(folder).as_posix()),
                )


GET_ROWS = [row for row in ROWS if row.method == "GET"]


def allowed_role(row: Row) -> str | None:
    """The role that reads the row's resource (200), platform admins first."""
    roles = [role for role in ROLES if row.expect[role] == 200]
    if "platform_admin" in roles:
        return "platform_admin"
    return roles[0] if roles else None


def send(world: World, row: Row, role: str) -> Any:
    # a row that reads an object made for each role (as the matrix does) gets its own
    ids = {**world.ids, **(world.fresh(row.fresh, role) if row.fresh else {})}
    path = row.path.format(**ids)
    if row.page:
        return world.page(role).get(path)
    return world.api(role).get(path)


def matched_rule(app: Flask, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _args = adapter.match(path.split("?", 1)[0], method="GET", return_rule=True)
    except (NotFound, MethodNotAllowed):
        return None
    return str(rule.rule)


# ------------------------------------------------------------------------------- the tests


def test_every_get_rule_has_a_request(app: Flask) -> None:
    """Meta-check, without sending anything: each GET rule of the url_map is requested below,
    by an authorization-matrix row that some role reads (200), or as a static file."""
    covered = {row.rule for row in GET_ROWS if allowed_role(row) is not None}
    covered |= {rule for rule, _path in static_paths(app)}
    missing = sorted(
        rule for rule in get_rules(app) - covered if ("GET", rule) not in LIBRARY_EXCLUDED
    )
    assert not missing, "GET rules no request here reaches with a 200:\n" + "\n".join(missing)


def test_every_get_route_carries_the_security_headers(app: Flask) -> None:
    world = build_world(app)
    session_cookie = app.config["SESSION_COOKIE_NAME"]
    seen = Seen()
    problems: list[str] = []
    served: set[str] = set()

    def check(label: str, response: Any, want: int | None = None) -> None:
        try:
            if want is not None and response.status_code != want:
                problems.append(f"{label}: status {response.status_code}, expected {want}")
            problems.extend(
                f"{label} ({response.status_code}): {p}"
                for p in response_problems(response, session_cookie, seen)
            )
        finally:
            response.close()  # file responses (logo, static) hold their file until closed

    for row in GET_ROWS:
        role = allowed_role(row)
        if role is not None:
            response = send(world, row, role)
            check(f"{row.id} as {role}", response, 200)
            if response.status_code == 200:
                path = row.rule if row.fresh else row.path.format(**world.ids)
                served.add(matched_rule(app, path) or row.rule)
        # and as nobody: login redirects, 401s, 404s and the pages everybody reads
        check(f"{row.id} as anonymous", send(world, row, "anonymous"))
    for rule, path in static_paths(app):
        response = world.page("anonymous").get(path)
        check(f"static {path}", response, 200)
        served.add(rule)

    # a first visit: the session (and its CSRF token) starts with this response
    check("first visit /login", app.test_client().get("/login"), 200)

    error_pages = [
        ("anonymous", "/no-such-page", 404),
        ("member", "/no-such-page", 404),  # the signed-in header loads the scripts
        ("outsider", "/directory/queue", 403),
        ("member", f"/associations/{world.ids['pending_assoc']}", 404),
        ("member", "/logout", 405),
    ]
    for role, path, status in error_pages:
        response = world.page(role).get(path)
        if status in (403, 404):  # the HTML error page, with its header and scripts
            assert response.mimetype == "text/html", (path, response.mimetype)
        check(f"error page {path} as {role}", response, status)
    for role, path, status in [
        ("anonymous", "/api/v1/no-such-endpoint", 404),
        ("anonymous", "/api/v1/me", 401),
        ("outsider", "/api/v1/associations/pending", 403),
    ]:
        check(f"API error {path} as {role}", world.api(role).get(path), status)

    assert not problems, "\n".join(problems)
    missing = sorted(
        rule for rule in get_rules(app) - served if ("GET", rule) not in LIBRARY_EXCLUDED
    )
    assert not missing, "GET rules never answered 200:\n" + "\n".join(missing)
    # the checks had something to check
    assert seen.html_pages > 50 and seen.scripts > 50, seen
    assert seen.session_cookies > 0, "no response set the session cookie"
    assert len(set(seen.nonces)) == len(seen.nonces), "a nonce was served twice"


def test_signing_in_sets_a_session_cookie_scripts_cannot_read(app: Flask) -> None:
    user = UserFactory()
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login", data={"login": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    seen = Seen()
    assert response_problems(response, app.config["SESSION_COOKIE_NAME"], seen) == []
    assert seen.session_cookies == 1


def test_a_server_error_page_carries_the_headers(app: Flask) -> None:
    def boom() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/_test/boom", "test_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen = Seen()
    for client in (app.test_client(), app.test_client()):
        response = client.get("/_test/boom")
        assert response.status_code == 500
        assert response_problems(response, app.config["SESSION_COOKIE_NAME"], seen) == []
        response = client.get("/_test/boom", headers={"Accept": "application/json"})
        assert response.status_code == 500
        assert response_problems(response, app.config["SESSION_COOKIE_NAME"], seen) == []
    assert seen.html_pages == 2


def test_production_adds_hsts_and_a_secure_session_cookie(app_factory_production: Flask) -> None:
    client = app_factory_production.test_client()
    response = client.get("/login", base_url="https://jam3ia.example")
    assert response.status_code == 200
    seen = Seen()
    name = app_factory_production.config["SESSION_COOKIE_NAME"]
    assert response_problems(response, name, seen) == []
    assert seen.session_cookies == 1
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "="))
    assert "secure" in {a.strip().lower() for a in cookie.split(";")[1:]}
    hsts = response.headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age[1]) >= 180 * 24 * 3600, hsts
