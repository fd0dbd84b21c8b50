"""Videos in the library: what phones record is accepted by its bytes, with its own size
limit, played in the page (byte ranges), and held to the same consent rule as photos."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.db import db
from library.models import LibraryDocument
from tests.conftest import csrf_token
from tests.library.conftest import PDF, PNG, stored_files, upload

#: The first box of an MP4 as Android phones and WhatsApp write it, then some media bytes.
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64 + b"mdat" * 50
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 200
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 200


def count_docs() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LibraryDocument)) or 0


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (MP4, "atelier.mp4", "video/mp4"),
        (MOV, "IMG_0042.MOV", "video/quicktime"),
        (WEBM, "clip.webm", "video/webm"),
    ],
)
def test_phone_videos_are_accepted_by_their_bytes(api, world, data, name, mime):
    res = upload(
        api(world.assoc_admin),
        world.a.id,
        data=data,
        name=name,
        kind="video",
        title="Atelier",
        visibility="members",
    )
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["current_version"]["mime"] == mime


def test_a_video_plays_in_the_page_and_answers_byte_ranges(api, world, logged_in):
    doc = upload(
        api(world.assoc_admin),
        world.a.id,
        data=MP4,
        name="atelier.mp4",
        kind="video",
        title="Atelier",
        visibility="members",
    ).get_json()
    page = logged_in(world.member).get(f"/library/documents/{doc['id']}").get_data(as_text=True)
    assert "<video" in page and f"/api/v1/documents/{doc['id']}/versions/1/file?inline=1" in page
    url = f"/api/v1/documents/{doc['id']}/versions/1/file?inline=1"
    whole = api(world.member).get(url)
    assert whole.headers["Content-Disposition"].startswith("inline")
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = api(world.member).get(url, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206
    assert part.data == b"ftypisom"
    assert part.headers["Content-Range"] == f"bytes 4-11/{len(MP4)}"


def test_videos_have_their_own_size_limit(app, api, world):
    app.config["LIBRARY_MAX_UPLOAD_BYTES"] = 1000
    app.config["LIBRARY_MAX_VIDEO_BYTES"] = 4000
    big_video = MP4 + b"\x00" * 3000
    assert len(big_video) > 1000
    ok = upload(
        api(world.assoc_admin), world.a.id, data=big_video, name="a.mp4", kind="video", title="A"
    )
    assert ok.status_code == 201, ok.get_json()
    too_big = upload(
        api(world.assoc_admin),
        world.a.id,
        data=MP4 + b"\x00" * 5000,
        name="b.mp4",
        kind="video",
        title="B",
    )
    assert too_big.status_code == 413
    assert too_big.get_json()["error"]["code"] == "too_large"
    # the video limit does not let a large PDF in
    pdf = upload(api(world.assoc_admin), world.a.id, data=PDF + b"%" * 2000, name="c.pdf")
    assert pdf.status_code == 413
    assert count_docs() == 1


def test_a_video_larger_than_the_request_limit_goes_through_the_page_form(app, world, logged_in):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    video = MP4 + b"\x00" * 5000
    client = logged_in(world.assoc_admin)
    path = f"/associations/{world.a.id}/library"
    res = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "video",
            "title": "Caravane",
            "visibility": "members",
            "file": (io.BytesIO(video), "caravane.mp4"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 303, res.get_data(as_text=True)[:500]
    assert count_docs() == 1


@pytest.mark.parametrize(
    ("kind", "data", "name"),
    [
        ("photo", MP4, "a.mp4"),
        ("photo", PDF, "a.pdf"),
        ("video", PNG, "a.png"),
        ("statutes", MP4, "statuts.mp4"),
    ],
)
def test_the_kind_must_match_the_bytes(app, api, world, kind, data, name):
    res = upload(api(world.assoc_admin), world.a.id, data=data, name=name, kind=kind, title="X")
    assert res.status_code == 422
    assert res.get_json()["error"]["code"] == "kind_mismatch"
    assert res.get_json()["error"]["fields"]["file"]
    assert count_docs() == 0
    assert stored_files(app) == []


def test_a_new_version_of_a_video_must_be_a_video(api, world):
    client = api(world.assoc_admin)
    doc = upload(client, world.a.id, data=MP4, name="a.mp4", kind="video", title="A").get_json()
    res = client.post(
        f"/api/v1/documents/{doc['id']}/versions",
        data={"file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 422
    assert res.get_json()["error"]["code"] == "kind_mismatch"


def test_a_public_video_needs_consent_like_a_photo(api, world):
    res = upload(
        api(world.assoc_admin),
        world.a.id,
        data=MP4,
        name="a.mp4",
        kind="video",
        title="Caravane",
        visibility="public",
    )
    assert res.status_code == 422
    assert res.get_json()["error"]["code"] == "consent_required"
    assert count_docs() == 0


def test_the_arabic_refusal_names_videos(api, world):
    client = api(world.assoc_admin)
    res = client.post(
        f"/api/v1/associations/{world.a.id}/documents",
        data={"kind": "photo", "title": "X", "file": (io.BytesIO(MP4), "a.mp4")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "ar"},
    )
    assert res.status_code == 422
    message = res.get_json()["error"]["message"]
    assert "PNG" in message and any("\u0600" <= ch <= "\u06ff" for ch in message)
