"""The XSS corpus in every field that others see, opened in headless Chromium on every page of
``tests.xss.PAGES`` as that page's viewer, and pushed live over Socket.IO to an open chat and
an open topic: no dialog fires, no injected script runs, nothing in the live DOM carries an
event handler or a script URL, and the page's own JavaScript still works (no page error).

The HTML-only half is tests/security/test_xss_fields.py (one world per corpus entry). A browser
is slower, so here the corpus is batched: one world per chunk of it, whose payload is the chunk
followed by the rest of the corpus. The long fields (bios, descriptions, bodies, messages) hold
the whole corpus in every world; a short field (a name, a title) holds the start of its world's
chunk, and every chunk starts with an entry that breaks out of an attribute, a ``<title>``, a
``<textarea>`` or an inline script, or reverses text (see ``test_chunks_cover_the_corpus``).

Every page loads with an init script that records calls to ``alert``/``confirm``/``prompt``/
``print``, ``eval``, ``Function``, string timers, ``document.write`` and any write to
``window.__xss`` (what the corpus payloads would do), and the CSP violations the page met.
Chunks 0 and 2 are viewed under the real CSP, whose blocks are recorded as evidence (printed
with ``-rP``), not failures; chunk 1 with the CSP bypassed (Playwright's ``bypass_csp``), so
the sanitizer and the escaping alone must keep every payload inert there. Each live push
reaches one browser of each kind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from flask import Flask

from app.config import Config
from tests.conftest import LiveServer
from tests.e2e.conftest import sign_in_by_cookie
from tests.support.sockets import Inbox
from tests.xss import (
    FIELDS,
    PAGES,
    XSS_CORPUS,
    XssWorld,
    bidi_leaks,
    build_world,
    field_value,
    format_path,
    marker,
    page_problems,
)

# ------------------------------------------------------------------ the corpus, in chunks

#: What the chunks start with, so that the short fields (names, titles) meet them: the first
#: of each pair fits in a name, the pair in a title. They break out of an attribute (either
#: quote), a <title>, a <textarea> or an inline script, or reverse the text around a name.
LEADS = [
    ("\u202eevil.exe\u202c <i>x</i>", "</title><script>alert(1)</script>"),
    ('"><script>alert(1)</script>', "</textarea><script>alert(1)</script>"),
    ("'><img src=x onerror=alert(1)>", "</script><script>alert(1)</script>"),
]
CHUNK_COUNT = len(LEADS)
FIRST_LEADS = [first for first, _second in LEADS]
ALL_LEADS = [lead for pair in LEADS for lead in pair]


def corpus_chunks() -> list[list[str]]:
    """The corpus in ``CHUNK_COUNT`` chunks: a pair of leads each, then the other entries
    shortest first, dealt in turn (so the short fields get as many whole entries as fit)."""
    rest = sorted((entry for entry in XSS_CORPUS if entry not in ALL_LEADS), key=len)
    return [[*pair, *rest[index::CHUNK_COUNT]] for index, pair in enumerate(LEADS)]


def world_payload(index: int) -> str:
    """Chunk ``index`` first, then the rest of the corpus (it fits in every long field)."""
    chunks = corpus_chunks()
    ordered = chunks[index:] + chunks[:index]
    return "\n\n".join(entry for chunk in ordered for entry in chunk)


def test_chunks_cover_the_corpus() -> None:
    """Every entry is in one chunk; the fields of 1000 characters and more hold every entry
    whole in some world (those of 2000 and more in every world); every field holds a first
    lead whole in every world, and the fields of 100 and more hold every lead in some world."""
    chunks = corpus_chunks()
    assert sorted(entry for chunk in chunks for entry in chunk) == sorted(XSS_CORPUS)
    for name, limit in FIELDS.items():
        values = [field_value(name, world_payload(i)) for i in range(CHUNK_COUNT)]
        for index, value in enumerate(values):
            assert FIRST_LEADS[index] in value, (name, index)
            if limit >= 2000:
                assert all(entry in value for entry in XSS_CORPUS), (name, index)
        wanted = XSS_CORPUS if limit >= 1000 else ALL_LEADS if limit >= 100 else FIRST_LEADS
        missing = [entry for entry in wanted if not any(entry in value for value in values)]
        assert not missing, (name, missing)


# ------------------------------------------------------------------ what the browser records

#: Runs in every frame before the page's own scripts: records what the corpus would call, the
#: CSP's blocks, and when the page has settled after "load" (late handlers had their chance).
HOOK = r"""
(() => {
  if (Object.prototype.hasOwnProperty.call(window, "__xssLog")) return;
  const log = [];
  const violations = [];
  Object.defineProperty(window, "__xssLog", { value: log });
  Object.defineProperty(window, "__cspViolations", { value: violations });
  const record = (sink, args) => {
    const entry = {
      sink,
      args: Array.from(args || [], (a) => String(a).slice(0, 160)),
      where: String(location.href),
    };
    log.push(entry);
    try {
      if (window.top !== window && window.top.__xssLog) window.top.__xssLog.push(entry);
    } catch (_e) { /* a cross-origin frame: its dialogs still reach page.on("dialog") */ }
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const original = window[name];
    window[name] = function (...args) {
      record(name, args);
      return original.apply(this, args);
    };
  }
  const originalEval = window.eval;
  window.eval = function (source) {
    // Playwright evaluates the test's own probes through eval, from its UtilityScript
    if (!String(new Error().stack).includes("at UtilityScript.")) record("eval", [source]);
    return originalEval(source);
  };
  window.Function = new Proxy(window.Function, {
    apply(target, self, args) {
      record("Function", args);
      return Reflect.apply(target, self, args);
    },
    construct(target, args, newTarget) {
      record("Function", args);
      return Reflect.construct(target, args, newTarget);
    },
  });
  for (const name of ["setTimeout", "setInterval"]) {
    const original = window[name];
    window[name] = function (handler, ...rest) {
      if (typeof handler === "string") record(name, [handler]);
      return original.call(this, handler, ...rest);
    };
  }
  for (const name of ["write", "writeln"]) {
    const original = Document.prototype[name];
    Document.prototype[name] = function (...args) {
      record(`document.${name}`, args);
      return original.apply(this, args);
    };
  }
  Object.defineProperty(window, "__xss", {
    get() { return undefined; },
    set(value) { record("__xss", [value]); },
  });
  document.addEventListener("securitypolicyviolation", (event) => {
    violations.push({
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: event.sourceFile,
      line: event.lineNumber,
    });
  }, true);
  // settled: image errors fired before "load"; give animations and <details> toggles a moment
  window.addEventListener("load", () => {
    requestAnimationFrame(() => requestAnimationFrame(() => {
      setTimeout(() => { window.__settled = true; }, 60);
    }));
  });
})();
"""

SETTLED = "() => window.__settled === true"

#: What the DOM holds once the page's own scripts ran: anything that could run script.
COLLECT = r"""
() => {
  const problems = [];
  const SAFE = ["http:", "https:", "mailto:"];
  const URL_ATTRS = new Set([
    "href", "src", "action", "formaction", "data", "poster", "background", "ping", "cite",
    "codebase", "longdesc", "lowsrc", "dynsrc", "manifest", "srcset", "imagesrcset",
  ]);
  const FORBIDDEN = new Set([
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "math",
    "foreignobject", "animate", "animatemotion", "animatetransform", "set", "use", "noscript",
    "template", "script",
  ]);
  const where = (el) => {
    const holder = el.closest("[id]");
    const cls = typeof el.className === "string" && el.className ? `.${el.className}` : "";
    return `${el.localName}${cls}${holder ? ` in #${holder.id}` : ""}`;
  };
  const ownScript = (el) => {
    if (!(el instanceof HTMLScriptElement) || !el.src) return false;
    const url = new URL(el.src);
    return url.origin === location.origin && url.pathname.startsWith("/static/");
  };
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName.toLowerCase();
    if (tag === "script" && ownScript(el)) {
      if (!el.nonce) problems.push(`script without the nonce: ${el.src}`);
    } else if (FORBIDDEN.has(tag)) {
      problems.push(`<${tag}> ${where(el)}`);
    }
    if (tag === "svg" && !el.closest("svg.timeline")) problems.push(`<svg> ${where(el)}`);
    if (tag === "meta" && el.hasAttribute("http-equiv")) problems.push(`<meta> ${where(el)}`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith("on")) problems.push(`${where(el)}[${name}]`);
      if (name === "srcdoc") problems.push(`${where(el)}[srcdoc]`);
      if (name === "style" && /url\s*\(|expression\s*\(/i.test(value)) {
        problems.push(`${where(el)}[style=${JSON.stringify(value.slice(0, 80))}]`);
      }
      if (URL_ATTRS.has(name) || name.endsWith(":href")) {
        const urls = name.endsWith("srcset")
          ? value.split(",").map((part) => part.trim().split(/\s+/)[0])
          : [value];
        for (const url of urls) {
          let protocol;
          try {
            protocol = new URL(url, document.baseURI).protocol;
          } catch (_e) {
            continue; // not a URL the browser would follow
          }
          if (!SAFE.includes(protocol)) {
            problems.push(`${where(el)}[${name}=${JSON.stringify(value.slice(0, 80))}]`);
          }
        }
      }
    }
  }
  return {
    url: location.href,
    problems,
    sinks: window.__xssLog.slice(),
    violations: window.__cspViolations.slice(),
    html: document.documentElement.outerHTML,
  };
}
"""


@dataclass
class Tab:
    """A tab of a viewer's browser, with what it reported since it opened."""

    who: str
    page: Any
    bypass_csp: bool
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: how many dialogs and errors there were when the current page was opened
    marks: tuple[int, int] = (0, 0)

    def open(self, path: str) -> Any:
        """Start loading ``path``: back once the response is in, while the page still loads
        (other tabs load meanwhile)."""
        self.marks = (len(self.dialogs), len(self.errors))
        return self.page.goto(path, wait_until="commit")

    def inspect(self, path: str, fields: set[str], response: Any = None) -> list[str]:
        """What is wrong with the page in this tab, opened by :meth:`open` (``response``), or
        as it is now (``response=None``: a live page, checked after the pushes)."""
        dialogs, errors = self.marks
        problems: list[str] = []
        if response is not None:
            if response.status != 200:
                return [f"{self.who} {path}: status {response.status}"]
            self.page.wait_for_load_state("load")
        self.page.wait_for_function(SETTLED)
        report = self.page.evaluate(COLLECT)
        html = report["html"]
        problems += report["problems"]
        problems += [f"html: {p}" for p in page_problems(html)]
        problems += [f"bidi: {p}" for p in bidi_leaks(html)]
        problems += [
            f"ran {s['sink']}({', '.join(s['args'])}) in {s['where']}" for s in report["sinks"]
        ]
        problems += [f"dialog: {d}" for d in self.dialogs[dialogs:]]
        problems += [f"page error: {e}" for e in self.errors[errors:]]
        if len(self.page.frames) != 1:
            problems.append(f"frames: {[f.url for f in self.page.frames]}")
        if response is not None and not report["url"].endswith(path):
            problems.append(f"navigated away to {report['url']}")
        missing = sorted(name for name in fields if marker(name) not in html)
        if missing:
            problems.append(f"does not show {missing}")
        self.violations += [(path, v) for v in report["violations"]]
        mode = "CSP bypassed" if self.bypass_csp else "CSP on"
        return [f"{self.who} {path} ({mode}): {p}" for p in problems]


@dataclass
class Viewer:
    """One person's browser (a context of its own with the session cookie) and its tabs."""

    who: str
    context: Any
    bypass_csp: bool
    tabs: list[Tab] = field(default_factory=list)

    def tab(self, number: int = 0) -> Tab:
        while len(self.tabs) <= number:
            tab = Tab(who=self.who, page=self.context.new_page(), bypass_csp=self.bypass_csp)

            def on_dialog(dialog: Any, tab: Tab = tab) -> None:
                tab.dialogs.append(f"{dialog.type}: {dialog.message}")
                dialog.dismiss()

            tab.page.on("dialog", on_dialog)
            tab.page.on("pageerror", lambda error, tab=tab: tab.errors.append(str(error)))
            self.tabs.append(tab)
        return self.tabs[number]


@pytest.fixture
def config(config: Config) -> Config:
    """A whole corpus sent message by message is not what the rate limits are for."""
    return replace(
        config,
        ratelimit_enabled=False,
        # each context fetches the static files once instead of revalidating them on every page
        extra={**config.extra, "SEND_FILE_MAX_AGE_DEFAULT": 3600},
    )


@pytest.fixture
def viewers(browser: Any, live_server: LiveServer, app: Flask) -> Iterator[Callable[..., Viewer]]:
    """``viewers(user_or_None, who, bypass_csp=False, locale=...)`` -> a :class:`Viewer`
    signed in as ``user`` by a session cookie (no login form: no password hash per viewer)."""
    made: list[Viewer] = []

    def make(user: Any, who: str, bypass_csp: bool = False, locale: str = "fr-FR") -> Viewer:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, bypass_csp=bypass_csp
        )
        context.set_default_timeout(10_000)
        context.add_init_script(HOOK)
        # user content may link images elsewhere (https: is allowed): never leave the machine
        context.route("https://**", lambda route: route.abort())
        if user is not None:
            sign_in_by_cookie(context, app, live_server, user)
        viewer = Viewer(who=who, context=context, bypass_csp=bypass_csp)
        made.append(viewer)
        return viewer

    yield make
    for viewer in made:
        for tab in viewer.tabs:
            for path, violation in tab.violations:
                print(f"CSP blocked (evidence) for {viewer.who} on {path}: {json.dumps(violation)}")
        viewer.context.close()


def people(world: XssWorld) -> dict[str, Any]:
    return {
        "anonymous": None,
        "founder": world.founder,
        "member": world.member,
        "admin": world.admin,
    }


LOCALES = ["fr-FR", "ar-MA", "en-US"]
#: pages loading at once (each in a tab of its viewer's browser)
WIDTH = 4


def check_pages(world: XssWorld, by_role: dict[str, Viewer]) -> list[str]:
    """Every page of ``PAGES`` as its viewer, ``WIDTH`` at a time."""
    tasks = [(who, format_path(template, world), fields) for who, template, fields in PAGES]
    problems: list[str] = []
    for start in range(0, len(tasks), WIDTH):
        opened = []
        used: dict[str, int] = {}
        for who, path, fields in tasks[start : start + WIDTH]:
            tab = by_role[who].tab(used.get(who, 0))
            used[who] = used.get(who, 0) + 1
            opened.append((tab, path, fields, tab.open(path)))
        for tab, path, fields, response in opened:
            problems += tab.inspect(path, fields, response)
    return problems


# ------------------------------------------------------------------ every page, every field


@pytest.mark.parametrize("index", range(CHUNK_COUNT), ids=[f"chunk{i}" for i in range(CHUNK_COUNT)])
def test_corpus_is_inert_on_every_page(index: int, api: Any, viewers: Any) -> None:
    world = build_world(api, world_payload(index))
    bypass = index % 2 == 1
    locale = LOCALES[index % len(LOCALES)]
    by_role = {
        who: viewers(user, who, bypass_csp=bypass, locale=locale)
        for who, user in people(world).items()
    }
    problems = check_pages(world, by_role)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ pushed live


def test_live_chat_messages_are_inert(api: Any, viewers: Any, sio_connect: Any) -> None:
    """The corpus, one message per entry, then an edit to all of it, sent over Socket.IO into
    a conversation open in both people's browsers (the reader's under the CSP, the sender's
    without): the messages, the conversation list's previews and the edit are rendered live."""
    world = build_world(api, world_payload(2))  # names lead with an <img onerror>
    path = f"/chat/{world.conversation_id}"
    own = viewers(world.founder, "founder", bypass_csp=True).tab()
    own.page.goto(path)
    own.page.wait_for_function(SETTLED)
    sender = sio_connect(world.founder, namespaces=["/chat"])
    presence = Inbox(sender, "presence", "/chat")
    reader = viewers(world.member, "member", locale="ar-MA").tab()
    reader.page.goto(path)
    # the server announces the reader once its page's socket is in its rooms; the sender's
    # page hears it too (so its socket is in its rooms as well)
    presence.wait_event("presence", lambda p: p["user_id"] == world.member.id and p["online"])
    own.page.locator(
        f".chat-head .presence-dot.online[data-presence='{world.member.id}']"
    ).wait_for()
    ids = []
    for number, body in enumerate(XSS_CORPUS):
        ack = sender.call(
            "message_send",
            {"conversation_id": world.conversation_id, "body": body, "client_id": f"xss-{number}"},
            namespace="/chat",
            timeout=10,
        )
        assert ack["ok"], ack
        ids.append(ack["message"]["id"])
    edited = sender.call(
        "message_edit",
        {"message_id": ids[0], "body": "edited\n\n" + world_payload(0)[:3900]},
        namespace="/chat",
        timeout=10,
    )
    assert edited["ok"], edited
    problems: list[str] = []
    for tab in (reader, own):
        tab.page.wait_for_function(
            "([last, first]) =>"
            ' !!document.querySelector(`li[data-message-id="${last}"]`)'
            ' && document.querySelector(`li[data-message-id="${first}"] .body`)'
            ".textContent.startsWith('edited')",
            arg=[ids[-1], ids[0]],
        )
        count = tab.page.locator("[data-messages] li[data-message-id]").count()
        assert count == len(ids) + 1, count  # and the world's first message
        problems += tab.inspect(path, {"message_body", "conversation_title", "display_name"})
    assert not problems, "\n".join(problems)


def test_live_forum_posts_are_inert(api: Any, viewers: Any) -> None:
    """The corpus, one reply per chunk (each quoting a reply whose author and text carry it
    too), then an edit to all of it, pushed to the topic open in two readers' browsers (one
    under the CSP, one without)."""
    world = build_world(api, world_payload(1))
    path = f"/topics/{world.topic_id}"
    readers = [
        viewers(world.member, "member", locale="en-US").tab(),
        viewers(world.admin, "admin", bypass_csp=True, locale="ar-MA").tab(),
    ]
    for reader in readers:
        reader.page.goto(path)
        reader.page.wait_for_selector("#posts[data-live=on]")
    writer = api(world.founder)
    numbers = []
    for body in ("\n\n".join(chunk) for chunk in corpus_chunks()):
        response = writer.post(
            f"/api/v1/topics/{world.topic_id}/posts",
            json={"body": body, "quote_post_id": world.reply_post_id},
        )
        assert response.status_code == 201, response.get_json()
        numbers.append(response.get_json()["number"])
    edit = writer.patch(
        f"/api/v1/posts/{world.first_post_id}", json={"body": "edited\n\n" + world_payload(2)}
    )
    assert edit.status_code == 200, edit.get_json()
    problems: list[str] = []
    for reader in readers:
        reader.page.wait_for_selector(f"#post-{numbers[-1]}")
        reader.page.wait_for_function(
            "() => document.querySelector('#post-1 .post-body').textContent.startsWith('edited')"
        )
        live = reader.page.locator("article.post.live").count()
        assert live == len(numbers), live
        problems += reader.inspect(path, {"topic_title", "display_name", "reply_body"})
    assert not problems, "\n".join(problems)
