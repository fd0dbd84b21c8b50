"""Photos of offered things: checked from their bytes, re-encoded as JPEG without metadata
(a phone photo's EXIF carries where it was taken), at most 1600 px, under
``instance/uploads/offers``. The PHOTO rule lives here: a service takes no image, a photo needs
the author's "no person is visible" tick, and a first poster's photos wait for a moderator."""

from __future__ import annotations

import functools
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.api import ApiError
from app.db import after_commit, after_rollback, db
from app.images import encode, read_image
from app.rules import BLOCK, Hit
from offers.models import IMAGES_MAX, ITEM_TYPES, Offer, OfferImage
from offers.rules import refuse

__all__ = ["IMAGES_MAX", "add_image", "delete_images", "folder", "images_of", "photo_hits"]

MAX_BYTES = 6 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIDE = 1600


def folder() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "offers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_hits(offer: Offer, no_person_visible: bool) -> list[Hit]:
    """The PHOTO rule's verdict on adding a photo to ``offer``."""
    if offer.kind != "offer" or offer.support_type not in ITEM_TYPES:
        message = _("A service takes no photo: describe what you offer in words.")
        return [Hit("PHOTO", BLOCK, offer.support_type, message)]
    if not no_person_visible:
        message = _("Photos of things only: tick that no person is visible in it.")
        return [Hit("PHOTO", BLOCK, "no_person_visible", message)]
    return []


def _reencode(data: bytes) -> bytes:
    image = read_image(
        data,
        max_bytes=MAX_BYTES,
        too_large=_("A photo must be at most 6 MB."),
        unsupported=_("Send a JPEG, PNG or WebP photo."),
        max_pixels=MAX_PIXELS,
    )
    return encode(image, "JPEG", side=SIDE)  # no EXIF: nothing but pixels


def add_image(offer: Offer, data: bytes, no_person_visible: bool, first_post: bool) -> OfferImage:
    """Store a photo of the offer (the caller checked that the actor may edit it)."""
    hits = photo_hits(offer, no_person_visible)
    if hits:
        raise refuse(hits)
    count = db.session.scalar(
        select(func.count(OfferImage.id)).where(OfferImage.offer_id == offer.id)
    )
    if (count or 0) >= IMAGES_MAX:
        raise ApiError(409, "conflict", _("At most %(n)d photos per offer.", n=IMAGES_MAX))
    jpeg = _reencode(data)
    name = f"{offer.id}-{secrets.token_hex(12)}.jpg"
    path = folder() / name
    path.write_bytes(jpeg)
    after_rollback(functools.partial(path.unlink, missing_ok=True))  # no orphan file
    row = OfferImage(offer_id=offer.id, name=name)
    db.session.add(row)
    if first_post and offer.status == "published":
        offer.status, offer.review_reason = "review", "photo"
    db.session.flush()
    return row


def images_of(offer_id: int) -> list[OfferImage]:
    return list(
        db.session.scalars(
            select(OfferImage).where(OfferImage.offer_id == offer_id).order_by(OfferImage.id)
        )
    )


def delete_images(offer_id: int) -> int:
    """Delete the offer's photos: the rows now, the files once that is committed."""
    rows = images_of(offer_id)
    for row in rows:
        after_commit(functools.partial((folder() / row.name).unlink, missing_ok=True))
        db.session.delete(row)
    return len(rows)
