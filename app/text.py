"""Cleaning of user text on input: the one place every feature's services call.

- :func:`clean_text` for bodies and descriptions: NFC, no control characters (``\\n`` and
  ``\\t`` stay; ``\\r\\n`` becomes ``\\n``). A control character made the Atom feed invalid XML.
- :func:`clean_name` for every name and title (display names, association names, topic,
  project and conversation titles): :func:`clean_text` on one line, without bidi
  embeddings, overrides or isolates (names are shown inside sentences, where an override
  reverses the words after it; pages isolate them with ``dir="auto"``/``<bdi>`` instead), and
  without invisible fillers (U+200B, U+3164, U+2800 ...): a name made only of them is empty.
- :func:`display_name_problem` for display names: reserved names ("Admin jam3ia") and words
  that mix scripts with look-alike letters (Cyrillic "а" in "Kаrim"), checked with the
  ``confusable_homoglyphs`` tables (Unicode's confusables data), not a hand list.
"""

from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import confusables

#: Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). The
#: LRM/RLM/ALM marks stay: they are needed by mixed Arabic/Latin names and are harmless.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
#: Characters that show nothing. ZWJ/ZWNJ (shaping) and LRM/RLM/ALM stay inside names but do
#: not count as visible.
INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060\u2061\u2062\u2063\u2064"
        "\u3164\u2800\ufeff\uffa0",
    )
)
_KEPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c")
#: Names nobody may take as a display name, compared after folding (case, accents, spaces and
#: punctuation removed, digits kept): impersonation of the platform and its staff.
RESERVED_NAMES = (
    "admin",
    "administrateur",
    "administrator",
    "administration",
    "jam3ia",
    "moderateur",
    "moderator",
    "support",
    "system",
    "systeme",
    "مدير",
    "الإدارة",
    "الادارة",
    "مشرف",
)
#: Words that may not appear anywhere in a display name ("Admin jam3ia", "Karim Moderator").
RESERVED_WORDS = ("admin", "administrator", "administrateur", "jam3ia", "moderator", "moderateur")


def clean_text(value: str | None) -> str:
    """NFC-normalised, stripped, without control characters except ``\\n`` and ``\\t``."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def clean_name(value: str | None) -> str:
    """One line of :func:`clean_text`, no bidi controls or invisible fillers, single spaces."""
    text = clean_text(value).translate(BIDI_CONTROLS).translate(INVISIBLE)
    text = "".join(ch for ch in text if ch in _KEPT_FORMAT or unicodedata.category(ch) != "Cf")
    words = text.split()
    if not any(_visible(word) for word in words):
        return ""
    return " ".join(words)


def escape_like(value: str) -> str:
    """``value`` with SQL LIKE wildcards (and the escape character ``\\``) taken literally;
    use with ``escape="\\"``."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _visible(word: str) -> bool:
    return any(ch not in _KEPT_FORMAT and not ch.isspace() for ch in word)


def _fold(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word).casefold() if ch.isalnum())


_WORD_RE = re.compile(r"\S+")
_RESERVED_FOLDED = frozenset(map(_fold, RESERVED_NAMES))
_RESERVED_WORDS_FOLDED = frozenset(map(_fold, RESERVED_WORDS))


def display_name_problem(name: str) -> str | None:
    """Why ``name`` (already :func:`clean_name`-ed) may not be a display name, or None.

    ``"reserved"``: the whole name is reserved ("Support", "مدير") or one of its words is
    ("Admin jam3ia", "ADMIN"); ``"confusable"``: a word mixes scripts with look-alike letters
    ("Kаrim" with a Cyrillic а). A name in two scripts, word by word ("Ahmed أحمد"), is fine.
    """
    words = _WORD_RE.findall(name)
    folded = [_fold(word) for word in words]
    if _fold(name) in _RESERVED_FOLDED or any(word in _RESERVED_WORDS_FOLDED for word in folded):
        return "reserved"
    for word in words:
        if confusables.is_dangerous(word):
            return "confusable"
    return None


#: The Arabic article, skipped in initials ("لجنة التواصل" -> "لت", not "لا").
_ARTICLE = "ال"


def initials(name: str | None) -> str:
    """One or two letters standing for ``name`` where there is no picture: the first letter of
    its first two words that start with a letter or digit (a dash or an emoji is not a word),
    after the Arabic article. ``app/static/js/avatar.js`` does the same for live items."""
    letters = []
    for word in (name or "").split():
        if word.startswith(_ARTICLE) and len(word) > len(_ARTICLE) + 1:
            word = word[len(_ARTICLE) :]
        if word[:1].isalnum():
            letters.append(word[0])
        if len(letters) == 2:
            break
    return "".join(letters) or "?"
