"""Pictures people upload (association logos, avatars, photos of offered things): checked from
their bytes, never their name or declared type, then re-encoded so that nothing but pixels is
kept (a phone photo's EXIF carries where and when it was taken).

One way to do it for every feature: :func:`read_upload` takes the bytes of an uploaded file,
:func:`read_image` refuses what is not a picture we accept with a translated 413/415,
:func:`encode` writes the re-encoded bytes."""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Protocol

from flask_babel import gettext as _

from app.api import ApiError

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["encode", "read_image", "read_upload", "square"]

#: Larger pictures are refused before decoding (a decompression bomb fits in a few kB).
MAX_PIXELS = 40_000_000


class Upload(Protocol):
    """An uploaded file as Werkzeug gives it (``request.files[...]``)."""

    stream: IO[bytes]

    def close(self) -> None: ...


def read_upload(upload: Upload, max_bytes: int) -> bytes:
    """The bytes of ``upload``, at most ``max_bytes + 1`` of them (one more than allowed, so
    that :func:`read_image` can tell a file that is too large), and the file closed."""
    try:
        return upload.stream.read(max_bytes + 1)
    finally:
        upload.close()


def read_image(
    data: bytes,
    *,
    max_bytes: int,
    formats: tuple[str, ...] = ("PNG", "JPEG", "WEBP"),
    too_large: str | None = None,
    unsupported: str | None = None,
    max_pixels: int = MAX_PIXELS,
    alpha: bool = False,
) -> Image:
    """Decode ``data`` as one of ``formats`` (Pillow's names), turned upright as the camera
    held it, in RGB (RGBA with ``alpha``). ``too_large`` and ``unsupported`` name the limit and
    the formats in the feature's words."""
    # lazy: Pillow is heavy and only the upload endpoints decode images
    from PIL import Image as PilImage
    from PIL import ImageOps, UnidentifiedImageError

    if len(data) > max_bytes:
        megabytes = max(1, max_bytes // (1024 * 1024))
        message = too_large or _("The picture must be at most %(n)d MB.", n=megabytes)
        raise ApiError(413, "too_large", message)
    try:
        with PilImage.open(io.BytesIO(data)) as probe:
            if probe.format not in formats:
                names = ", ".join("WebP" if f == "WEBP" else f for f in formats)
                message = unsupported or _(
                    "Send a picture in one of these formats: %(formats)s.", formats=names
                )
                raise ApiError(415, "unsupported_media_type", message)
            if probe.width * probe.height > max_pixels:
                raise ApiError(413, "too_large", _("The image is too large."))
            probe.load()
            upright = ImageOps.exif_transpose(probe)
            return upright.convert("RGBA" if alpha else "RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        PilImage.DecompressionBombError,
    ) as error:
        raise ApiError(
            415, "unsupported_media_type", _("This file is not an image we can read.")
        ) from error


def square(image: Image, side: int) -> Image:
    """The centre of ``image`` cut to a square of ``side`` pixels (an avatar)."""
    from PIL import ImageOps  # lazy: Pillow is heavy (see read_image)

    return ImageOps.fit(image, (side, side))


def encode(image: Image, fmt: str = "JPEG", *, side: int | None = None) -> bytes:
    """``image`` (made at most ``side`` pixels wide and high) as ``fmt`` bytes, without
    metadata."""
    if side is not None:
        image.thumbnail((side, side))
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=82, optimize=True)
    else:
        image.save(out, format=fmt, optimize=True)
    return out.getvalue()
