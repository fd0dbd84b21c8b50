"""PDF documents (reports, handover packs, later receipts and certificates), one way.

fpdf2 with HarfBuzz shaping (uharfbuzz): Arabic letters are joined (initial, medial and final
forms, the lam-alef ligature) and each paragraph is laid out in its own direction by the
Unicode bidirectional algorithm, so an Arabic paragraph holding a French name or a number
reads right. The font is DejaVu Sans from the system (it has Arabic and Latin glyphs); nothing
is committed to the repository. ``tests/core/test_pdf.py`` checks the shaping.

Usage::

    doc = PdfDocument(_("Handover pack"), rtl=get_locale().language == "ar")
    doc.heading(_("Documents"))
    doc.paragraph(text)
    doc.table([_("Title"), _("Date")], rows, widths=(70, 30))
    return doc.output()
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FAMILY = "DejaVu"
_RTL_CLASSES = frozenset({"R", "AL"})
_LTR_CLASSES = frozenset({"L"})


def font_file(name: str) -> Path:
    """A system font file (``fonts-dejavu-core`` on Debian)."""
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    raise RuntimeError(f"font {name} not found (install fonts-dejavu-core)")


def first_strong_is_rtl(text: str) -> bool | None:
    """The paragraph direction by the first strong character (Unicode P2/P3), or None."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_CLASSES:
            return True
        if kind in _LTR_CLASSES:
            return False
    return None


class PdfDocument:
    """An A4 document in the reader's direction (``rtl``) with headings, paragraphs,
    key/value lines and tables; ``output()`` gives the bytes."""

    def __init__(self, title: str, *, rtl: bool = False, subject: str = "") -> None:
        self.rtl = rtl
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_font(FAMILY, "", str(font_file("DejaVuSans.ttf")))
        pdf.add_font(FAMILY, "B", str(font_file("DejaVuSans-Bold.ttf")))
        pdf.set_text_shaping(True)
        pdf.set_title(title)
        if subject:
            pdf.set_subject(subject)
        pdf.set_creator("jam3ia")
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def _align(self, text: str) -> str:
        rtl = first_strong_is_rtl(text)
        return "R" if (self.rtl if rtl is None else rtl) else "L"

    def paragraph(self, text: str, size: float = 11, bold: bool = False) -> None:
        """A paragraph aligned to the start of its own direction."""
        self.pdf.set_font(FAMILY, "B" if bold else "", size)
        self.pdf.multi_cell(
            self.width, size * 0.55, text, align=self._align(text), new_x="LMARGIN", new_y="NEXT"
        )

    def heading(self, text: str, level: int = 2) -> None:
        size = {1: 17, 2: 13.5, 3: 11.5}.get(level, 11)
        self.pdf.ln(3 if level > 1 else 0)
        self.paragraph(text, size, bold=True)
        self.pdf.ln(1)

    def muted(self, text: str) -> None:
        self.pdf.set_text_color(90, 90, 90)
        self.paragraph(text, 9.5)
        self.pdf.set_text_color(0, 0, 0)

    def space(self, mm: float = 3) -> None:
        self.pdf.ln(mm)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None,
        size: float = 9.5,
    ) -> None:
        """A table with a bold header; columns run right to left in an RTL document."""
        if not rows:
            return
        order = list(range(len(header)))
        if self.rtl:
            order.reverse()
        self.pdf.set_font(FAMILY, "", size)
        col_widths = tuple(widths[i] for i in order) if widths else None
        with self.pdf.table(
            col_widths=col_widths,
            text_align=tuple(self._align(header[i]) for i in order),
            line_height=size * 0.55,
        ) as table:
            head = table.row()
            for i in order:
                head.cell(header[i])
            for values in rows:
                row = table.row()
                for i in order:
                    row.cell(str(values[i]), align=self._align(str(values[i])))
        self.pdf.ln(2)

    def output(self) -> bytes:
        """The PDF's bytes; the font files fontTools opened lazily are closed."""
        try:
            return bytes(self.pdf.output())
        finally:
            for font in self.pdf.fonts.values():
                ttfont = getattr(font, "ttfont", None)
                if ttfont is not None:
                    ttfont.close()
