"""Content rules: one engine that checks a user's text before it is posted (DESIGN.md §5b).

A :class:`RuleSet` is data plus code in one module of the feature that declares it (offers
declare the "J'offre gratuitement" set), versioned, each :class:`Rule` carrying examples that
its tests run. :meth:`RuleSet.check` returns :class:`Hit` ``{code, action, excerpt, message}``:
``block`` refuses the post, ``review`` sends it to a moderator.

Text is matched in a *folded* form built with ``app/search``'s normalisation, one character at
a time so every match maps back to the writer's own words for the excerpt:

- Arabic: tashkeel and tatweel removed, alef/yaa/taa-marbuta variants unified, Persian and
  Moroccan letters mapped (``normalize_arabic``); Arabic-Indic digits become ASCII digits;
- Latin: accents folded (``fold_accents``), lower case, compatibility forms (full-width,
  mathematical bold letters people use to dodge filters) reduced by NFKC.

Patterns are regular expressions over that folded text; :func:`words` and :func:`arabic`
build the usual ones (whole words; Arabic words with their clitics). A rule may be
``negatable``: a match right after a negation ("sans", "bla", "بدون", "ما") in its own sentence
or line does not count ("sans aucun paiement" is the opposite of a price), nor a word answered
as free right after it ("Prix : gratuit"). A rule may also be ``unless`` a context
pattern is present anywhere (a blood donation request is the one request allowed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.search.arabic import normalize_arabic
from app.search.latin import fold_accents

__all__ = [
    "LINK_PATTERNS",
    "Folded",
    "Hit",
    "Rule",
    "RuleSet",
    "arabic",
    "fold",
    "phone_spans",
    "words",
]

BLOCK = "block"
REVIEW = "review"
#: Characters around a match shown in the excerpt.
EXCERPT_CONTEXT = 24
#: Words before a match searched for a negation, within the match's own sentence or line.
NEGATION_WINDOW = 3
#: Words that negate what follows. "Free"/"gratuit" are not among them: they are what a post
#: claims to be, and "gratuit 20 dh la séance" is a price.
NEGATIONS = re.compile(
    r"(?<!\w)و?(?:sans|pas|aucun|aucune|ni|non|jamais|rien|zero|0|no|not|without|"
    r"bla|bla\s+ma|bila|bidoun|mashi|machi|ma|la|"
    r"walo|بلا|بدون|دون|ما|لا|ماشي|مشي|حتي|حتى|بلاش|والو)(?!\w)"
)
#: Where a negation stops reaching: a title's "sans frais" says nothing of the body's price.
CLAUSE_END = re.compile(r"[\n.!?;؛]")
#: A word named then answered as free ("Prix : gratuit", "السعر: مجانا") is negated after it.
ANSWERED_FREE = re.compile(
    r"\s*[:=\-–]?\s*(?:gratuit\w*|free|0\s*(?:dh|mad|درهم)?|مجان\w*|بالمجان|فابور|fabor|batel|باطل)"
    r"(?!\w)"
)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = normalize_arabic(char)
    if not folded.isascii():
        folded = fold_accents(unicodedata.normalize("NFKC", folded))
    return folded.lower()


@dataclass(frozen=True)
class Folded:
    """Folded text and, for each of its characters, the index of the raw character."""

    raw: str
    text: str
    origin: tuple[int, ...]

    def excerpt(self, start: int, end: int) -> str:
        """The raw words around folded ``[start, end)``, with a little context."""
        if not self.origin:
            return ""
        begin = self.origin[min(start, len(self.origin) - 1)]
        finish = self.origin[max(min(end, len(self.origin)) - 1, 0)] + 1
        left = max(0, begin - EXCERPT_CONTEXT)
        right = min(len(self.raw), finish + EXCERPT_CONTEXT)
        while left > 0 and not self.raw[left - 1].isspace() and begin - left < 40:
            left -= 1
        while right < len(self.raw) and not self.raw[right].isspace() and right - finish < 40:
            right += 1
        text = " ".join(self.raw[left:right].split())
        return ("…" if left > 0 else "") + text + ("…" if right < len(self.raw) else "")


def fold(raw: str) -> Folded:
    """The folded form of ``raw`` (see the module docstring)."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(raw):
        folded = _fold_char(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return Folded(raw, "".join(out), tuple(origin))


def words(*alternatives: str) -> str:
    """A pattern for whole Latin words or phrases (regex syntax allowed inside)."""
    return r"(?<![\w@])(?:" + "|".join(alternatives) + r")(?!\w)"


def arabic(*stems: str, suffix: bool = True) -> str:
    """A pattern for Arabic words with their clitics: و ف ب ل ك before, ال, any ending.

    Stems are written normalised (ا not أ, ه not ة, ي not ى)."""
    tail = r"\w{0,4}" if suffix else ""
    return r"(?<!\w)(?:[وفبلك]{0,2}(?:ال)?)(?:" + "|".join(stems) + ")" + tail + r"(?!\w)"


Detector = Callable[[Folded], Iterable[tuple[int, int]]]


@dataclass(frozen=True)
class Rule:
    """One rule: a stable ``code``, what a hit does, why, what it looks for, its examples.

    ``examples`` maps a writing style (``ar``, ``darija``, ``arabizi``, ``fr``) to texts the
    rule must catch; ``passes`` are texts it must leave alone."""

    code: str
    action: str
    message: Any  # a lazy string, translated when a hit is shown
    patterns: tuple[str, ...] = ()
    detector: Detector | None = None
    negatable: bool = False
    unless: str | None = None
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    passes: tuple[str, ...] = ()
    _compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _unless: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.action not in (BLOCK, REVIEW):
            raise ValueError(f"rule {self.code}: action must be block or review")
        object.__setattr__(self, "_compiled", tuple(re.compile(p) for p in self.patterns))
        object.__setattr__(self, "_unless", re.compile(self.unless) if self.unless else None)

    def spans(self, folded: Folded) -> list[tuple[int, int]]:
        """Where the rule matches ``folded`` (negated matches left out)."""
        unless = self._unless
        if unless is not None and unless.search(folded.text):
            return []
        found: list[tuple[int, int]] = []
        for pattern in self._compiled:
            for match in pattern.finditer(folded.text):
                if self.negatable and _negated(folded.text, match):
                    continue
                found.append(match.span())
        if self.detector is not None:
            found.extend(self.detector(folded))
        return sorted(found)


def _negated(text: str, match: re.Match[str]) -> bool:
    """A negation among the few words before the match in its clause, or a word (not an
    amount) answered as free right after it."""
    clause = CLAUSE_END.split(text[: match.start()])[-1]
    if NEGATIONS.search(" ".join(clause.split()[-NEGATION_WINDOW:])):
        return True
    return not match.group().lstrip()[:1].isdigit() and bool(ANSWERED_FREE.match(text, match.end()))


@dataclass(frozen=True)
class Hit:
    code: str
    action: str
    excerpt: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "action": self.action,
            "excerpt": self.excerpt,
            "message": self.message,
        }


@dataclass(frozen=True)
class RuleSet:
    """A named, versioned list of rules."""

    name: str
    version: int
    rules: tuple[Rule, ...]

    def check(self, text: str, only: Iterable[str] | None = None) -> list[Hit]:
        """The hits of ``text``: one per rule, at its first match (``only``: these codes)."""
        folded = fold(text or "")
        wanted = set(only) if only is not None else None
        hits: list[Hit] = []
        for rule in self.rules:
            if wanted is not None and rule.code not in wanted:
                continue
            spans = rule.spans(folded)
            if spans:
                start, end = spans[0]
                hits.append(
                    Hit(rule.code, rule.action, folded.excerpt(start, end), str(rule.message))
                )
        return hits

    def codes(self) -> list[str]:
        return sorted({rule.code for rule in self.rules})


def blocking(hits: Iterable[Hit]) -> bool:
    """Whether any hit refuses the post."""
    return any(hit.action == BLOCK for hit in hits)


# --- building blocks several rule sets share (each says why in its own words) ---------------


def phone_spans(folded: Folded) -> Iterator[tuple[int, int]]:
    """Moroccan phone numbers in ``folded``, written out, spaced, masked or spelled in words
    (a detector for the rules that keep contact on the platform)."""
    text = folded.text
    for match in re.finditer(r"[+(]?\d[\dx*\s.\-/()]{2,30}", text):
        run = match.group().rstrip(" .-/()")
        digits = re.sub(r"[^\dx*]", "", run)
        plain = digits.replace("x", "").replace("*", "")
        masked = len(digits) - len(plain)
        end = match.start() + len(run)
        if masked == 0:
            local = re.sub(r"^(?:00212|212)", "0", plain)
            if (len(local) >= 10 and re.match(r"0[5-7]", local)) or (
                len(plain) == 9 and plain[0] in "67" and local == plain and " " in run
            ):
                yield match.start(), end
        elif masked >= 2 and re.match(r"0?[5-7]", digits) and plain.startswith(("05", "06", "07")):
            yield match.start(), end
    spelled = (
        r"(?<!\w)(?:zero|zéro|ziro|zirou|sifr|صفر|زيرو|زيرou)\s*"
        r"(?:six|sept|cinq|sitta|sita|stta|seb3a|sb3a|khamsa|سته|سبعه|خمسه|5|6|7)(?!\w)"
    )
    for match in re.finditer(spelled, text):
        yield match.span()


#: Links, web addresses and social-media handles, spaced or spelled out to dodge a filter.
LINK_PATTERNS = (
    r"https?\s*:\s*/\s*/",
    r"(?<!\w)w\s*w\s*w\s*(?:\.|dot|point|نقطه)",
    r"(?<![\w@])[a-z0-9][a-z0-9\-]*(?:\.|\s*[\[(]\.[\])]\s*|[\s(\[]+(?:dot|point|نقطه)[\s)\]]+)"
    r"(?:com|ma|net|org|fr|ly|me|io|co|info|biz|tv|app|shop|store|link|gl|be)(?![\w.])",
    r"(?<![\w.])@[a-z0-9_][a-z0-9_.]{2,}",
    # the networks' own names, even with spaces around the dot ("facebook . com / page")
    r"(?<!\w)(?:facebook|fb|instagram|tiktok|youtube|youtu|twitter|whatsapp|wa|telegram|t|m)"
    r"\s*\.\s*(?:com|me|be|ly)(?!\w)",
    words(
        r"(?:lien|link|lian)\s+(?:en|in|f|fi|dans\s+(?:la|ma)?)\s*bio",
        r"clique[zr]?\s+(?:sur\s+)?(?:le\s+)?lien",
        r"bio\s+(?:dyali|dyalna)",
    ),
    arabic("رابط", "لينك"),
)
