"""Associations API: registration, approval, editing, memberships, logo, reference data.

Every write is tried by the allowed role and by the denied ones."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.db import db
from app.search.framework import THIN_RESULTS
from app.signals import membership_changed
from directory.models import Association, Membership
from tests.conftest import count_statements
from tests.directory.factories import MembershipFactory
from tests.factories import UserFactory

Make = Callable[..., Association]
#: an anonymous write without a session: refused by CSRF (400) or as unauthenticated (401)
ANON_WRITE = (400, 401)


def _register(client: Any, **extra: Any) -> Any:
    body = {
        "name": "جمعية الأمل للتنمية",
        "fields": ["education", "women"],
        "city": "casablanca",
        "member_count": 25,
        "founded_year": 2001,
        "email": "amal@example.ma",
        **extra,
    }
    return client.post("/api/v1/associations", json=body)


def test_register_waits_for_approval_and_creator_is_admin(
    app: Flask, api: Any, ref: None, admin: Any
) -> None:
    founder = UserFactory()
    response = _register(api(founder))
    assert response.status_code == 201, response.json
    data = response.json
    assert data["status"] == "pending"
    assert data["my_role"] == "admin"
    assert [f["code"] for f in data["fields"]] == ["education", "women"]
    assert data["region"]["code"] == "casablanca-settat"
    assert data["province"]["code"] == "casablanca"
    assert data["city"]["lat"] == pytest.approx(33.5883)
    assert data["size"] == "medium"
    assoc_id = data["id"]
    # pending: hidden from others (404), visible to its admin and to platform admins
    assert api(None).get(f"/api/v1/associations/{assoc_id}").status_code == 404
    assert api(UserFactory()).get(f"/api/v1/associations/{assoc_id}").status_code == 404
    assert api(founder).get(f"/api/v1/associations/{assoc_id}").status_code == 200
    assert api(admin).get(f"/api/v1/associations/{assoc_id}").status_code == 200
    assert api(None).get("/api/v1/associations").json["total"] == 0
    # the approval queue
    queue = api(admin).get("/api/v1/associations/pending")
    assert [a["id"] for a in queue.json["items"]] == [assoc_id]
    assert api(founder).get("/api/v1/associations/pending").status_code == 403
    assert api(None).get("/api/v1/associations/pending").status_code == 401
    # only platform admins approve
    assert api(founder).post(f"/api/v1/associations/{assoc_id}/approve").status_code == 403
    assert api(UserFactory()).post(f"/api/v1/associations/{assoc_id}/approve").status_code == 404
    assert api(None).post(f"/api/v1/associations/{assoc_id}/approve").status_code in ANON_WRITE
    approved = api(admin).post(f"/api/v1/associations/{assoc_id}/approve")
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert api(None).get(f"/api/v1/associations/{assoc_id}").status_code == 200
    listed = api(None).get("/api/v1/associations")
    assert [a["id"] for a in listed.json["items"]] == [assoc_id]
    # approving twice is a conflict
    assert api(admin).post(f"/api/v1/associations/{assoc_id}/approve").status_code == 409


def test_register_requires_login_and_valid_data(app: Flask, api: Any, ref: None) -> None:
    assert _register(api(None)).status_code in ANON_WRITE
    client = api(UserFactory())
    bad = [
        ({"name": ""}, "name"),
        ({"fields": ["no-such-field"]}, "fields"),
        ({"city": "atlantis"}, "city"),
        ({"member_count": 0}, "member_count"),
        ({"founded_year": 1800}, "founded_year"),
        ({"email": "not-an-email"}, "email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"status": "approved"}, "status"),
        ({"name": "x" * 201}, "name"),
    ]
    for extra, field in bad:
        response = _register(client, **extra)
        assert response.status_code == 422, (extra, response.json)
        assert field in response.json["error"]["fields"], (extra, response.json)
    assert db.session.query(Association).count() == 0


def test_reject_and_suspend(app: Flask, api: Any, make_assoc: Make, admin: Any) -> None:
    pending = make_assoc("Pending", status="pending")
    assert api(admin).post(f"/api/v1/associations/{pending.id}/suspend").status_code == 409
    assert api(admin).post(f"/api/v1/associations/{pending.id}/reject").json["status"] == "rejected"
    assert api(None).get(f"/api/v1/associations/{pending.id}").status_code == 404

    live = make_assoc("Association Al Wafa", city="rabat")
    assert api(None).get("/api/v1/associations", query_string={"q": "wafa"}).json["total"] == 1
    member = UserFactory()
    MembershipFactory(association=live, user=member, role="admin")
    assert api(member).post(f"/api/v1/associations/{live.id}/suspend").status_code == 403
    assert api(admin).post(f"/api/v1/associations/{live.id}/reject").status_code == 409
    assert api(admin).post(f"/api/v1/associations/{live.id}/suspend").json["status"] == "suspended"
    # suspended: out of the directory and the index; its admin cannot edit it
    assert api(None).get("/api/v1/associations", query_string={"q": "wafa"}).json["total"] == 0
    assert api(None).get(f"/api/v1/associations/{live.id}").status_code == 404
    assert (
        api(member).patch(f"/api/v1/associations/{live.id}", json={"name": "New"}).status_code
        == 403
    )
    # reinstated
    assert api(admin).post(f"/api/v1/associations/{live.id}/approve").json["status"] == "approved"
    assert api(None).get("/api/v1/associations", query_string={"q": "wafa"}).json["total"] == 1


def test_edit_matrix(app: Flask, api: Any, make_assoc: Make, admin: Any) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Annour", creator=founder, city="rabat", member_count=5)
    coordinator = MembershipFactory(association=assoc, role="coordinator").user
    member = MembershipFactory(association=assoc, role="member").user
    pending = MembershipFactory(association=assoc, role="admin", status="pending").user
    path = f"/api/v1/associations/{assoc.id}"
    for who in (coordinator, member, pending, UserFactory()):
        response = api(who).patch(path, json={"name": "Hijacked"})
        assert response.status_code == 403, who
    assert api(None).patch(path, json={"name": "Hijacked"}).status_code in ANON_WRITE
    response = api(founder).patch(
        path,
        json={
            "name": "Association Annour Rabat",
            "member_count": 150,
            "fields": ["health"],
            "city": "sale",
        },
    )
    assert response.status_code == 200, response.json
    assert response.json["size"] == "large"
    assert response.json["city"]["code"] == "sale"
    assert [f["code"] for f in response.json["fields"]] == ["health"]
    assert (
        api(admin)
        .patch(path, json={"description": "**Bonjour**"})
        .json["description_html"]
        .count("<strong>")
        == 1
    )
    assert api(founder).patch(path, json={"status": "approved"}).status_code == 422
    # the index follows the edit
    found = api(None).get("/api/v1/associations", query_string={"field": "health"}).json
    assert [a["name"] for a in found["items"]] == ["Association Annour Rabat"]
    assert (
        api(None).get("/api/v1/associations", query_string={"field": "education"}).json["total"]
        == 0
    )


def test_join_flow_and_roles(app: Flask, api: Any, make_assoc: Make) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Tifawin", creator=founder)
    newcomer = UserFactory()
    base = f"/api/v1/associations/{assoc.id}"
    assert api(None).post(f"{base}/join", json={}).status_code in ANON_WRITE
    response = api(newcomer).post(f"{base}/join", json={"message": "Salam!"})
    assert response.status_code == 201 and response.json["status"] == "pending"
    assert api(newcomer).post(f"{base}/join", json={}).status_code == 409
    # the founder (admin) sees the request; the newcomer and the public do not
    requests = api(founder).get(f"{base}/members", query_string={"status": "pending"})
    assert [m["user_id"] for m in requests.json["items"]] == [newcomer.id]
    assert (
        api(newcomer).get(f"{base}/members", query_string={"status": "pending"}).status_code == 403
    )
    assert api(None).get(f"{base}/members", query_string={"status": "pending"}).status_code == 401
    # only admins approve; a plain member cannot
    plain = MembershipFactory(association=assoc, role="member").user
    assert api(plain).post(f"{base}/members/{newcomer.id}", json={}).status_code == 403
    assert (
        api(newcomer).post(f"{base}/members/{newcomer.id}", json={"role": "admin"}).status_code
        == 403
    )
    approved = api(founder).post(f"{base}/members/{newcomer.id}", json={"role": "coordinator"})
    assert approved.status_code == 200 and approved.json == approved.json | {
        "status": "approved",
        "role": "coordinator",
    }
    public = api(None).get(f"{base}/members").json
    assert {m["user_id"] for m in public["items"]} == {founder.id, newcomer.id, plain.id}
    me = api(newcomer).get("/api/v1/me").json
    assert me["memberships"] == [
        {
            "association_id": assoc.id,
            "association_name": "Association Tifawin",
            "role": "coordinator",
        }
    ]
    # a pending association cannot be joined
    closed = make_assoc("Closed", status="pending")
    assert api(newcomer).post(f"/api/v1/associations/{closed.id}/join", json={}).status_code == 404
    # unknown role
    assert (
        api(founder).post(f"{base}/members/{newcomer.id}", json={"role": "king"}).status_code == 422
    )
    assert api(founder).post(f"{base}/members/{UserFactory().id}", json={}).status_code == 404


def test_last_admin_cannot_be_removed_or_demoted(app: Flask, api: Any, make_assoc: Make) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Amoudou", creator=founder)
    base = f"/api/v1/associations/{assoc.id}/members"
    assert (
        api(founder).post(f"{base}/{founder.id}", json={"role": "member"}).json["error"]["code"]
        == "last_admin"
    )
    assert api(founder).delete(f"{base}/{founder.id}").status_code == 409
    second = MembershipFactory(association=assoc, role="member").user
    assert api(founder).post(f"{base}/{second.id}", json={"role": "admin"}).status_code == 200
    assert api(founder).post(f"{base}/{founder.id}", json={"role": "member"}).status_code == 200
    assert api(second).delete(f"{base}/{second.id}").status_code == 409
    db.session.expire_all()
    assert {
        (m.user_id, m.role) for m in db.session.query(Membership).filter_by(association_id=assoc.id)
    } == {(founder.id, "member"), (second.id, "admin")}


def test_remove_and_leave_send_membership_changed(app: Flask, api: Any, make_assoc: Make) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Toudert", creator=founder)
    member = MembershipFactory(association=assoc, role="member").user
    leaver = MembershipFactory(association=assoc, role="member").user
    outsider = UserFactory()
    received: list[dict[str, Any]] = []

    def on_change(_sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    base = f"/api/v1/associations/{assoc.id}/members"
    with membership_changed.connected_to(on_change):
        assert api(outsider).delete(f"{base}/{member.id}").status_code == 403
        assert api(member).delete(f"{base}/{leaver.id}").status_code == 403
        assert (
            api(founder).post(f"{base}/{member.id}", json={"role": "coordinator"}).status_code
            == 200
        )
        assert api(founder).delete(f"{base}/{member.id}").status_code == 204
        assert api(leaver).delete(f"{base}/{leaver.id}").status_code == 204
        assert api(founder).delete(f"{base}/{outsider.id}").status_code == 404
    assert received == [
        {"association_id": assoc.id, "user_id": member.id, "role": "coordinator"},
        {"association_id": assoc.id, "user_id": member.id, "role": None},
        {"association_id": assoc.id, "user_id": leaver.id, "role": None},
    ]


def _png(size: tuple[int, int] = (40, 30), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_logo_upload(app: Flask, api: Any, make_assoc: Make) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Azir", creator=founder)
    path = f"/api/v1/associations/{assoc.id}/logo"

    def send(who: Any, data: bytes, name: str = "logo.png") -> Any:
        # encoded here: the test client would spool a large body to a temp file it never closes
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
        return api(who).post(
            path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )

    assert send(UserFactory(), _png()).status_code == 403
    assert send(None, _png()).status_code in ANON_WRITE
    # type from the content, not the name
    assert send(founder, b"<svg onload=alert(1)></svg>", "logo.png").status_code == 415
    assert send(founder, b"GIF89a" + b"\0" * 20, "logo.gif").status_code == 415
    assert send(founder, b"x" * (1024 * 1024 + 10)).status_code == 413
    response = send(founder, _png(fmt="JPEG"), "photo.exe")
    assert response.status_code == 200, response.json
    url = response.json["logo_url"]
    assert url.endswith(".png")
    image = api(None).get(url)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert Image.open(io.BytesIO(image.data)).format == "PNG"
    image.close()
    assert api(None).get(url.rsplit("/", 1)[0] + "/other.png").status_code == 404
    missing = api(founder).post(path, data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


def test_reference_endpoints(app: Flask, api: Any, ref: None) -> None:
    fields = api(None).get("/api/v1/fields", headers={"Accept-Language": "fr"}).json
    assert len(fields) >= 20
    assert fields[0]["code"] == "education"
    assert {"name_ar", "name_fr", "name_en", "label"} <= set(fields[0])
    regions = api(None).get("/api/v1/regions").json
    assert len(regions) == 12
    casa = next(r for r in regions if r["code"] == "casablanca-settat")
    city = casa["provinces"][0]["cities"][0]
    assert {"code", "lat", "lng", "name_ar"} <= set(city)


def test_openapi_documents_directory(app: Flask, api: Any) -> None:
    spec = api(None).get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/associations",
        "/api/v1/associations/{association_id}",
        "/api/v1/associations/{association_id}/members/{user_id}",
        "/api/v1/search",
        "/api/v1/fields",
        "/api/v1/regions",
    ):
        assert path in spec["paths"], path


def test_founded_year_bound_follows_the_calendar(
    app: Flask, api: Any, ref: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The upper bound was computed once at import: a server started in 2026 refused
    # associations founded in 2027 until it restarted.
    import directory.schemas

    next_year = dt.datetime.now(dt.UTC).year + 1
    monkeypatch.setattr(
        directory.schemas, "utcnow", lambda: dt.datetime(next_year, 1, 2, tzinfo=dt.UTC)
    )
    client = api(UserFactory())
    assert _register(client, founded_year=next_year).status_code == 201
    assert _register(client, name="Trop tôt", founded_year=next_year + 1).status_code == 422


def test_join_message_is_for_the_association_admins_only(
    app: Flask, api: Any, make_assoc: Make, admin: Any
) -> None:
    """An approved request's message (a phone number, a story) is not shown to the public."""
    founder = UserFactory()
    assoc = make_assoc("Association Tafraout", creator=founder)
    base = f"/api/v1/associations/{assoc.id}"
    newcomer = UserFactory()
    secret = "Call me at 0612345678, I need help for my son"
    assert api(newcomer).post(f"{base}/join", json={"message": secret}).status_code == 201
    assert api(founder).post(f"{base}/members/{newcomer.id}", json={}).status_code == 200
    other_member = MembershipFactory(association=assoc, role="member").user
    for reader in (None, UserFactory(), other_member):
        page = api(reader).get(f"{base}/members")
        assert page.status_code == 200
        assert secret not in page.get_data(as_text=True)
        assert all("message" not in m for m in page.json["items"])
    for reader in (founder, admin):
        items = api(reader).get(f"{base}/members").json["items"]
        assert {m["user_id"]: m["message"] for m in items}[newcomer.id] == secret


def test_member_list_can_be_members_only(
    app: Flask, api: Any, make_assoc: Make, admin: Any, logged_in: Any
) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Imilchil", creator=founder)
    base = f"/api/v1/associations/{assoc.id}"
    member = MembershipFactory(association=assoc, role="member").user
    outsider = UserFactory()
    assert api(founder).get(base).json["members_visibility"] == "public"
    # only the association's admins change the setting; bad values are refused
    assert api(member).patch(base, json={"members_visibility": "members"}).status_code == 403
    bad = api(founder).patch(base, json={"members_visibility": "friends"})
    assert bad.status_code == 422 and "members_visibility" in bad.json["error"]["fields"]
    changed = api(founder).patch(base, json={"members_visibility": "members"})
    assert changed.status_code == 200 and changed.json["members_visibility"] == "members"
    assert api(None).get(f"{base}/members").status_code == 401
    assert api(outsider).get(f"{base}/members").status_code == 403
    for reader in (member, founder, admin):
        listed = api(reader).get(f"{base}/members")
        assert listed.status_code == 200
        assert {m["user_id"] for m in listed.json["items"]} == {founder.id, member.id}
    # the public page shows the association but not its members
    page = logged_in(outsider).get(f"/associations/{assoc.id}").get_data(as_text=True)
    assert assoc.name in page and member.display_name not in page
    page = logged_in(member).get(f"/associations/{assoc.id}").get_data(as_text=True)
    assert founder.display_name in page
    # the edit page sets it back
    browser = logged_in(founder)
    form = browser.get(f"/associations/{assoc.id}/edit").get_data(as_text=True)
    assert 'name="members_visibility"' in form
    from tests.conftest import csrf_token

    token = csrf_token(browser, f"/associations/{assoc.id}/edit")
    saved = browser.post(
        f"/associations/{assoc.id}/edit",
        data={"csrf_token": token, "name": assoc.name, "members_visibility": "public"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:400]
    assert api(None).get(f"{base}/members").status_code == 200


def test_a_signed_in_search_page_runs_a_constant_number_of_queries(
    app: Flask, api: Any, make_assoc: Make
) -> None:
    # association_dict used to look up the caller's membership once per association
    reader = UserFactory()
    client = api(reader)

    def statements_for(count: int) -> int:
        for i in range(count):
            assoc = make_assoc(f"Association Nakhil {count}-{i}")
            MembershipFactory(user=reader, association=assoc, role="member")
        client.get(f"/api/v1/associations?q=nakhil {count}")  # caches warm (facet view...)
        with count_statements() as statements:
            page = client.get(f"/api/v1/associations?q=nakhil {count}&per_page=50")
        assert page.status_code == 200 and page.json["total"] >= count, page.json
        return len(statements)

    # more than THIN_RESULTS each: a thin result adds its did-you-mean look-ups (PostgreSQL)
    assert statements_for(THIN_RESULTS + 1) == statements_for(12)
