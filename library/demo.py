"""Demo library for ``jam3ia seed-demo``: statutes, receipts, minutes and photos of a few
associations, with obligations (some overdue) and authorisations. Files are generated here
(small real PDFs and PNGs); nothing binary is committed."""

from __future__ import annotations

import contextlib
import datetime as dt
import struct
import zlib

from sqlalchemy import select

from app.db import db, utcnow
from app.demo import demo_user
from directory import Association, user_memberships
from library import services


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica."""
    safe = (
        text.encode("latin-1", "replace").replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    )
    stream = b"BT /F1 18 Tf 60 760 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def baskets_png(width: int = 320, height: int = 200) -> bytes:
    """A drawn picture of food baskets lined up on a table (no person in it), as a PNG made
    pixel by pixel like :func:`tiny_png`."""
    shapes: list[tuple[str, tuple[int, ...], tuple[int, int, int]]] = []
    colours = [(214, 160, 62), (196, 120, 52), (226, 186, 94)]
    for i in range(5):
        x = 15 + i * 61
        shapes += [
            ("ring", (x + 25, 75, 20, 16), (120, 72, 40)),  # the handle
            ("box", (x, 75, x + 50, 130), colours[i % 3]),  # the basket
            ("disc", (x + 16, 75, 8), (250, 250, 245)),  # a bag of flour
            ("disc", (x + 34, 73, 8), (236, 200, 60)),  # a bottle of oil
        ]

    def pixel(px: int, py: int) -> tuple[int, int, int]:
        found = (156, 102, 68) if py >= 125 else (244, 236, 220)  # table, wall
        for kind, g, colour in shapes:
            if (kind == "box" and g[0] <= px < g[2] and g[1] <= py < g[3]) or (
                kind == "disc" and (px - g[0]) ** 2 + (py - g[1]) ** 2 <= g[2] ** 2
            ):
                found = colour
            elif kind == "ring" and py <= g[1]:
                d = (px - g[0]) ** 2 + (py - g[1]) ** 2
                if g[3] ** 2 <= d <= g[2] ** 2:
                    found = colour
        return found

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(px, py)) for px in range(width)) for py in range(height)
    )
    return _png(width, height, rows)


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def tiny_png(width: int = 32, height: int = 24, rgb: tuple[int, int, int] = (46, 125, 50)) -> bytes:
    """A plain-colour PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def load_demo_library() -> None:
    try:
        person = demo_user("fatima")
    except LookupError:
        return
    # the associations the Arabic and the French demo users run, so both find a living library
    admins = [person]
    with contextlib.suppress(LookupError):
        admins.append(demo_user("youssef"))
    ids = list(
        dict.fromkeys(
            m.association_id
            for who in admins
            for m in user_memberships(who.id)
            if m.role == "admin"
        )
    )
    if not ids:
        ids = list(
            db.session.scalars(
                select(Association.id).where(Association.status == "approved").limit(2)
            )
        )
    today = utcnow().date()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    for aid in ids[:3]:
        docs = [
            (
                "statutes",
                "النظام الأساسي للجمعية",
                "members",
                day(-400),
                "statuts.pdf",
                tiny_pdf("Statuts"),
            ),
            (
                "provisional_receipt",
                "Récépissé provisoire du dépôt",
                "admins",
                day(-75),
                "recepisse.pdf",
                tiny_pdf("Recepisse provisoire"),
            ),
            (
                "general_assembly_minutes",
                "محضر الجمع العام العادي",
                "members",
                day(-380),
                "pv-ag.pdf",
                tiny_pdf("PV AG"),
            ),
            (
                "financial_report",
                "Rapport financier annuel",
                "network",
                day(-60),
                "rapport.pdf",
                tiny_pdf("Rapport financier"),
            ),
            (
                "photo",
                "Journée de nettoyage de la plage",
                "members",
                day(-20),
                "plage.png",
                tiny_png(),
            ),
            (
                "photo",
                "قافلة طبية بدوار أيت بوكماز",
                "members",
                day(-40),
                "qafila.png",
                tiny_png(rgb=(21, 101, 192)),
            ),
            (
                "photo",
                "Remise des kits scolaires",
                "admins",
                day(-12),
                "kits.png",
                tiny_png(rgb=(239, 108, 0)),
            ),
        ]
        for kind, title, visibility, valid_from, name, data in docs:
            services.create_document(
                person,
                aid,
                {"kind": kind, "title": title, "visibility": visibility, "valid_from": valid_from},
                name,
                data,
            )
        packing = services.create_document(
            person,
            aid,
            {
                "kind": "photo",
                "title": "تحضير قفف رمضان / Préparation des paniers de Ramadan",
                "visibility": "members",
                "valid_from": day(-3),
            },
            "paniers.png",
            baskets_png(),
        )
        # the volunteers shown agreed to its publication (a campaign's update shows it)
        services.add_consent(
            person, packing, {"subject_label": "Bénévoles de l'association", "scope": "public"}
        )
        services.create_authorization(
            aid,
            {
                "kind": "public_appeal",
                "authority": "Secrétariat général du gouvernement",
                "reference": f"APG-{aid:04d}-2026",
                "valid_from": day(-100),
                "valid_to": day(20),
                "scope": "Collecte pour la rentrée scolaire",
            },
        )
    db.session.flush()
