"""Latin-script analysis: elision, Snowball French stemming, accent folding, Arabizi.

The order matters. Snowball French reads accents (its "-ité", "-ée", "-ière" rules only fire
on accented endings), so words are stemmed first and folded after: "éducatif" and
"éducation" both give "educ". Users on phones often type no accents at all, and
"activites" would then stem to "activit" while "activités" gives "activ"; so an all-ASCII
word whose ending is one of those accented suffixes with the accent dropped gets the accent
back before stemming (a measured ~10% of accented French words diverged without this, ~2%
with it, mostly adverbs such as "très").

Arabizi (Moroccan Arabic in Latin letters, with digits for the sounds Latin lacks:
"jam3ia", "7ouma", "m3a") is not French and is only lowercased and folded; more generally
no token containing a digit is stemmed.

PyStemmer objects are not thread-safe, so each thread gets its own; results are cached per
token with :func:`functools.lru_cache`, which is.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Protocol, cast

import Stemmer  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "ELISION_RE",
    "fold_accents",
    "french_stem",
    "is_arabizi",
    "is_latin",
    "strip_elision",
]

#: French elided articles and conjunctions, matched on a lowercased token.
ELISION_RE = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'(?=.)")

_ARABIZI_DIGITS = frozenset("235789")
_LATIN_MAX = 0x02AF  # end of IPA extensions (Amazigh Latin uses ɛ and ɣ)
_EXTRA_FOLDS = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h", "ŧ": "t"})
_LIGATURES = {"œ": "oe", "æ": "ae"}

# (ascii ending, accented ending) tried in order on all-ASCII words before stemming.
_REACCENT: tuple[tuple[str, str], ...] = (
    ("ites", "ités"),
    ("ite", "ité"),
    ("ieres", "ières"),
    ("iere", "ière"),
    ("ees", "ées"),
    ("ee", "ée"),
)


class _StemmerLike(Protocol):
    maxCacheSize: int

    def stemWord(self, word: str) -> str: ...


_local = threading.local()


def _french_stemmer() -> _StemmerLike:
    stemmer = cast("_StemmerLike | None", getattr(_local, "french", None))
    if stemmer is None:
        stemmer = cast("_StemmerLike", Stemmer.Stemmer("french"))
        stemmer.maxCacheSize = 0  # our lru_cache sits in front of it
        _local.french = stemmer
    return stemmer


def is_latin(token: str) -> bool:
    """Return True when ``token`` is written in Latin script (digits and ``'`` allowed)."""
    return all(
        ord(ch) <= _LATIN_MAX or 0x1E00 <= ord(ch) <= 0x1EFF or unicodedata.combining(ch)
        for ch in token
    )


def is_arabizi(token: str) -> bool:
    """Return True for an Arabizi token: Latin letters together with 2 3 5 7 8 or 9.

    >>> is_arabizi("jam3ia"), is_arabizi("7ouma"), is_arabizi("amal"), is_arabizi("2024")
    (True, True, False, False)
    """
    has_digit = has_letter = False
    for ch in token:
        if ch in _ARABIZI_DIGITS:
            has_digit = True
        elif ch.isalpha() and ord(ch) <= _LATIN_MAX:
            has_letter = True
    return has_digit and has_letter


def strip_elision(token: str) -> str:
    """Remove a French elided article ("l'", "d'", "qu'", "jusqu'", ...) from a lowercased token.

    >>> strip_elision("l'école"), strip_elision("jusqu'ici"), strip_elision("aujourd'hui")
    ('école', 'ici', "aujourd'hui")
    """
    return ELISION_RE.sub("", token, count=1)


@lru_cache(maxsize=16384)
def fold_accents(text: str) -> str:
    """Remove accents and other diacritics from Latin letters ("é" -> "e", "œ" -> "oe").

    >>> fold_accents("Éducation œuvre")
    'Education oeuvre'
    """
    if text.isascii():
        return text
    for lig, repl in _LIGATURES.items():
        text = text.replace(lig, repl).replace(lig.upper(), repl.capitalize())
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_EXTRA_FOLDS)


def _reaccent(word: str) -> str:
    for plain, accented in _REACCENT:
        if word.endswith(plain) and len(word) > len(plain) + 2:
            return word[: -len(plain)] + accented
    return word


@lru_cache(maxsize=65536)
def french_stem(word: str) -> str:
    """Snowball-French-stem a lowercased word, then fold its accents.

    All-ASCII words ending like an accented suffix get the accent back first, so that
    "activites" and "activités" stem alike.

    >>> french_stem("éducatif"), french_stem("éducation"), french_stem("activites")
    ('educ', 'educ', 'activ')
    """
    if word.isascii():
        word = _reaccent(word)
    return fold_accents(_french_stemmer().stemWord(word))
