"""Arabic-script normalisation and light stemming.

Normalisation follows Lucene's ``ArabicNormalizer`` and adds what Moroccan text needs:

- tashkeel (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and tatweel
  are removed;
- alef with hamza above/below, alef madda and alef wasla (أ إ آ ٱ) become bare alef ا;
- alef maqsura ى becomes yaa ي, taa marbuta ة becomes haa ه;
- Persian look-alikes typed on some keyboards (ی ک ە ۀ) become their Arabic letters, and
  the letters used for the Moroccan "g" (ڭ ݣ گ) and for "v" (ڤ) become ك and ف, so
  "ݣلميم" and "كلميم" meet;
- Arabic-Indic digits become ASCII digits.

Stemming is Lucene's ``ArabicStemmer``, a *light* stemmer: strip one of the prefixes
ال وال بال كال فال لل و, then each of the suffixes ها ان ات ون ين يه ية ه ة ي in that order,
never leaving fewer than two letters (the lone و needs a word of four letters or more). It
is not a root stemmer: ISRI maps سيارات (cars) to سير (walk), this maps it to سيار.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ARABIC_PREFIXES",
    "ARABIC_SUFFIXES",
    "TASHKEEL_RE",
    "light_stem_arabic",
    "normalize_arabic",
    "strip_tashkeel",
]

#: Harakat, tanwin, shadda, sukun, the other marks of U+064B-U+065F, superscript alef,
#: Quranic annotation marks, and tatweel.
TASHKEEL_RE = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
)

_ALEF = "\u0627"
_YEH = "\u064a"
_HEH = "\u0647"

# Alef variants only: used before stopword lookup, where ى and ة must still be visible
# (على the preposition is a stopword, علي the name is not).
_ALEF_TABLE: dict[int, str] = {
    0x0623: _ALEF,  # alef with hamza above
    0x0625: _ALEF,  # alef with hamza below
    0x0622: _ALEF,  # alef with madda
    0x0671: _ALEF,  # alef wasla
}

_LETTER_TABLE: dict[int, str] = {
    **_ALEF_TABLE,
    0x0649: _YEH,  # alef maqsura
    0x06CC: _YEH,  # Farsi yeh
    0x0629: _HEH,  # taa marbuta
    0x06D5: _HEH,  # ae
    0x06C0: _HEH,  # heh with yeh above
    0x06BE: _HEH,  # heh doachashmee
    0x06A9: "\u0643",  # keheh -> kaf
    0x06AF: "\u0643",  # gaf -> kaf
    0x06AD: "\u0643",  # ng (Moroccan g) -> kaf
    0x0763: "\u0643",  # keheh with three dots (Moroccan g) -> kaf
    0x06A4: "\u0641",  # veh -> feh
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
}

#: Lucene ArabicStemmer prefixes, tried in this order; the first that fits is removed.
ARABIC_PREFIXES: tuple[str, ...] = (
    "\u0627\u0644",  # ال
    "\u0648\u0627\u0644",  # وال
    "\u0628\u0627\u0644",  # بال
    "\u0643\u0627\u0644",  # كال
    "\u0641\u0627\u0644",  # فال
    "\u0644\u0644",  # لل
    "\u0648",  # و
)

#: Lucene ArabicStemmer suffixes, each removed in turn when it fits.
ARABIC_SUFFIXES: tuple[str, ...] = (
    "\u0647\u0627",  # ها
    "\u0627\u0646",  # ان
    "\u0627\u062a",  # ات
    "\u0648\u0646",  # ون
    "\u064a\u0646",  # ين
    "\u064a\u0647",  # يه
    "\u064a\u0629",  # ية
    "\u0647",  # ه
    "\u0629",  # ة
    "\u064a",  # ي
)

_MIN_STEM = 2


def strip_tashkeel(text: str) -> str:
    """Remove tashkeel and tatweel from ``text`` and unify the alef variants, nothing else.

    This lighter form is what stopword lists are matched against.
    """
    return TASHKEEL_RE.sub("", text).translate(_ALEF_TABLE)


def normalize_arabic(text: str) -> str:
    """Normalise Arabic-script text for search (see the module docstring).

    Text in other scripts passes through NFKC only. The function is idempotent.

    >>> normalize_arabic("الجمعيّة الأولى")
    'الجمعيه الاولي'
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    stripped = TASHKEEL_RE.sub("", text)
    if len(stripped) != len(text):
        # A removed mark may have blocked a composition ("e" + hamza above + acute).
        stripped = unicodedata.normalize("NFKC", stripped)
    return stripped.translate(_LETTER_TABLE)


def light_stem_arabic(token: str) -> str:
    """Light-stem one Arabic token the way Lucene's ``ArabicStemmer`` does.

    Expects a token already passed through :func:`normalize_arabic` (the suffix list also
    covers ة, so an unnormalised token is stemmed too, just less consistently).

    >>> light_stem_arabic(normalize_arabic("الجمعيات"))
    'جمع'
    """
    length = len(token)
    for prefix in ARABIC_PREFIXES:
        plen = len(prefix)
        if plen == 1 and length < 4:
            continue
        if length >= plen + _MIN_STEM and token.startswith(prefix):
            token = token[plen:]
            break
    for suffix in ARABIC_SUFFIXES:
        slen = len(suffix)
        if len(token) >= slen + _MIN_STEM and token.endswith(suffix):
            token = token[:-slen]
    return token
