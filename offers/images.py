"""Photos of offered things: checked from their bytes, re-encoded as JPEG without metadata
(a phone photo's EXIF carries where it was taken), at most 1600 px, under
``instance/uploads/offers``. The PHOTO rule lives here: a service takes no image, a photo needs
the author's "no person is visible" tick, and a first poster's photos wait for a moderator."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.api import ApiError
from app.db import db
from app.rules import BLOCK, Hit
from offers.models import IMAGES_MAX, ITEM_TYPES, Offer, OfferImage

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
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise ApiError(413, "too_large", _("A photo must be at most 6 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG", "WEBP"):
                raise ApiError(415, "unsupported_media_type", _("Send a JPEG, PNG or WebP photo."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ApiError(413, "too_large", _("The image is too large."))
            probe.load()
            image = ImageOps.exif_transpose(probe).convert("RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ApiError(
            415, "unsupported_media_type", _("This file is not an image we can read.")
        ) from error
    image.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True)  # no EXIF: nothing but pixels
    return out.getvalue()


def add_image(offer: Offer, data: bytes, no_person_visible: bool, first_post: bool) -> OfferImage:
    """Store a photo of the offer (the caller checked that the actor may edit it)."""
    from offers.services import refuse

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
    (folder() / name).write_bytes(jpeg)
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
    rows = images_of(offer_id)
    for row in rows:
        (folder() / row.name).unlink(missing_ok=True)
        db.session.delete(row)
    return len(rows)
