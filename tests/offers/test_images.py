"""Photos of offered things: the PHOTO rule (services take none, a tick that no person is
visible), re-encoding without metadata, a first poster's photo waits for review, at most three,
served only with their offer, deleted with it."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image
from sqlalchemy import select

from app.db import db, utcnow
from offers import images, services
from offers.models import Offer, OfferImage
from tests.factories import UserFactory


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (33.0, 35.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _send(api, who, offer_id: int, tick: bool = True, data: bytes | None = None):
    return api(who).post(
        f"/api/v1/offers/{offer_id}/images",
        data={
            "file": (io.BytesIO(data or _jpeg_with_location()), "photo.jpg"),
            "no_person_visible": "true" if tick else "",
        },
        content_type="multipart/form-data",
    )


def test_the_photo_rule_and_metadata_stripped(app, api, vouched, post_offer):
    author = vouched()
    service = post_offer(author)  # tutoring: a service
    refused = _send(api, author, service["id"])
    assert refused.status_code == 422
    assert [h["code"] for h in refused.get_json()["error"]["fields"]["hits"]] == ["PHOTO"]
    thing = post_offer(
        author,
        support_type="books",
        title="Livres de lecture",
        body="Une caisse de livres, gratuite.",
    )
    no_tick = _send(api, author, thing["id"], tick=False)
    assert no_tick.status_code == 422
    assert _send(api, UserFactory(), thing["id"]).status_code == 403
    assert _send(api, author, thing["id"], data=b"%PDF-1.4 not an image").status_code == 415
    sent = _send(api, author, thing["id"])
    assert sent.status_code == 201, sent.get_json()
    stored = db.session.scalar(select(OfferImage).where(OfferImage.offer_id == thing["id"]))
    content = (images.folder() / stored.name).read_bytes()
    with Image.open(io.BytesIO(content)) as reread:
        assert reread.format == "JPEG" and not reread.getexif()
    assert b"PhoneMaker" not in content
    # served to readers of the offer only
    served = app.test_client().get(sent.get_json()["url"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()
    for _ in range(2):
        assert _send(api, author, thing["id"]).status_code == 201
    assert _send(api, author, thing["id"]).status_code == 409


def test_a_first_posters_photo_waits_for_review(api, vouched, post_offer, app):
    author = vouched()  # vouched, but this is their first post
    thing = post_offer(
        author, support_type="clothes", title="Vêtements bébé", body="Un sac, gratuit."
    )
    sent = _send(api, author, thing["id"])
    assert sent.get_json()["status"] == "review"
    assert api(None).get("/api/v1/offers").get_json()["items"] == []
    hidden = app.test_client().get(sent.get_json()["url"])
    assert hidden.status_code == 404


def test_photos_go_with_the_purge(api, vouched, post_offer):
    author = vouched()
    post_offer(author, title="Cours", body="Cours gratuits de maths.")  # not the first post
    thing = post_offer(
        author, support_type="furniture", title="Table de cuisine", body="Une table, gratuite."
    )
    assert _send(api, author, thing["id"]).get_json()["status"] == "published"
    name = db.session.scalar(select(OfferImage.name))
    assert api(author).delete(f"/api/v1/offers/{thing['id']}").status_code == 204
    assert services.purge(utcnow() + dt.timedelta(days=31)) == 1
    db.session.commit()
    assert not (images.folder() / name).exists()
    assert db.session.scalar(select(OfferImage.id)) is None
    assert db.session.get(Offer, thing["id"]).purged_at is not None


def test_the_composer_checks_photos_before_storing_anything(logged_in, vouched, city):
    from tests.conftest import csrf_token

    page = logged_in(vouched())
    token = csrf_token(page, "/offers/new")
    form = {
        "csrf_token": token,
        "kind": "offer",
        "support_type": "tutoring",
        "city_id": str(city()),
        "capacity": "2",
        "audience": "student",
        "free": "1",
        "title": "Cours de maths",
        "body": "Deux heures le samedi, gratuit.",
        "no_person_visible": "1",
        "images": (io.BytesIO(_jpeg_with_location()), "photo.jpg"),
    }
    response = page.post("/offers/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 422 and 'data-code="PHOTO"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Offer.id)) is None
    form.update(
        support_type="books",
        title="Livres de maths",
        images=(io.BytesIO(_jpeg_with_location()), "photo.jpg"),
    )
    done = page.post("/offers/new", data=form, content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.session.scalar(select(OfferImage.id)) is not None


def _files() -> list[str]:
    return sorted(p.name for p in images.folder().iterdir())


def test_a_refused_post_keeps_no_photo_file(logged_in, vouched, city):
    """The composer stores each photo as it goes: when a later one is refused, the whole post
    is undone, the photos already written with it too."""
    from tests.conftest import csrf_token

    author = vouched()
    page = logged_in(author)
    form = {
        "csrf_token": csrf_token(page, "/offers/new"),
        "kind": "offer",
        "support_type": "books",
        "city_id": str(city()),
        "capacity": "1",
        "audience": "student",
        "free": "1",
        "title": "Livres de lecture",
        "body": "Une caisse de livres, gratuite.",
        "no_person_visible": "1",
        "images": [
            (io.BytesIO(_jpeg_with_location()), "first.jpg"),
            (io.BytesIO(b"%PDF-1.4 not an image"), "second.jpg"),
        ],
    }
    response = page.post("/offers/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 422  # the second photo is not an image: said beside them
    assert 'id="of-images-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Offer.id)) is None
    assert _files() == []


def test_a_purge_that_is_rolled_back_keeps_the_photos(api, vouched, post_offer):
    author = vouched()
    post_offer(author, title="Cours", body="Cours gratuits de maths.")  # not the first post
    thing = post_offer(
        author, support_type="furniture", title="Table de cuisine", body="Une table, gratuite."
    )
    assert _send(api, author, thing["id"]).status_code == 201
    kept = _files()
    assert len(kept) == 1
    assert api(author).delete(f"/api/v1/offers/{thing['id']}").status_code == 204
    assert services.purge(utcnow() + dt.timedelta(days=31)) == 1
    db.session.rollback()
    assert _files() == kept
    assert db.session.scalar(select(OfferImage.name)) == kept[0]
