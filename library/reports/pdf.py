"""The PDF of an activity report, behind one function (``report_pdf``), through app/pdf.py."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from app.pdf import PdfDocument
from library.labels import SEX_LABELS
from library.reports.models import AGE_BANDS, SEXES


def report_pdf(
    report: dict[str, Any], association_name: str, photos: list[str] | None = None
) -> bytes:
    """A one-to-two page A4 PDF of ``report`` (as ``serialize_report`` gives it) in
    the reader's language; ``photos``: titles of the photos the reader may see."""
    pdf = PdfDocument(report["title"], rtl=str(get_locale()) == "ar", subject=association_name)
    pdf.heading(report["title"], 1)
    pdf.muted(f"{association_name} · {format_date(report['held_on'], 'medium')}")
    pdf.heading(_("Attendance"))
    rows = []
    for band in AGE_BANDS:
        counts = report["attendance"].get(band, {})
        rows.append([band, *(str(counts.get(sex, 0)) for sex in SEXES), str(sum(counts.values()))])
    rows.append(
        [
            _("Total"),
            *(
                str(sum(report["attendance"].get(b, {}).get(sex, 0) for b in AGE_BANDS))
                for sex in SEXES
            ),
            str(report["total"]),
        ]
    )
    pdf.table(
        [_("Age"), *(str(SEX_LABELS[sex]) for sex in SEXES), _("Total")],
        rows,
        widths=(30, 55, 55, 40),
    )
    for heading, key in ((_("Outputs"), "outputs"), (_("Lessons learned"), "lessons")):
        if report[key]:
            pdf.heading(heading)
            for paragraph in report[key].split("\n\n"):
                pdf.paragraph(paragraph.strip())
    if photos:
        pdf.heading(_("Photos"))
        pdf.paragraph(" · ".join(photos))
    return pdf.output()
