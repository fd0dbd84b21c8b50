"""The printable beneficiary card (app/pdf.py), in Arabic and French on one page: the
association, the household's number, a QR code of the card's token (the token alone: never a
name or an id), the token in letters for typing, and the PIN."""

from __future__ import annotations

import datetime as dt

import segno
from flask_babel import force_locale
from flask_babel import gettext as _

from aid.cards import format_token
from app.pdf import PdfDocument

#: the QR code's printed width in millimetres
QR_MM = 42.0


def qr_code(token: str) -> segno.QRCode:
    """The QR code of the formatted token (what a distributor's phone reads)."""
    return segno.make(format_token(token), error="m", micro=False)


def N_(message: str) -> str:  # babel's marker: extracted here, translated later
    return message


def _both(message: str, **params: object) -> tuple[str, str]:
    with force_locale("ar"):
        arabic = _(message, **params)
    with force_locale("fr"):
        french = _(message, **params)
    return arabic, french


def card_pdf(
    association_name: str, number: str, token: str, pin: str, issued: dt.datetime
) -> bytes:
    doc = PdfDocument(_("Beneficiary card"), rtl=False)
    pdf = doc.pdf
    for arabic, french in (_both(N_("Beneficiary card")),):
        doc.paragraph(arabic, 16, bold=True)
        doc.paragraph(french, 14, bold=True)
    doc.paragraph(association_name, 12)
    doc.space(2)
    doc.paragraph(number, 12, bold=True)
    # the QR code, drawn module by module (black squares) with its quiet zone
    matrix = list(qr_code(token).matrix)
    size = len(matrix)
    module = QR_MM / (size + 8)
    left = pdf.l_margin + (doc.width - QR_MM) / 2
    top = pdf.get_y() + 2
    pdf.set_fill_color(0, 0, 0)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pdf.rect(left + (x + 4) * module, top + (y + 4) * module, module, module, "F")
    pdf.set_y(top + QR_MM + 2)
    doc.paragraph(format_token(token), 16, bold=True)
    for arabic, french in (_both(N_("Card number")),):
        doc.muted(f"{arabic} · {french}")
    doc.space(3)
    doc.paragraph(pin, 20, bold=True)
    for arabic, french in (_both(N_("PIN: say it only to the distributor.")),):
        doc.muted(arabic)
        doc.muted(french)
    doc.space(3)
    when = issued.strftime("%Y-%m-%d")
    for arabic, french in (
        _both(N_("Issued on %(date)s. A new card replaces this one."), date=when),
        _both(N_("Lost card? Tell the association: it issues a new one.")),
    ):
        doc.muted(arabic)
        doc.muted(french)
    return doc.output()
