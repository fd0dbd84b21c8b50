"""Tokenizer shared by every search field (full text and skeleton).

Python's ``\\w`` does not match Arabic combining marks (harakat, shadda, superscript alef),
so a naive ``\\w+`` cuts "الجمعيّة" in two at the shadda. This tokenizer treats those marks
as word characters, keeps apostrophes *inside* words (French elision is handled later by
the Latin analysis), normalises the many apostrophe look-alikes to ``'``, converts
Arabic-Indic digits to ASCII and splits a token wherever it changes between Arabic and
non-Arabic script ("الأملAmal" gives two tokens). Digits stay attached to Latin letters,
which keeps Arabizi words ("jam3ia", "7ouma") whole.

Tokens keep their case and their diacritics: normalisation is the analyzers' job.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["ARABIC_CHAR_CLASS", "is_arabic_token", "prepare_text", "tokenize"]

#: Arabic-script code points (base block, supplement, extended-A). Presentation forms are
#: folded into these by NFKC before tokenizing.
ARABIC_CHAR_CLASS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"

# Combining marks that ``\w`` misses: Quranic annotation signs, harakat/tanwin/shadda/sukun,
# superscript alef, small high signs; plus Latin combining diacritics (left after NFKC when
# no precomposed letter exists).
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0300-\u036f"

_WORD = f"[\\w{_MARKS}]+"
_TOKEN_RE = re.compile(f"{_WORD}(?:'{_WORD})*")
_SCRIPT_RUN_RE = re.compile(f"[{ARABIC_CHAR_CLASS}]+|[^{ARABIC_CHAR_CLASS}]+")
_HAS_ARABIC_RE = re.compile(f"[{ARABIC_CHAR_CLASS}]")

_APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\u201b"
# Invisible characters that may sit inside a word (joiners, soft hyphen) are deleted; those
# that mark direction or zero-width space become spaces; underscore is punctuation here.
_TRANSLATION: dict[int, str | None] = {
    **{ord(c): "'" for c in _APOSTROPHES},
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic digits
    **{0x06F0 + i: str(i) for i in range(10)},  # Extended (Persian) digits
    0x200C: None,  # zero width non-joiner
    0x200D: None,  # zero width joiner
    0x00AD: None,  # soft hyphen
    0x034F: None,  # combining grapheme joiner (a "mark" of combining class 0: never a letter)
    0x200B: " ",  # zero width space
    0x200E: " ",  # left-to-right mark
    0x200F: " ",  # right-to-left mark
    0x061C: " ",  # Arabic letter mark
    0xFEFF: " ",  # byte order mark
    **dict.fromkeys(range(8234, 8239), " "),  # bidi embeddings and overrides
    **dict.fromkeys(range(8294, 8298), " "),  # bidi isolates
    ord("_"): " ",
}
_SURROGATES_RE = re.compile("[\ud800-\udfff]")
# str.translate is slow with a dict table; most text needs no translation at all.
_NEEDS_TRANSLATION_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATION) + "]")


def _translate(text: str) -> str:
    if _NEEDS_TRANSLATION_RE.search(text) is None:
        return text
    return text.translate(_TRANSLATION)


def prepare_text(text: str) -> str:
    """Return ``text`` NFKC-normalised, with apostrophes, digits and invisibles cleaned.

    NFKC turns Arabic presentation forms (text copied from PDFs) and ligatures such as
    "ﻻ" into ordinary letters. Lone surrogates, which cannot be encoded, are dropped.
    """
    if text.isascii():
        return _translate(text)
    # Clean before NFKC (a deleted joiner between two marks must not leave them out of
    # canonical order; "´" must become "'" before NFKC turns it into space + accent) and
    # after it (NFKC makes "＿" an underscore).
    text = _translate(_SURROGATES_RE.sub("", text))
    normalized = unicodedata.normalize("NFKC", text)
    return normalized if normalized == text else _translate(normalized)


def is_arabic_token(token: str) -> bool:
    """Return True when ``token`` contains Arabic-script characters."""
    return _HAS_ARABIC_RE.search(token) is not None


def tokenize(text: str) -> list[str]:
    """Split ``text`` into raw word tokens.

    Arabic diacritics stay inside their word, apostrophes are normalised to ``'`` and kept
    between letters ("l'école", "aujourd'hui"), digits stay with the letters they touch
    ("jam3ia"), and a token is split where it switches between Arabic and another script.
    Case and diacritics are kept.

    >>> tokenize("الجمعيّة l’école jam3ia")
    ['الجمعيّة', "l'école", 'jam3ia']
    """
    return list(_tokens(text))


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[str, ...]:
    """:func:`tokenize`, cached: indexing a document splits each value once for its field
    and again for its skeleton (and spelling) field, in a row."""
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(prepare_text(text)):
        token = match.group()
        if token.isascii() or not _HAS_ARABIC_RE.search(token):
            tokens.append(token)
            continue
        for run in _SCRIPT_RUN_RE.findall(token):
            run = run.strip("'")
            if run:
                tokens.append(run)
    return tuple(tokens)
