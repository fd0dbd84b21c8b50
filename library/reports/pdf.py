"""The PDF of an activity report, behind one function (``report_pdf``).

fpdf2 with HarfBuzz shaping (uharfbuzz) so Arabic is joined and laid out right to left; the
font is DejaVu Sans from the system (it has Arabic glyphs), nothing committed. Once
``app/pdf.py`` exists, this module only has to call it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF

from library.reports.models import AGE_BANDS, SEXES

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _font(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    raise RuntimeError(f"font {name} not found (install fonts-dejavu-core)")


def report_pdf(report: dict[str, Any], association_name: str) -> bytes:
    """A one-to-two page A4 PDF of ``report`` (as ``services.serialize_report`` gives it)."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(_font("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(_font("DejaVuSans-Bold.ttf")))
    pdf.set_text_shaping(True)
    pdf.set_title(report["title"])
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: int = 11, style: str = "") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")

    para(report["title"], 16, "B")
    para(f"{association_name} · {report['held_on'].isoformat()}", 10)
    pdf.ln(4)
    para(_("Attendance"), 13, "B")
    labels = {"female": _("Women and girls"), "male": _("Men and boys")}
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(col_widths=(30, 35, 35, 30), text_align="CENTER") as table:
        header = table.row()
        for cell in (_("Age"), labels["female"], labels["male"], _("Total")):
            header.cell(cell)
        for band in AGE_BANDS:
            counts = report["attendance"].get(band, {})
            row = table.row()
            row.cell(band)
            for sex in SEXES:
                row.cell(str(counts.get(sex, 0)))
            row.cell(str(sum(counts.values())))
        total = table.row()
        total.cell(_("Total"))
        for sex in SEXES:
            total.cell(str(sum(report["attendance"].get(b, {}).get(sex, 0) for b in AGE_BANDS)))
        total.cell(str(report["total"]))
    pdf.ln(4)
    for heading, key in ((_("Outputs"), "outputs"), (_("Lessons learned"), "lessons")):
        if report[key]:
            para(heading, 13, "B")
            para(report[key])
            pdf.ln(2)
    return bytes(pdf.output())
