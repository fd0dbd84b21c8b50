"""The XSS corpus and an HTML checker shared by every test that shows user text to others."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<a href='javascript:alert(1)'>x</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '[a](https://example.org "title" onmouseover=alert(1))',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "<<script>script>alert(1)<</script>/script>",
    "\u202egnp.exe <b onclick=alert(1)>x</b>",
    "<object data='data:text/html,<script>alert(1)</script>'></object>",
    "<form action='javascript:alert(1)'><button>x</button></form>",
    "[x](&#106;avascript:alert(1))",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    # SVG: script inside, links, animation events, a scripted image as a data: URL
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text y='20'>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    # Markdown link and image tricks: references, autolinks, entities, spaces, data: HTML
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
    "![ref][evil]\n\n[evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[x](javascript&#58;alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[![x](https://example.org/i.png)](javascript:alert(1))",
    # Breaking out of the attribute, textarea, title or inline data the text lands in
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<base href='javascript:alert(1)//'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    '<img src=x onerror="window.__xss=1">',
    "{{7*7}} ${7*7} {% raw %}",
    # Bidirectional overrides and isolates that would flip the text around a name
    "\u202eevil.exe\u202c <i>x</i>",
    "\u2067\u202dsalma\u2069 \u202b\u202a",
]

#: Explicit bidi formatting characters: embeddings, overrides and isolates (not LRM/RLM marks).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "details",
    "input", "button", "base", "meta", "link", "frame", "frameset", "applet", "template",
    "animate", "set", "foreignobject", "use", "portal", "noscript",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")


class _Checker(HTMLParser):
    def __init__(self, allowed_scripts: set[str], allowed_tags: frozenset[str] = frozenset()):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.allowed_scripts = allowed_scripts
        self.allowed_tags = allowed_tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        own = (tag == "script" and self._page_script(attrs)) or (
            tag == "svg" and self.allowed_tags and self._page_svg(attrs)
        )
        if not own and tag in FORBIDDEN_TAGS and tag not in self.allowed_tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                # Browsers drop ASCII whitespace and controls before reading a URL's scheme.
                cleaned = "".join(ch for ch in value if ord(ch) > 0x20).lower()
                scheme = _SCHEME.match(cleaned)
                if scheme and scheme.group(0) not in SAFE_SCHEMES:
                    self.problems.append(f"{tag}[{name}={value!r}]")
            if name == "style" and value and "url(" in value.lower():
                self.problems.append(f"{tag}[style]")

    @staticmethod
    def _page_svg(attrs: list[tuple[str, str | None]]) -> bool:
        # The project page draws its timeline's bars as small <svg class="timeline ..."> in
        # the table's cells; they hold no user text (the names are in the row headers).
        return (dict(attrs).get("class") or "").split(" ")[0] == "timeline"

    def _page_script(self, attrs: list[tuple[str, str | None]]) -> bool:
        src = dict(attrs).get("src") or ""
        return any(src.startswith(prefix) for prefix in self.allowed_scripts)


def html_problems(html: str, allowed_scripts: set[str] | None = None) -> list[str]:
    """What in ``html`` could run script. A page's own ``<script src="/static/...">`` is fine."""
    checker = _Checker(allowed_scripts if allowed_scripts is not None else {"/static/"})
    checker.feed(html)
    checker.close()
    return checker.problems


def assert_inert(html: str) -> None:
    problems = html_problems(html)
    assert not problems, f"{problems} in {html[:2000]}"


#: A page's own controls: harmless without event handlers or script URLs (still checked).
#: Whole-page checks also let the project timeline's bars (<svg class="timeline ...">) pass.
PAGE_TAGS = frozenset({"form", "input", "button", "details"})
#: What a page's own <head> holds besides; user text must never bring these into the <body>.
HEAD_TAGS = PAGE_TAGS | {"meta", "link"}


def page_problems(html: str) -> list[str]:
    """:func:`html_problems` of a whole page: its own forms and buttons pass (their attributes
    are still checked), meta and link tags only in its <head>; inline scripts never pass."""
    cut = html.find("<body")
    head, body = (html[:cut], html[cut:]) if cut >= 0 else ("", html)
    problems = []
    for part, allowed in ((head, HEAD_TAGS), (body, PAGE_TAGS)):
        checker = _Checker({"/static/"}, allowed)
        checker.feed(part)
        checker.close()
        problems += checker.problems
    return problems


def assert_page_inert(html: str) -> None:
    problems = page_problems(html)
    assert not problems, f"{problems} in {html[:3000]}"


VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
#: Elements whose text the browser isolates from its surroundings (a ``dir`` attribute, <bdi>)
#: or shows apart from the page's text (title bar, form controls).
ISOLATING_TAGS = {"bdi", "title", "textarea", "option", "input"}


class _BidiChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        isolated = tag in ISOLATING_TAGS or any(name == "dir" for name, _ in attrs)
        self.stack.append((tag, isolated))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if set(data) & BIDI_CONTROLS and not any(isolated for _, isolated in self.stack):
            where = "/".join(tag for tag, _ in self.stack[-4:])
            self.problems.append(f"{where}: {data.strip()[:80]!r}")


def bidi_leaks(html: str) -> list[str]:
    """Text holding bidi embeddings or overrides outside any isolating element: there the
    override would also reverse the page's own text around it."""
    checker = _BidiChecker()
    checker.feed(html)
    checker.close()
    return checker.problems


# ------------------------------------------------------------------ a world full of payloads

#: Every field that other people see, with the most characters it accepts.
FIELDS: dict[str, int] = {
    "display_name": 64,  # both people's names
    "bio": 2000,
    "association_name": 200,
    "association_name_alt": 200,
    "association_description": 5000,
    "association_address": 300,
    "pending_association_name": 200,
    "join_message": 1000,
    "forum_name": 120,
    "forum_description": 2000,
    "topic_title": 200,
    "post_body": 20_000,
    "post_body_before_edit": 20_000,
    "reply_body": 20_000,
    "flag_details": 1000,
    "project_title": 200,
    "project_description": 20_000,
    "milestone_title": 200,
    "milestone_description": 20_000,
    "activity_title": 200,
    "activity_description": 20_000,
    "activity_location": 300,
    "comment_body": 5000,
    "conversation_title": 100,
    "message_body": 4000,
    "document_title": 200,
    "page_title": 200,
    "page_body": 20_000,
    "report_title": 200,
    "report_outputs": 20_000,
    "report_lessons": 20_000,
    "offer_title": 120,
    "offer_body": 2000,
    "offer_area": 120,
    "offer_condition": 300,
    "thanks_text": 500,
    "campaign_title": 160,
    "campaign_story": 6000,
    "campaign_target": 300,
    "budget_label": 160,
    "campaign_update": 4000,
    "campaign_image_alt": 200,
    "expense_supplier": 160,
    "expert_headline": 160,
    "expert_bio": 2000,
    "expert_conflicts": 1000,
    "expert_request_title": 160,
    "expert_request_question": 4000,
    "expert_answer": 6000,
    "expert_pub_title": 160,
    "expert_pub_question": 4000,
    "expert_pub_answer": 6000,
    "aid_douar": 120,
    "aid_kit_name": 120,
    "aid_grievance_body": 2000,
    "vol_title": 160,
    "vol_description": 5000,
    "vol_role": 160,
    "vol_message": 1000,
    "contract_tasks": 2000,
    "contract_expenses": 2000,
    "contract_insurance": 200,
    "contract_end_reason": 2000,
    "car_title": 160,
    "car_description": 5000,
    "car_douar": 160,
    "car_component": 160,
    "car_place": 200,
    "car_role": 160,
    "car_load": 200,
    "car_story_ar": 3000,
    "car_story_fr": 3000,
}


def marker(field: str) -> str:
    """A plain token that tells where a field's text ended up (it survives any rendering)."""
    return f"qz{list(FIELDS).index(field):02d}zq"


def field_value(field: str, payload: str) -> str:
    return f"{marker(field)} {payload}"[: FIELDS[field]]


@dataclass
class XssWorld:
    """People and content where every shown field holds ``payload`` (after its marker)."""

    payload: str
    founder: Any  # admin of the association, author of the topic, project and conversation
    member: Any  # joined and was approved; replies, flags, chats
    applicant: Any  # asked to join, still pending
    admin: Any  # platform administrator: approves associations, moderates
    association_id: int = 0
    pending_association_id: int = 0
    forum_id: int = 0
    topic_id: int = 0
    first_post_id: int = 0
    reply_post_id: int = 0
    project_id: int = 0
    milestone_id: int = 0
    activity_id: int = 0
    conversation_id: int = 0
    message_id: int = 0
    document_id: int = 0
    page_id: int = 0
    report_id: int = 0
    offer_id: int = 0
    campaign_id: int = 0
    campaign_draft_id: int = 0
    expert_id: int = 0
    expert_request_id: int = 0
    aid_grievance_id: int = 0
    aid_household_id: int = 0
    aid_delivery_id: int = 0
    vol_opp_id: int = 0
    vol_contract_id: int = 0
    caravan_id: int = 0


def _ok(response: Any, *statuses: int) -> Any:
    assert response.status_code in (statuses or (200, 201)), (
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    return response.get_json()


def build_world(api: Any, payload: str) -> XssWorld:
    """Create, through the JSON API, content whose every shown field carries ``payload``.

    ``api`` is the ``api`` fixture of tests/conftest.py (``api(user)`` -> bearer client).
    """
    from directory import load_reference_data
    from tests.factories import UserFactory

    load_reference_data()
    world = XssWorld(
        payload=payload,
        founder=UserFactory(),
        member=UserFactory(),
        applicant=UserFactory(),
        admin=UserFactory(is_admin=True),
    )
    v = lambda field: field_value(field, payload)  # noqa: E731
    founder, member, applicant, admin = (
        api(world.founder),
        api(world.member),
        api(world.applicant),
        api(world.admin),
    )
    for client in (founder, member, applicant):
        _ok(client.patch("/api/v1/me", json={"display_name": v("display_name"), "bio": v("bio")}))

    forum = _ok(
        admin.post(
            "/api/v1/forums",
            json={
                **{f"name_{lang}": v("forum_name") for lang in ("ar", "fr", "en")},
                **{f"description_{lang}": v("forum_description") for lang in ("ar", "fr", "en")},
            },
        )
    )
    world.forum_id = forum["id"]

    association = _ok(
        founder.post(
            "/api/v1/associations",
            json={
                "name": v("association_name"),
                "name_alt": v("association_name_alt"),
                "description": v("association_description"),
                "address": v("association_address"),
                "fields": ["education"],
                "city": "casablanca",
                "member_count": 25,
            },
        )
    )
    world.association_id = association["id"]
    _ok(admin.post(f"/api/v1/associations/{world.association_id}/approve"))
    pending = _ok(
        founder.post("/api/v1/associations", json={"name": v("pending_association_name")})
    )
    world.pending_association_id = pending["id"]
    for client in (member, applicant):
        _ok(
            client.post(
                f"/api/v1/associations/{world.association_id}/join",
                json={"message": v("join_message")},
            )
        )
    _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/members/{world.member.id}",
            json={"role": "member"},
        )
    )

    created = _ok(
        founder.post(
            f"/api/v1/forums/{world.forum_id}/topics",
            json={"title": v("topic_title"), "body": v("post_body_before_edit")},
        )
    )
    world.topic_id = created["topic"]["id"]
    world.first_post_id = created["post"]["id"]
    _ok(founder.patch(f"/api/v1/posts/{world.first_post_id}", json={"body": v("post_body")}))
    reply = _ok(
        member.post(
            f"/api/v1/topics/{world.topic_id}/posts",
            json={
                "body": f"@{world.founder.username} {v('reply_body')}",
                "quote_post_id": world.first_post_id,
            },
        )
    )
    world.reply_post_id = reply["id"]
    _ok(
        member.post(
            f"/api/v1/posts/{world.first_post_id}/flags",
            json={"reason": "other", "details": v("flag_details")},
        )
    )

    project = _ok(
        founder.post(
            "/api/v1/projects",
            json={
                "title": v("project_title"),
                "description": v("project_description"),
                "association_ids": [world.association_id],
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "visibility": "public",
            },
        )
    )
    world.project_id = project["id"]
    milestone = _ok(
        founder.post(
            f"/api/v1/projects/{world.project_id}/milestones",
            json={
                "title": v("milestone_title"),
                "description": v("milestone_description"),
                "starts_on": "2026-02-01",
                "due_on": "2026-03-01",
            },
        )
    )
    world.milestone_id = milestone["id"]
    _ok(founder.patch(f"/api/v1/milestones/{world.milestone_id}", json={"status": "done"}))
    activity = _ok(
        founder.post(
            f"/api/v1/projects/{world.project_id}/activities",
            json={
                "title": v("activity_title"),
                "description": v("activity_description"),
                "location": v("activity_location"),
                "starts_at": "2026-05-02T09:00:00+00:00",
                "ends_at": "2026-05-02T12:00:00+00:00",
            },
        )
    )
    world.activity_id = activity["id"]
    _ok(
        member.post(
            f"/api/v1/projects/{world.project_id}/comments", json={"body": v("comment_body")}
        )
    )

    conversation = _ok(
        founder.post(
            "/api/v1/conversations",
            json={"member_ids": [world.member.id], "title": v("conversation_title")},
        )
    )
    world.conversation_id = conversation["id"]
    message = _ok(
        founder.post(
            f"/api/v1/conversations/{world.conversation_id}/messages",
            json={"body": v("message_body"), "client_id": "xss-world-1"},
        )
    )
    world.message_id = message["id"]

    from library.demo import tiny_pdf

    document = _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/documents",
            data={
                "kind": "statutes",
                "title": v("document_title"),
                "visibility": "members",
                "file": (io.BytesIO(tiny_pdf("Statuts")), "statuts.pdf"),
            },
            content_type="multipart/form-data",
        )
    )
    world.document_id = document["id"]
    page = _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/pages",
            json={
                "title": v("page_title"),
                "body": v("page_body"),
                "visibility": "members",
                "template": True,
            },
        )
    )
    world.page_id = page["id"]
    report = _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/activity-reports",
            json={
                "title": v("report_title"),
                "held_on": "2026-11-28",
                "outputs": v("report_outputs"),
                "lessons": v("report_lessons"),
            },
        )
    )
    world.report_id = report["id"]
    world.offer_id = _offers(world, v)
    world.campaign_id, world.campaign_draft_id = _campaign(world, founder, v)
    _experts(world, member, v)
    world.aid_grievance_id = _aid(world, v, founder, member)
    world.vol_opp_id, world.vol_contract_id = _volunteering(world, v)
    world.caravan_id = _caravan(world, v)
    return world


def _caravan(world: XssWorld, v: Any) -> int:
    """A done caravan of the association, every text of it the payload (stored directly: the
    pages must keep what is stored inert), with the member accepted to its role."""
    import datetime as dt

    from sqlalchemy import select

    from app.db import db, utcnow
    from directory import City
    from volunteering.models import (
        Application,
        Caravan,
        CaravanComponent,
        CaravanLoad,
        Opportunity,
        Role,
    )

    city = db.session.scalar(select(City).where(City.code == "taroudant"))
    assert city is not None
    day = utcnow().date() - dt.timedelta(days=10)
    caravan = Caravan(
        lead_association_id=world.association_id,
        created_by_id=world.founder.id,
        title=v("car_title"),
        description=v("car_description"),
        province_id=city.province_id,
        city_id=city.id,
        douar=v("car_douar"),
        starts_on=day,
        ends_on=day + dt.timedelta(days=1),
        status="done",
        people_reached=300,
        story_ar=v("car_story_ar"),
        story_fr=v("car_story_fr"),
    )
    opportunity = Opportunity(
        association_id=world.association_id,
        title="Caravane",
        description="Caravane",
        city_id=city.id,
        province_id=city.province_id,
        starts_on=day,
        ends_on=day,
    )
    db.session.add_all([caravan, opportunity])
    db.session.flush()
    role = Role(opportunity_id=opportunity.id, title=v("car_role"), quota=3, accepted=1)
    component = CaravanComponent(
        caravan_id=caravan.id,
        association_id=world.association_id,
        opportunity_id=opportunity.id,
        kind="medical",
        title=v("car_component"),
        day=day,
        start_time="09:00",
        end_time="12:00",
        place=v("car_place"),
    )
    db.session.add_all([role, component])
    db.session.flush()
    db.session.add(
        Application(
            opportunity_id=opportunity.id,
            role_id=role.id,
            volunteer_id=world.member.id,
            status="accepted",
        )
    )
    db.session.add(
        CaravanLoad(
            caravan_id=caravan.id, kind="aid_kit", ref_id=3, label=v("car_load"), quantity=9
        )
    )
    db.session.commit()
    return caravan.id


def _campaign(world: XssWorld, founder: Any, v: Any) -> tuple[int, int]:
    """A live campaign of the founder's association (its public-appeal authorisation first),
    with an expense and an update with a consented photo; and a draft."""
    import datetime as dt
    import io

    from library.demo import tiny_png

    today = dt.datetime.now(dt.UTC).date()
    _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/authorizations",
            json={
                "kind": "public_appeal",
                "authority": "SGG",
                "reference": "AP-1",
                "valid_from": (today - dt.timedelta(days=5)).isoformat(),
                "valid_to": (today + dt.timedelta(days=90)).isoformat(),
            },
        )
    )
    made = _ok(
        founder.post(
            "/api/v1/campaigns",
            json={
                "association_id": world.association_id,
                "title": v("campaign_title"),
                "story_ar": v("campaign_story"),
                "story_fr": v("campaign_story"),
                "target_group": v("campaign_target"),
                "min_goal": 100_00,
                "optimum_goal": 1_000_00,
                "starts_on": (today - dt.timedelta(days=1)).isoformat(),
                "ends_on": (today + dt.timedelta(days=30)).isoformat(),
                "bank_reference": "CIH 0003",
                "budget_lines": [{"label": v("budget_label"), "amount": 1_000_00}],
            },
        )
    )
    _ok(founder.post(f"/api/v1/campaigns/{made['id']}/live"))
    lines = made["budget_lines"]
    _ok(
        founder.post(
            f"/api/v1/campaigns/{made['id']}/expenses",
            data={
                "budget_line_id": str(lines[0]["id"]),
                "amount": "15000",
                "supplier": v("expense_supplier"),
            },
            content_type="multipart/form-data",
        )
    )
    photo = _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/documents",
            data={
                "kind": "photo",
                "title": "Distribution",
                "visibility": "members",
                "file": (io.BytesIO(tiny_png()), "photo.png"),
            },
            content_type="multipart/form-data",
        )
    )
    _ok(
        founder.post(
            f"/api/v1/documents/{photo['id']}/consents",
            json={"subject_label": "Famille", "scope": "public"},
        )
    )
    _ok(
        founder.post(
            f"/api/v1/campaigns/{made['id']}/updates",
            json={
                "body": v("campaign_update"),
                "image_document_id": photo["id"],
                "image_alt": v("campaign_image_alt"),
            },
        )
    )
    draft = _ok(
        founder.post(
            "/api/v1/campaigns",
            json={
                "association_id": world.association_id,
                "title": v("campaign_title"),
                "story_ar": v("campaign_story"),
                "story_fr": v("campaign_story"),
                "target_group": v("campaign_target"),
                "min_goal": 100_00,
                "optimum_goal": 1_000_00,
                "starts_on": (today - dt.timedelta(days=1)).isoformat(),
                "ends_on": (today + dt.timedelta(days=30)).isoformat(),
                "budget_lines": [{"label": v("budget_label"), "amount": 1_000_00}],
            },
        )
    )
    return int(made["id"]), int(draft["id"])


def _experts(world: XssWorld, member: Any, v: Any) -> None:
    """The member is an expert (through the API); the founder's one-hour-session request,
    answered and its session held, stored directly: the experts' rules refuse most payloads
    (links), yet what is shown must be as inert on every page."""
    import datetime as dt

    from app.db import db, utcnow
    from experts.models import Consultation, ExpertSession, Publication

    profile = _ok(
        member.post(
            "/api/v1/experts",
            json={
                "headline": v("expert_headline"),
                "bio": v("expert_bio"),
                "conflicts": v("expert_conflicts"),
                "domains": ["legal"],
                "languages": ["fr", "ar"],
                "modes": ["question", "session"],
                "remote": True,
                "monthly_capacity": 3,
                "no_fee": True,
            },
        )
    )
    world.expert_id = profile["id"]
    now = utcnow()
    row = Consultation(
        association_id=world.association_id,
        requester_id=world.founder.id,
        domain="legal",
        mode="session",
        language="fr",
        remote_ok=True,
        title=v("expert_request_title"),
        question=v("expert_request_question"),
        status="closed",
        expert_id=profile["id"],
        matched_at=now,
        accepted_at=now,
        closed_at=now,
        answer=v("expert_answer"),
    )
    db.session.add(row)
    db.session.flush()
    held = (now - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    db.session.add(
        ExpertSession(
            consultation_id=row.id,
            live_consultation_id=row.id,
            expert_id=profile["id"],
            booked_by=world.founder.id,
            starts_at=held,
            ends_at=held + dt.timedelta(hours=1),
            slot_start=held,
            status="held",
            held_at=held + dt.timedelta(hours=1),
        )
    )
    # both sides consented to publish it in the library: the proposed text, as edited
    db.session.add(
        Publication(
            consultation_id=row.id,
            association_consent_at=now,
            association_consent_by=world.founder.id,
            expert_consent_at=now,
            title=v("expert_pub_title"),
            question=v("expert_pub_question"),
            answer=v("expert_pub_answer"),
        )
    )
    db.session.commit()
    world.expert_request_id = row.id


def _aid(world: XssWorld, v: Any, founder: Any, member: Any) -> int:
    """Three verified households of a douar named with the payload (the public needs board
    shows its cell; the first, elderly, has a card and a home delivery assigned to the
    member), a kit named with it, and a member's grievance whose text is it."""
    from sqlalchemy import select

    from app.db import db
    from directory import Province

    province = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    for name in ("Famille Une", "Famille Deux", "Famille Trois"):
        household = _ok(
            founder.post(
                f"/api/v1/associations/{world.association_id}/households",
                json={
                    "head_name": name,
                    "province_id": province,
                    "commune": "Taroudant",
                    "douar": v("aid_douar"),
                    "size": 3,
                    "consent": {
                        "mode": "paper",
                        "purposes": ["aid_delivery", "statistics"],
                        "language": "ar",
                    },
                    "needs": [{"code": "food_basket"}],
                    "vulnerabilities": ["elderly_alone"],
                },
            )
        )
        _ok(
            founder.post(
                f"/api/v1/households/{household['id']}/verify", json={"method": "home_visit"}
            )
        )
        world.aid_household_id = world.aid_household_id or int(household["id"])
    _ok(founder.post(f"/api/v1/households/{world.aid_household_id}/card"))
    distribution = _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/distributions",
            json={
                "title": "Hiver",
                "place_kind": "premises",
                "place": "Local",
                "starts_at": "2026-12-20T09:00:00+00:00",
            },
        )
    )
    world.aid_delivery_id = int(
        _ok(
            founder.post(
                f"/api/v1/distributions/{distribution['id']}/deliveries",
                json={
                    "household_id": world.aid_household_id,
                    "assignee_id": world.member.id,
                    "scheduled_at": "2026-12-20T10:00:00+00:00",
                },
            )
        )["id"]
    )
    item = _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/stock-movements",
            json={
                "kind": "donation_in",
                "quantity": 5,
                "item_name": "Farine",
                "location_name": "Local",
            },
        )
    )["items"][0]
    _ok(
        founder.post(
            f"/api/v1/associations/{world.association_id}/kits",
            json={
                "name": v("aid_kit_name"),
                "components": [{"item_id": item["item_id"], "quantity": 1}],
            },
        )
    )
    grievance = _ok(
        member.post(
            f"/api/v1/associations/{world.association_id}/grievances",
            json={"kind": "quality", "body": v("aid_grievance_body")},
        )
    )
    return int(grievance["id"])


def _volunteering(world: XssWorld, v: Any) -> tuple[int, int]:
    """A contractual call of the association (title, description, role), the member's
    application with its message and the member's draft contract, stored directly: the rules
    refuse most payloads (links), yet what is stored must be as inert on every page."""
    import datetime as dt

    from sqlalchemy import select

    from app.db import db, utcnow
    from directory import City
    from volunteering.models import (
        Application,
        Contract,
        Opportunity,
        Role,
        Shift,
        VolunteerProfile,
    )

    city = db.session.scalar(select(City).where(City.code == "casablanca"))
    assert city is not None
    today = utcnow().date()
    opportunity = Opportunity(
        association_id=world.association_id,
        author_id=world.founder.id,
        title=v("vol_title"),
        description=v("vol_description"),
        skills=["teaching"],
        city_id=city.id,
        province_id=city.province_id,
        starts_on=today + dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=9),
        contractual=True,
    )
    db.session.add(opportunity)
    db.session.flush()
    start = utcnow().replace(microsecond=0) + dt.timedelta(days=5)
    db.session.add(Role(opportunity_id=opportunity.id, title=v("vol_role"), quota=4))
    db.session.add(
        Shift(
            opportunity_id=opportunity.id,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            capacity=5,
        )
    )
    db.session.add(VolunteerProfile(user_id=world.member.id, birth_year=1990, visibility="network"))
    db.session.add(
        Application(
            opportunity_id=opportunity.id, volunteer_id=world.member.id, message=v("vol_message")
        )
    )
    contract = Contract(
        opportunity_id=opportunity.id,
        association_id=world.association_id,
        volunteer_id=world.member.id,
        tasks=v("contract_tasks"),
        expenses=v("contract_expenses"),
        insurance_reference=v("contract_insurance"),
        period_start=opportunity.starts_on,
        period_end=opportunity.ends_on,
        created_by_id=world.founder.id,
        # ended early by the volunteer, with a reason (shown on the contract's page)
        ended_at=utcnow(),
        ended_by_id=world.member.id,
        ended_side="volunteer",
        end_reason=v("contract_end_reason"),
    )
    db.session.add(contract)
    db.session.commit()
    return opportunity.id, contract.id


def _offers(world: XssWorld, v: Any) -> int:
    """A published offer, one waiting for review with its rule hits, and a thanks, stored
    directly: the board's rules refuse most payloads (links), yet what a moderator publishes
    or a rule quotes must be as inert on every page."""
    import datetime as dt

    from sqlalchemy import select

    from app.db import db, utcnow
    from directory import City
    from offers.models import Offer, Thanks

    city = db.session.scalar(select(City).where(City.code == "agadir"))
    assert city is not None
    made = []
    for status in ("published", "review"):
        offer = Offer(
            kind="offer",
            status=status,
            support_type="tutoring",
            city_id=city.id,
            province_id=city.province_id,
            area_hint=v("offer_area"),
            capacity=3,
            places_left=3,
            audience=["student"],
            conditions_other=v("offer_condition"),
            title=v("offer_title"),
            body=v("offer_body"),
            author_id=world.founder.id,
            expires_at=utcnow() + dt.timedelta(days=30),
            published_at=utcnow() if status == "published" else None,
            review_reason="" if status == "published" else "rules",
            hits=[{"code": "LINK", "action": "block", "excerpt": v("offer_body"), "message": "-"}],
        )
        db.session.add(offer)
        made.append(offer)
    db.session.flush()
    db.session.add(
        Thanks(
            offer_id=made[0].id,
            user_id=world.member.id,
            support_type="tutoring",
            province_id=city.province_id,
            text=v("thanks_text"),
        )
    )
    db.session.commit()
    return made[0].id


# ------------------------------------------------------------------ the pages that show them

#: (viewer, page, fields it must show). Paths are formatted with the world's ids
#: (:func:`format_path`); the viewers are the world's people, or "anonymous".
PAGES: list[tuple[str, str, set[str]]] = [
    ("anonymous", "/", set()),
    ("anonymous", "/directory", {"association_name", "association_name_alt"}),
    ("anonymous", "/directory?q={m[association_name]}", {"association_name"}),
    (
        "anonymous",
        "/associations/{w.association_id}",
        {
            "display_name",
            "association_name",
            "association_name_alt",
            "association_description",
            "association_address",
        },
    ),
    ("anonymous", "/users/{w.founder.id}", {"display_name", "bio"}),
    ("anonymous", "/forums", {"forum_name", "forum_description", "topic_title"}),
    (
        "anonymous",
        "/forums/{w.forum_id}",
        {"display_name", "forum_name", "forum_description", "topic_title"},
    ),
    (
        "anonymous",
        "/topics/{w.topic_id}",
        {"display_name", "forum_name", "topic_title", "post_body", "reply_body"},
    ),
    (
        "anonymous",
        "/posts/{w.first_post_id}/history",
        {"display_name", "topic_title", "post_body", "post_body_before_edit"},
    ),
    ("anonymous", "/projects", {"project_title"}),
    (
        "anonymous",
        "/projects/{w.project_id}",
        {
            "display_name",
            "association_name",
            "project_title",
            "project_description",
            "milestone_title",
            "milestone_description",
            "activity_title",
            "activity_description",
            "activity_location",
            "comment_body",
        },
    ),
    (
        "anonymous",
        "/projects/{w.project_id}/history",
        {"display_name", "project_title", "milestone_title", "activity_title", "comment_body"},
    ),
    ("anonymous", "/projects/{w.project_id}/calendar", {"project_title"}),
    ("founder", "/settings", {"display_name", "bio"}),
    ("founder", "/notifications", {"display_name", "association_name", "topic_title"}),
    (
        "founder",
        "/associations/{w.association_id}/members",
        {"display_name", "association_name", "join_message"},
    ),
    (
        "founder",
        "/associations/{w.association_id}/edit",
        {
            "association_name",
            "association_name_alt",
            "association_description",
            "association_address",
        },
    ),
    ("founder", "/associations/{w.pending_association_id}", {"pending_association_name"}),
    ("founder", "/posts/{w.first_post_id}/edit", {"topic_title", "post_body"}),
    ("founder", "/forums/{w.forum_id}/new", {"forum_name"}),
    # pending associations are not offered as owners any more: only approved ones
    ("founder", "/projects/new", {"association_name"}),
    ("founder", "/chat", {"display_name", "conversation_title", "message_body"}),
    (
        "founder",
        "/chat/{w.conversation_id}",
        {"display_name", "conversation_title", "message_body"},
    ),
    ("member", "/notifications", {"association_name", "project_title", "milestone_title"}),
    ("member", "/chat/{w.conversation_id}", {"conversation_title", "message_body"}),
    ("member", "/forums/unread", set()),
    ("admin", "/directory/queue", {"pending_association_name"}),
    ("admin", "/forums/moderation", {"display_name", "topic_title", "post_body", "flag_details"}),
    ("admin", "/notifications", {"topic_title"}),
    ("founder", "/associations/{w.association_id}/library", {"association_name", "document_title"}),
    ("founder", "/library/documents/{w.document_id}", {"association_name", "document_title"}),
    ("member", "/library/pages/{w.page_id}", {"page_title", "page_body"}),
    ("founder", "/library/pages/{w.page_id}/edit", {"page_title", "page_body"}),
    (
        "founder",
        "/associations/{w.association_id}/library/pages/new?from_template={w.page_id}",
        {"association_name", "page_title", "page_body"},
    ),
    ("member", "/associations/{w.association_id}/library/reports", {"report_title"}),
    (
        "member",
        "/library/reports/{w.report_id}",
        {"association_name", "report_title", "report_outputs", "report_lessons"},
    ),
    (
        "founder",
        "/library/reports/{w.report_id}/edit",
        {"association_name", "report_title", "report_outputs", "report_lessons"},
    ),
    ("anonymous", "/offers", {"offer_title", "offer_area"}),
    (
        "anonymous",
        "/offers/{w.offer_id}",
        {"offer_title", "offer_body", "offer_area", "offer_condition", "display_name"},
    ),
    ("founder", "/offers/mine", {"offer_title", "offer_area"}),
    ("admin", "/offers/review", {"offer_title", "offer_body"}),
    ("anonymous", "/offers/given", {"thanks_text"}),
    ("anonymous", "/campaigns", {"campaign_title", "association_name"}),
    (
        "anonymous",
        "/campaigns/{w.campaign_id}",
        {
            "campaign_title",
            "campaign_story",
            "campaign_target",
            "budget_label",
            "association_name",
            "campaign_update",
            "campaign_image_alt",
        },
    ),
    ("founder", "/campaigns/{w.campaign_id}/manage", {"campaign_title", "expense_supplier"}),
    (
        "founder",
        "/campaigns/{w.campaign_draft_id}/edit",
        {"campaign_title", "campaign_story", "campaign_target", "budget_label"},
    ),
    ("anonymous", "/experts", {"display_name", "expert_headline"}),
    (
        "anonymous",
        "/experts/{w.expert_id}",
        {"display_name", "expert_headline", "expert_bio", "expert_conflicts"},
    ),
    ("founder", "/experts/requests", {"expert_request_title"}),
    (
        "founder",
        "/experts/requests/{w.expert_request_id}",
        {
            "display_name",
            "association_name",
            "expert_request_title",
            "expert_request_question",
            "expert_answer",
        },
    ),
    (
        "founder",
        "/experts/requests/{w.expert_request_id}/publication",
        {
            "expert_request_title",
            "expert_pub_title",
            "expert_pub_question",
            "expert_pub_answer",
        },
    ),
    ("member", "/experts/offers", {"expert_request_title"}),
    ("member", "/experts/sessions", {"expert_request_title"}),
    ("admin", "/experts/funnel", set()),
    ("anonymous", "/aid/needs", {"aid_douar"}),
    ("founder", "/aid/associations/{w.association_id}/kits", {"association_name", "aid_kit_name"}),
    ("founder", "/aid/households/{w.aid_household_id}", {"association_name", "aid_douar"}),
    ("member", "/aid/deliveries", {"aid_douar"}),
    ("member", "/aid/deliveries/{w.aid_delivery_id}", {"association_name", "aid_douar"}),
    ("founder", "/aid/associations/{w.association_id}/grievances", {"association_name"}),
    ("founder", "/aid/grievances/{w.aid_grievance_id}", {"aid_grievance_body"}),
    ("member", "/aid/grievances/{w.aid_grievance_id}", {"aid_grievance_body"}),
    ("anonymous", "/aid/associations/{w.association_id}/summary", {"association_name"}),
    ("anonymous", "/aid/associations/{w.association_id}/grievances/new", {"association_name"}),
    ("anonymous", "/volunteering", {"vol_title"}),
    ("anonymous", "/volunteering/{w.vol_opp_id}", {"vol_title", "vol_description", "vol_role"}),
    ("founder", "/volunteering/{w.vol_opp_id}/edit", {"vol_title", "vol_description", "vol_role"}),
    ("founder", "/volunteering/new", {"association_name"}),
    (
        "founder",
        "/volunteering/associations/{w.association_id}/queue",
        {"vol_title", "vol_message", "display_name", "association_name"},
    ),
    ("member", "/volunteering/mine", {"vol_title"}),
    ("founder", "/volunteering/caravans", {"car_title", "car_douar", "association_name"}),
    (
        "founder",
        "/volunteering/caravans/{w.caravan_id}",
        {
            "car_title",
            "car_description",
            "car_douar",
            "car_component",
            "car_place",
            "car_role",
            "car_load",
            "display_name",
            "association_name",
        },
    ),
    (
        "founder",
        "/volunteering/caravans/{w.caravan_id}/edit",
        {"car_story_ar", "car_story_fr"},
    ),
    (
        "anonymous",
        "/volunteering/caravans/{w.caravan_id}/schedule",
        {"car_title", "car_douar", "car_component", "car_place", "association_name"},
    ),
    (
        "anonymous",
        "/volunteering/caravans/{w.caravan_id}/showcase",
        {"car_title", "car_douar", "car_story_ar", "car_story_fr", "association_name"},
    ),
    (
        "member",
        "/volunteering/contracts/{w.vol_contract_id}",
        {
            "vol_title",
            "association_name",
            "display_name",
            "contract_tasks",
            "contract_expenses",
            "contract_insurance",
            "contract_end_reason",
        },
    ),
]


def format_path(path: str, world: XssWorld) -> str:
    """``path`` with the world's ids (``{w.topic_id}``) and field markers (``{m[bio]}``)."""
    return path.format(w=world, m={field: marker(field) for field in FIELDS})
