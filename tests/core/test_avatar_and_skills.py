"""A person's picture and skills, through the settings page and the API: a phone photo becomes
a 256 px square without its EXIF (no place, no camera), a forged file is refused in the
reader's language, the old file goes once the new one is kept, the picture reaches the profile,
the association's member list and the API, and it goes with the account."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from app.accounts import avatars
from app.accounts.models import User
from app.db import db
from tests.conftest import csrf_token
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import PASSWORD, UserFactory


def phone_photo(width: int = 1200, height: int = 900) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (33.0, 35.0, 0.0)}  # GPSInfo: Casablanca
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload_page(client, data: bytes, filename: str = "me.jpg"):
    token = csrf_token(client, "/settings")
    return client.post(
        "/settings/avatar",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def picture_url(user: User) -> str:
    db.session.refresh(user)
    return f"/users/{user.id}/avatar/{user.avatar}"


def stored(user: User) -> Path:
    db.session.refresh(user)
    assert user.avatar
    return avatars.folder() / user.avatar


def test_a_phone_photo_becomes_a_square_without_metadata(app, logged_in):
    me = UserFactory(display_name="Salma Idrissi", locale="en")
    client = logged_in(me)
    html = upload_page(client, phone_photo()).get_data(as_text=True)
    assert "Your picture was saved." in html
    path = stored(me)
    with Image.open(path) as picture:
        assert picture.format == "JPEG" and picture.size == (256, 256)
        assert not picture.getexif()  # no GPS, no camera
    url = picture_url(me)
    assert f'src="{url}"' in html  # the settings page shows it
    with client.get(url) as answer:
        assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.cache_control.max_age and answer.cache_control.max_age > 86400


def test_a_new_picture_replaces_the_old_file(app, logged_in):
    me = UserFactory(locale="en")
    client = logged_in(me)
    upload_page(client, phone_photo())
    first = stored(me)
    upload_page(client, phone_photo(800, 800))
    second = stored(me)
    assert second != first and second.is_file() and not first.exists()
    assert client.get(f"/users/{me.id}/avatar/{first.name}").status_code == 404


def test_removing_the_picture_shows_the_initials_again(app, logged_in):
    me = UserFactory(display_name="Salma Idrissi", locale="en")
    client = logged_in(me)
    upload_page(client, phone_photo())
    path = stored(me)
    token = csrf_token(client, "/settings")
    html = client.post(
        "/settings/avatar/delete", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Your picture was removed." in html
    db.session.refresh(me)
    assert me.avatar is None and not path.exists()
    assert ">SI</span>" in client.get(f"/users/{me.id}").get_data(as_text=True)


def test_a_forged_picture_is_refused_in_the_readers_language(app, logged_in):
    me = UserFactory(locale="fr")
    client = logged_in(me)
    html = upload_page(client, b"<svg onload=alert(1)></svg>", "me.jpg").get_data(as_text=True)
    assert "Ce fichier n’est pas une image" in html or "pas une image" in html
    db.session.refresh(me)
    assert me.avatar is None
    assert list(avatars.folder().iterdir()) == []  # nothing half-written
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    html = upload_page(client, gif.getvalue(), "me.gif").get_data(as_text=True)
    assert "JPEG, PNG ou WebP" in html
    db.session.refresh(me)
    assert me.avatar is None


def test_an_oversize_picture_is_refused(app, logged_in, api, monkeypatch):
    # a smaller limit: Werkzeug's test client spools bodies over 500 kB to a file it leaves open
    monkeypatch.setattr(avatars, "MAX_BYTES", 100_000)
    me = UserFactory(locale="en")
    big = b"\xff\xd8" + b"0" * 100_010
    html = upload_page(logged_in(me), big).get_data(as_text=True)
    assert "The picture must be at most" in html
    answer = api(me).put(
        "/api/v1/me/avatar",
        data={"file": (io.BytesIO(big), "big.jpg")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 413
    db.session.refresh(me)
    assert me.avatar is None


def test_the_picture_reaches_the_profile_the_members_and_the_api(app, logged_in, api, client):
    me = UserFactory(display_name="Salma Idrissi", locale="en")
    assoc = AssociationFactory(members_visibility="public")
    MembershipFactory(association=assoc, user=me, role="member")
    db.session.commit()
    answer = api(me).put(
        "/api/v1/me/avatar",
        data={"file": (io.BytesIO(phone_photo()), "me.webp")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_json()
    url = answer.get_json()["avatar_url"]
    assert url == picture_url(me)
    assert f'src="{url}"' in client.get(f"/users/{me.id}").get_data(as_text=True)
    assert f'src="{url}"' in client.get(f"/associations/{assoc.id}").get_data(as_text=True)
    assert api(None).get(f"/api/v1/users/{me.id}").get_json()["avatar_url"] == url
    with client.get(url) as answer:
        assert answer.status_code == 200  # anyone who may see the profile
    gone = api(me).delete("/api/v1/me/avatar")
    assert gone.status_code == 200 and gone.get_json()["avatar_url"] is None
    assert client.get(url).status_code == 404


def test_the_api_asks_for_a_file(app, api):
    me = UserFactory(locale="fr")
    answer = api(me).put(
        "/api/v1/me/avatar", data={}, content_type="multipart/form-data", headers={}
    )
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["error"]["fields"]["file"]


def test_skills_on_the_settings_page_and_the_profile(app, logged_in, client):
    me = UserFactory(locale="en")
    browser = logged_in(me)
    token = csrf_token(browser, "/settings")
    answer = browser.post(
        "/settings",
        data={
            "csrf_token": token,
            "action": "profile",
            "display_name": me.display_name,
            "skills": "Comptabilité, design ،  محاسبة, design, ",
            "locale": "",
            "timezone": "Africa/Casablanca",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True).split("<main")[1][:3000]
    db.session.refresh(me)
    assert me.skills == ["Comptabilité", "design", "محاسبة"]
    html = client.get(f"/users/{me.id}").get_data(as_text=True)
    assert "<bdi>محاسبة</bdi>" in html and "<bdi>Comptabilité</bdi>" in html
    settings = browser.get("/settings").get_data(as_text=True)
    assert 'value="Comptabilité, design, محاسبة"' in settings


def test_skills_through_the_api_are_checked(app, api):
    me = UserFactory(locale="fr")
    ok = api(me).patch("/api/v1/me", json={"skills": ["Premiers secours", " droit "]})
    assert ok.status_code == 200 and ok.get_json()["skills"] == ["Premiers secours", "droit"]
    too_many = api(me).patch("/api/v1/me", json={"skills": [f"s{i}" for i in range(13)]})
    assert too_many.status_code == 422
    too_long = api(me).patch("/api/v1/me", json={"skills": ["x" * 41]})
    assert too_long.status_code == 422
    db.session.refresh(me)
    assert me.skills == ["Premiers secours", "droit"]  # nothing half-written
    public = api(None).get(f"/api/v1/users/{me.id}").get_json()
    assert public["skills"] == ["Premiers secours", "droit"]


def test_deleting_the_account_deletes_the_picture_and_the_skills(app, logged_in, api):
    me = UserFactory(locale="en")
    client = logged_in(me)
    upload_page(client, phone_photo())
    path = stored(me)
    api(me).patch("/api/v1/me", json={"skills": ["droit"]})
    archive = zipfile.ZipFile(io.BytesIO(client.get("/settings/export").data))
    assert "files/avatar.jpg" in archive.namelist()
    assert b'"droit"' in archive.read("data.json")
    answer = api(me).delete("/api/v1/me", json={"password": PASSWORD})
    assert answer.status_code == 204
    db.session.refresh(me)
    assert me.avatar is None and me.skills == [] and not path.exists()


def test_forum_posts_show_the_picture_or_the_initials(app, logged_in, api):
    from tests.forums.factories import make_reply, make_topic

    pictured = UserFactory(display_name="Salma Idrissi")
    plain = UserFactory(display_name="Omar Tazi")
    avatars.set_avatar(pictured, phone_photo())
    db.session.commit()
    topic, _post = make_topic(author=pictured)
    make_reply(plain, topic)
    html = logged_in(plain).get(f"/topics/{topic.id}").get_data(as_text=True)
    assert f'src="{picture_url(pictured)}"' in html
    assert ">OT</span>" in html  # Omar Tazi's initials
    response = api(plain).get(f"/api/v1/topics/{topic.id}/posts?after_number=0")
    posts = response.json["items"]
    by_name = {p["author"]["display_name"]: p["author"]["avatar_url"] for p in posts}
    assert by_name == {"Salma Idrissi": picture_url(pictured), "Omar Tazi": None}


def test_initials_skip_dashes_emoji_and_the_arabic_article():
    from app.text import initials

    assert initials("Youssef Benali") == "YB"
    assert initials("لجنة التواصل") == "لت"  # not "لا" ("no")
    assert initials("Bénévoles — caravane médicale") == "Bc"
    assert initials("🤲 salam") == "s"
    assert initials("الأمل") == "أ"
    assert initials("  ") == "?"


def test_the_picture_address_is_the_same_inside_and_outside_a_request(app):
    """Socket payloads are built after the commit, outside any request: the address they
    carry is the one the route serves (one rule, the route's)."""
    user = UserFactory(avatar="7-abc.jpg")
    db.session.commit()
    outside = user.avatar_url
    with app.test_request_context():
        inside = user.avatar_url
    assert outside == inside == f"/users/{user.id}/avatar/7-abc.jpg"
    assert UserFactory().avatar_url is None
