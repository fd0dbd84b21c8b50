"""The certificate PDF (``app/pdf``): one page in Arabic, then the same in French, with the
verification code and the address of the public verification page."""

from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.pdf import PdfDocument
from volunteering.models import Certificate


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def _section(doc: PdfDocument, row: Certificate, verify_url: str) -> None:
    doc.heading(_("Volunteering certificate"), 1)
    doc.space(4)
    doc.paragraph(
        _(
            "%(association)s certifies that %(name)s gave %(hours)s hours of verified "
            "volunteering between %(start)s and %(end)s.",
            association=row.association_name,
            name=row.holder_name,
            hours=_hours(row.minutes),
            start=format_date(row.period_start, "long"),
            end=format_date(row.period_end, "long"),
        ),
        size=12,
    )
    doc.space(4)
    doc.paragraph(_("Verification code: %(code)s", code=row.code), bold=True)
    doc.muted(_("Anyone can check this certificate at %(url)s", url=verify_url))
    doc.space(8)


def certificate_pdf(row: Certificate, verify_url: str) -> bytes:
    """The certificate in Arabic and French, in one document."""
    with force_locale("ar"):
        doc = PdfDocument(_("Volunteering certificate"), rtl=True, subject=row.code)
        _section(doc, row, verify_url)
    doc.rtl = False
    with force_locale("fr"):
        _section(doc, row, verify_url)
    return doc.output()
