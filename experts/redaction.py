"""Redaction of a consultation before it is published in the library: pure logic, no database.

:func:`redact` replaces with :data:`MARK` what would identify someone in a question or an
answer, in Arabic, French and Arabizi alike:

- phone numbers, e-mail addresses, national ID card numbers and links, found by the same
  detectors as the experts' content rules (:mod:`experts.rules`, :mod:`app.rules`), on the
  folded text and mapped back to the writer's characters;
- the names of the people involved (the one who asked, the expert...), each word of a name
  of three letters or more: in its own script letter for letter (an Arabic word with its
  clitics و ب ل ف ك, ال before it), in the other script through the search's cross-script
  skeletons (:mod:`app.search.skeleton`): "Fatima" meets "فاطمة";
- the association's name, whole, or its distinctive words in order with or without the
  generic word ("Association Amal Taroudant", "jam3iat amal taroudant", "جمعية أمل تارودانت");
  a distinctive word alone is taken only when it is specific enough (a long skeleton, or
  after the generic word), so "amal" (hope) in a sentence stays;
- a person named after a civility or title ("السيد", "Mme", "si", "lalla", "Dr" ...): the
  word after it (and the next one when it is a family name: capitalised, or Arabic "ال...").

:func:`leaks` says what is still there (kinds, in order): a text edited by hand is published
only when it has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.rules import LINK_PATTERNS, fold, phone_spans
from app.search.skeleton import is_domain_word, token_skeletons
from app.search.tokenizer import ARABIC_CHAR_CLASS
from experts.rules import email_spans, national_id_spans

#: what stands in place of a redacted piece (the same in every language)
MARK = "[…]"
#: the kinds of :func:`leaks`
KINDS = ("phone", "email", "national_id", "link", "name", "association")

_MARKS = "\u064b-\u065f\u0670\u0640"
_WORD_RE = re.compile(rf"[\w{_MARKS}]+(?:'[\w{_MARKS}]+)*")
_ARABIC_RE = re.compile(f"[{ARABIC_CHAR_CLASS}]")
_LINKS = tuple(re.compile(p) for p in LINK_PATTERNS)
#: a skeleton at least this long is specific enough to match across scripts on its own
SPECIFIC_KEY = 4
#: civilities and titles a person's name follows (folded: lower case, Arabic normalised)
CIVILITIES = frozenset(
    {
        "سيد",
        "سيده",
        "استاذ",
        "استاذه",
        "دكتور",
        "دكتوره",
        "حاج",
        "حاجه",
        "سي",
        "للا",
        "مولاي",
        "m",
        "mr",
        "mme",
        "mlle",
        "monsieur",
        "madame",
        "mademoiselle",
        "dr",
        "docteur",
        "maitre",
        "me",
        "pr",
        "si",
        "sidi",
        "lalla",
        "lala",
        "moulay",
        "hajj",
        "hadj",
        "l7aj",
        "l7ajja",
        "ostad",
        "oustad",
        "oustada",
        "ustad",
    }
)
#: Arabic clitics that may be glued before a name ("لفاطمة", "وجمعية", "بالعلوي")
_CLITICS = re.compile(r"^(?:[وفبلك]{1,2})?(?:ال)?")
#: words that are never a name after a civility ("Mme la présidente", "السيد الرئيس")
_NOT_NAMES = frozenset(
    {
        "le",
        "la",
        "les",
        "l",
        "president",
        "presidente",
        "tresorier",
        "tresoriere",
        "secretaire",
        "directeur",
        "directrice",
        "الرئيس",
        "الرئيسه",
        "رئيس",
        "رئيسه",
        "الكاتب",
        "الكاتبه",
        "امين",
        "المدير",
        "المديره",
    }
)


CIVILITIES = frozenset(fold(word).text for word in CIVILITIES)
_NOT_NAMES = frozenset(fold(word).text for word in _NOT_NAMES)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    raw: str
    folded: str
    keys: frozenset[str]


def _fold_word(word: str) -> str:
    return fold(word).text


def _words(text: str) -> list[_Word]:
    found = []
    for match in _WORD_RE.finditer(text):
        raw = match.group()
        found.append(
            _Word(match.start(), match.end(), raw, _fold_word(raw), frozenset(token_skeletons(raw)))
        )
    return found


def _bare(folded: str) -> str:
    """A folded Arabic word without its clitics ("لفاطمه" -> "فاطمه")."""
    if _ARABIC_RE.search(folded):
        stripped = _CLITICS.sub("", folded)
        return stripped if len(stripped) >= 3 else folded
    return folded


def _same(word: _Word, token: _Word, specific_only: bool) -> bool:
    """Whether ``word`` of the text is the name word ``token``: the same letters (an Arabic
    word with its clitics), or, across scripts, a shared skeleton long enough."""
    if len(token.folded) >= 3 and (
        word.folded == token.folded or _bare(word.folded) == _bare(token.folded)
    ):
        return True
    shared = word.keys & token.keys
    if not specific_only:
        return bool(shared)
    if bool(_ARABIC_RE.search(word.raw)) == bool(_ARABIC_RE.search(token.raw)):
        # the same script: the same letters only ("أوعلي", a family name, and "الأولية",
        # primary, share a skeleton)
        return False
    # a long skeleton, or two words of four letters or more ("Fatima" and "فاطمة" share
    # ``ftm``; "Amal" and "عمل" (work) do not count)
    return any(len(k) >= SPECIFIC_KEY for k in shared) or (
        bool(shared) and len(word.raw) >= 4 and len(token.raw) >= 4
    )


def _detected(text: str) -> list[tuple[int, int, str]]:
    folded = fold(text)
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if end <= start or not folded.origin:
            return
        begin = folded.origin[min(start, len(folded.origin) - 1)]
        finish = folded.origin[min(end, len(folded.origin)) - 1] + 1
        spans.append((begin, finish, kind))

    for start, end in email_spans(folded):
        add(start, end, "email")
    for start, end in phone_spans(folded):
        add(start, end, "phone")
    for start, end in national_id_spans(folded):
        add(start, end, "national_id")
    for pattern in _LINKS:
        for match in pattern.finditer(folded.text):
            add(*match.span(), "link")
    # a link goes on to the end of its run of characters ("www." then the address), less the
    # sentence's punctuation
    for index, (start, end, kind) in enumerate(spans):
        if kind == "link":
            while end < len(text) and not text[end].isspace():
                end += 1
            while end > start + 1 and text[end - 1] in ".,;:!?)»\"'":
                end -= 1
            spans[index] = (start, end, kind)
    return spans


def _name_spans(words: list[_Word], names: Iterable[str]) -> list[tuple[int, int, str]]:
    tokens: list[_Word] = []
    for name in names:
        for token in _words(name or ""):
            if len(token.folded) >= 3 and not is_domain_word(token.raw) and token.keys:
                tokens.append(token)
    spans = []
    for word in words:
        if any(_same(word, token, specific_only=True) for token in tokens):
            spans.append((word.start, word.end, "name"))
    return spans


def _association_spans(
    text: str, words: list[_Word], association: str
) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    whole = fold(association.strip()).text
    if len(whole) >= 3:
        folded = fold(text)
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, whole.split())) + r"(?!\w)")
        for match in pattern.finditer(folded.text):
            start, end = match.span()
            spans.append((folded.origin[start], folded.origin[end - 1] + 1, "association"))
    distinctive = [t for t in _words(association) if t.keys and not is_domain_word(t.raw)]
    if not distinctive:
        return spans
    keyed = [i for i, w in enumerate(words) if w.keys or is_domain_word(w.raw)]
    position = 0
    while position < len(keyed):
        index = keyed[position]
        run = 0
        while position + run < len(keyed) and run < len(distinctive):
            candidate = words[keyed[position + run]]
            if is_domain_word(candidate.raw) or not _same(
                candidate, distinctive[run], specific_only=False
            ):
                break
            run += 1
        if run == len(distinctive):
            first, last = words[index], words[keyed[position + run - 1]]
            before = keyed[position - 1] if position > 0 else None
            after_domain = before is not None and is_domain_word(words[before].raw)
            specific = run > 1 or _same(first, distinctive[0], specific_only=True)
            if after_domain or specific:
                start = words[before].start if after_domain and before is not None else first.start
                spans.append((start, last.end, "association"))
                position += run
                continue
        position += 1
    return spans


def _civility_spans(words: list[_Word]) -> list[tuple[int, int, str]]:
    spans = []
    for index, word in enumerate(words[:-1]):
        if word.folded.rstrip(".") not in CIVILITIES and _bare(word.folded) not in CIVILITIES:
            continue
        name = words[index + 1]
        if name.folded in _NOT_NAMES or not name.raw[:1].isalpha():
            continue
        lower_ok = word.folded in ("si", "sidi", "lalla", "lala", "moulay")
        if not _ARABIC_RE.search(name.raw) and not name.raw[:1].isupper() and not lower_ok:
            continue
        end = name.end
        if index + 2 < len(words):
            family = words[index + 2]
            arabic_family = _ARABIC_RE.search(family.raw) and family.folded.startswith("ال")
            latin_family = family.raw[:1].isupper() and not _ARABIC_RE.search(family.raw)
            if (arabic_family or latin_family) and family.folded not in _NOT_NAMES:
                end = family.end
        spans.append((name.start, end, "name"))
    return spans


def _found(text: str, names: Iterable[str], association: str) -> list[tuple[int, int, str]]:
    words = _words(text)
    found = _detected(text) + _name_spans(words, names) + _civility_spans(words)
    if association.strip():
        found += _association_spans(text, words, association)
    return found


def spans(
    text: str, names: Iterable[str] = (), association: str = ""
) -> list[tuple[int, int, str]]:
    """Where ``text`` identifies someone: ``(start, end, kind)``, sorted, overlaps merged (the
    first kind kept)."""
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(_found(text, names, association)):
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def redact(text: str, names: Iterable[str] = (), association: str = "") -> str:
    """``text`` with every piece that identifies someone replaced by :data:`MARK`."""
    out: list[str] = []
    cursor = 0
    for start, end, _kind in spans(text, names, association):
        out.append(text[cursor:start])
        out.append(MARK)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def leaks(text: str, names: Iterable[str] = (), association: str = "") -> list[str]:
    """The kinds of what still identifies someone in ``text`` (empty: nothing), in
    :data:`KINDS` order."""
    kinds = {kind for _s, _e, kind in _found(text, names, association)}
    return [k for k in KINDS if k in kinds]


__all__ = ["KINDS", "MARK", "leaks", "redact", "spans"]
