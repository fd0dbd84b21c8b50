"""The one text analyzer of jam3ia search, used at index and at query time by every backend.

``analyze(text)`` gives the terms of the full-text field:

1. :func:`tokenize` splits the text, keeping Arabic diacritics inside words;
2. Arabic-script tokens are normalised (:func:`normalize_arabic`: tashkeel, tatweel, alef
   variants, ى, ة, digits) and light-stemmed (:func:`light_stem_arabic`, Lucene's rules);
3. Latin tokens are lowercased (casefold), lose a French elision ("l'", "qu'"...), are
   stemmed with Snowball French and then accent-folded; tokens with digits, Arabizi
   among them ("jam3ia"), are lowercased and folded but not stemmed;
4. stopwords (:mod:`app.search.stopwords`) are dropped.

``skeleton_tokens(text)`` gives the terms of the separate name/title field that lets
"Association Al Amal" meet "جمعية الأمل" (see :mod:`app.search.skeleton`).

Every output term is made of letters and digits only (no apostrophe, hyphen or space), so
it survives any backend's own parsing unchanged, e.g. PostgreSQL ``to_tsvector('simple')``.
All functions are pure, module-level (so Whoosh can pickle analyzers built on them) and
thread-safe; per-token work is cached.
"""

from __future__ import annotations

from functools import lru_cache

from app.search.arabic import light_stem_arabic, normalize_arabic, strip_tashkeel
from app.search.latin import fold_accents, french_stem, is_arabizi, is_latin, strip_elision
from app.search.skeleton import is_domain_word, skeleton_tokens, token_skeletons
from app.search.stopwords import ARABIC_STOPWORDS, LATIN_STOPWORDS
from app.search.tokenizer import is_arabic_token, tokenize

__all__ = [
    "DOMAIN_TERM",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TOKENS",
    "analyze",
    "analyze_query",
    "analyze_token",
    "fold_accents",
    "fuzzy_distance_for",
    "is_arabizi",
    "is_domain_word",
    "light_stem_arabic",
    "normalize_arabic",
    "skeleton_tokens",
    "token_skeletons",
    "tokenize",
]

#: The one term of the domain's generic word in every script and spelling (جمعية, "association",
#: "jam3ia", "jam3iya", "jamia", "jam3iat"...): the Arabic light stem of جمعية, so the words
#: match each other whatever the spelling of the document and of the query.
DOMAIN_TERM = "جمع"

#: Query text beyond this many characters is ignored.
MAX_QUERY_CHARS = 1000
#: A query keeps at most this many distinct terms.
MAX_QUERY_TOKENS = 32


def _analyze_arabic(token: str) -> str | None:
    if strip_tashkeel(token) in ARABIC_STOPWORDS:
        return None
    return light_stem_arabic(normalize_arabic(token)) or None


def _analyze_latin(token: str) -> str | None:
    word = strip_elision(token.casefold())
    if word in LATIN_STOPWORDS:
        return None
    folded = fold_accents(word)
    if folded in LATIN_STOPWORDS:
        return None
    # Arabizi, numbers, codes and other scripts are not French-stemmed.
    stemmable = is_latin(word) and not any(ch.isdigit() for ch in word)
    result = french_stem(word) if stemmable else folded
    return result.replace("'", "") or None


@lru_cache(maxsize=65536)
def analyze_token(token: str) -> str | None:
    """Analyze one raw token from :func:`tokenize`; None when it is a stopword or empty.

    Backends that need positions (a Whoosh filter) call this per token.

    >>> analyze_token("الجمعيّة"), analyze_token("l'École"), analyze_token("Jam3iya")
    ('جمع', 'ecol', 'جمع')
    >>> analyze_token("Sa7a")
    'sa7a'
    """
    if is_domain_word(token):
        return DOMAIN_TERM
    if is_arabic_token(token):
        return _analyze_arabic(token)
    return _analyze_latin(token)


def analyze(text: str) -> list[str]:
    """Return the full-text terms of ``text``, in order, stopwords removed.

    >>> analyze("L'éducation des femmes à Rabat")
    ['educ', 'femm', 'rabat']
    >>> analyze("الجمعيات النسائية بالمدرسة")
    ['جمع', 'نسائ', 'مدرس']
    """
    terms: list[str] = []
    for token in tokenize(text):
        term = analyze_token(token)
        if term is not None:
            terms.append(term)
    return terms


def _truncate(text: str) -> str:
    if len(text) <= MAX_QUERY_CHARS:
        return text
    head = text[:MAX_QUERY_CHARS]
    # Cut at the last space so the last word is not a fragment.
    space = head.rfind(" ")
    return head[:space] if space > 0 else head


def analyze_query(text: str | None) -> list[str]:
    """Analyze a user's query like :func:`analyze`, never failing, with bounded output.

    Only the first :data:`MAX_QUERY_CHARS` characters count; duplicate terms are dropped
    and at most :data:`MAX_QUERY_TOKENS` terms are returned. Junk (punctuation only,
    diacritics only, None) gives ``[]``.
    """
    if not text or not isinstance(text, str):
        return []
    terms: dict[str, None] = {}
    for term in analyze(_truncate(text)):
        terms[term] = None
        if len(terms) >= MAX_QUERY_TOKENS:
            break
    return list(terms)


def fuzzy_distance_for(token: str) -> int:
    """Return the edit distance a backend may allow when matching ``token`` fuzzily.

    0 below 5 characters (short words and Arabic light stems are too dense for typos to
    be told apart from other words) and for numbers, 1 from 5, 2 from 9 characters.
    Apply it to analyzed terms.
    """
    if token.isdigit():
        return 0
    length = len(token)
    if length >= 9:
        return 2
    if length >= 5:
        return 1
    return 0
