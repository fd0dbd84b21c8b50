"""app/pdf.py: Arabic is shaped (joined letters, the lam-alef ligature) and each paragraph
takes its own direction; a document holding mixed Arabic and Latin text is well formed."""

from __future__ import annotations

import pytest

from app.pdf import PdfDocument, first_strong_is_rtl


def glyph_names(doc: PdfDocument) -> set[str]:
    doc.output()
    return set(doc.pdf.fonts["dejavu"].subset.get_all_glyph_names())


def test_arabic_letters_are_joined_not_isolated():
    doc = PdfDocument("سلام", rtl=True)
    doc.paragraph("سلام عليكم")
    names = glyph_names(doc)
    # the contextual forms HarfBuzz picks (seen initial, ain initial, lam-alef ligature...)
    assert {"uniFEB3", "uniFECB", "uniFEFC"} <= names
    # and never the isolated code points a renderer without shaping would draw
    assert not {"uni0633", "uni0639", "uni0627"} & names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("جمعية Amal", True),
        ("Association النور", False),
        ("2026 — جمعية", True),
        ("2026 - 12", None),
        ("", None),
    ],
)
def test_the_first_strong_character_sets_the_direction(text, expected):
    assert first_strong_is_rtl(text) is expected


def test_paragraphs_align_to_their_own_start():
    doc, ltr = PdfDocument("t", rtl=True), PdfDocument("t", rtl=False)
    assert doc._align("جمعية Amal 2026") == "R"
    assert doc._align("Association Amal") == "L"
    assert doc._align("2026") == "R"  # no strong letter: the document's direction
    assert ltr._align("2026") == "L"
    doc.output(), ltr.output()


def test_a_mixed_document_with_a_table_is_a_pdf():
    doc = PdfDocument("حزمة التسليم — Amal", rtl=True, subject="Amal")
    doc.heading("حزمة التسليم", 1)
    doc.paragraph("جمعية Amal للتنمية، الدار البيضاء 2026")
    doc.muted("Préparé le 5 déc. 2026")
    doc.table(["العنوان", "التاريخ"], [["النظام الأساسي", "2026-01-03"], ["PV AG", "—"]])
    doc.table(["empty"], [])
    data = doc.output()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Title <feff" in data
