"""What an uploaded file really is, from its bytes (never from its name or declared type)."""

from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
MP4 = "video/mp4"
WEBM = "video/webm"
QUICKTIME = "video/quicktime"
#: Shown inline (with a strict CSP); everything else is an attachment.
PREVIEWABLE = (PDF, PNG, JPEG, WEBP, MP4, WEBM)
IMAGES = (PNG, JPEG, WEBP)
#: What phones record: MP4 (Android, WhatsApp), QuickTime (iPhone), WebM (browsers).
VIDEOS = (MP4, WEBM, QUICKTIME)
#: Videos a browser plays in the page.
PLAYABLE = (MP4, WEBM)
#: ISO base media "ftyp" brands of playable MP4 files (phones, WhatsApp, cameras, 3GPP).
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"MSNV",
    b"dash",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
    b"mmp4",
}

_MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|body|iframe|head)\b", re.I)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE = re.compile(rb"/(JS|JavaScript|Launch|EmbeddedFile|RichMedia)\b")


class Refused(ValueError):
    """The file is not accepted; ``code`` says why (a stable machine code)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def pdf_has_script(data: bytes) -> bool:
    """Whether a PDF names JavaScript or another active action (also hex-escaped, ``/J#53``)."""
    unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return bool(_PDF_ACTIVE.search(unescaped))


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    return None


def sniff(data: bytes) -> str:
    """The accepted type of ``data``, or :class:`Refused` (``unsupported_type``,
    ``markup_refused``, ``pdf_script``, ``empty_file``)."""
    if not data:
        raise Refused("empty_file")
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        if pdf_has_script(data):
            raise Refused("pdf_script")
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return QUICKTIME
        if brand in _MP4_BRANDS:
            return MP4
        raise Refused("unsupported_type")
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return WEBM
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind:
            return kind
        raise Refused("unsupported_type")
    if _MARKUP.search(data[:65536]):
        raise Refused("markup_refused")
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("unsupported_type") from None
        return TEXT
    raise Refused("unsupported_type")


def safe_filename(name: str) -> str:
    """The uploaded name if it is a plain name; :class:`Refused` (``bad_filename``) for a
    path, a control character or a hidden/relative name."""
    name = (name or "").strip()
    if (
        not name
        or len(name) > 200
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or ".." in name
        or ":" in name
        or any(ord(c) < 32 for c in name)
    ):
        raise Refused("bad_filename")
    return name
