"""Cross-script consonant skeletons, so transliterated names meet Arabic ones.

"jam3iat al amal", "Association Al Amal", "al amal" and "Amal" must find "جمعية الأمل";
"Annour" and "Ennour" must find "النور". Each word of a name or title, in Arabic, Latin
(French or Arabizi) or Tifinagh, is reduced to a key over one small consonant alphabet:

======  ===================  ============================  =================================
key     Arabic               Latin / Arabizi               note
======  ===================  ============================  =================================
b       ب پ                  b p
t       ت ط ث                t th 6
j       ج                    j dj
h       ح ه                  h 7                           final ه is taa marbuta: dropped
x       خ                    kh 5
d       د ذ ض ظ              d dh
r z s   ر  ز  س ص            r  z  s, c before e i y, ç
c       ش                    ch sh x                       x is ش in Moroccan Arabizi
g       غ                    gh 8
f       ف ڤ                  f v ph
k       ق ك ڭ ݣ گ            k q c g 9                     Moroccan ق and ڭ: often "g"
l m n   ل م ن                l m n
w       و ؤ                  w ou oo
y       ي ى ئ                y i ee
-       ا ة (final ه)        a e o u                       vowels, dropped
-       ع ء أ إ آ            3 2                           glottals, written or not
======  ===================  ============================  =================================

A word starting with a vowel or a glottal gets a leading ``a`` (أمل, "amal" and "3mal" all
give ``aml``), so short names keep three characters. Letters doubled in writing collapse
("Hassan" = حسن = ``hsn``), but not across a vowel ("Chabab" = شباب = ``cbb``).

Because transliterations write long vowels inconsistently ("Fatima" and فاطمة, "Oussama"
and أسامة), each word also yields a *reduced* key without its non-initial ``w`` and ``y``.
Because the article is sometimes assimilated ("Annour", "Essalam"), glued on ("Alami" for
العلمي) or written as a bare "l" in Darija ("lbled", "lmsnin"), a word that starts with an
article yields keys with and without it. So a word can give up to four keys; two names
match when they share one. Keys of two characters or fewer are dropped, as are stopwords,
the administrative words of place names (عمالة, إقليم, جهة) and the generic words
"association"/جمعية/"jam3ia" (whatever their spelling: every word whose key is ``jmy`` or
``jmyt``), so "Amal" alone
meets "جمعية الأمل".

Known, accepted conflations: "Nour" and "Noura" (both ``nwr``: Snowball French conflates
them too), "Hassan" and "Hussein" (via the reduced key ``hsn``), قلب and كلب.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.search.arabic import strip_tashkeel
from app.search.latin import fold_accents, is_arabizi, strip_elision
from app.search.stopwords import ARABIC_STOPWORDS, LATIN_STOPWORDS
from app.search.tokenizer import is_arabic_token, tokenize

__all__ = ["MIN_KEY_LENGTH", "is_domain_word", "skeleton_tokens", "token_skeletons"]

#: Keys shorter than this are ignored: two consonants match far too many names.
MIN_KEY_LENGTH = 3

_VOWEL = "V"  # a vowel or long alef: dropped, and blocks the collapse of doubled letters
_GLOTTAL = "G"  # ع ء 3 2: dropped, transparent to the collapse
_MARKER = "a"  # leading vowel or glottal

_GENERIC_KEYS = frozenset({"jmy", "jmyt"})
_GENERIC_LATIN = frozenset({"association", "associations", "asso", "assoc", "amicale", "amicales"})
#: administrative words of place names (prefecture, province, region, commune): in every
#: association's place text, and عمالة would meet "amal" (أمل) through its skeleton
_GENERIC_ARABIC = frozenset({"عمالة", "عمالات", "اقليم", "إقليم", "أقاليم", "جهة", "جماعة"})

# --- Arabic ---------------------------------------------------------------------------

_ARABIC_CODES: dict[str, str] = {
    "ا": _VOWEL,
    "ى": "y",
    "ي": "y",
    "ی": "y",
    "ئ": "y",
    "و": "w",
    "ؤ": "w",
    "ع": _GLOTTAL,
    "ء": _GLOTTAL,
    "ب": "b",
    "پ": "b",
    "ت": "t",
    "ط": "t",
    "ث": "t",
    "ج": "j",
    "ح": "h",
    "ه": "h",
    "ھ": "h",
    "خ": "x",
    "د": "d",
    "ذ": "d",
    "ض": "d",
    "ظ": "d",
    "ر": "r",
    "ز": "z",
    "ژ": "z",
    "س": "s",
    "ص": "s",
    "ش": "c",
    "چ": "c",
    "غ": "g",
    "ف": "f",
    "ڤ": "f",
    "ق": "k",
    "ك": "k",
    "ک": "k",
    "ڭ": "k",
    "ݣ": "k",
    "گ": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ة": _VOWEL,
}
_ARABIC_ARTICLES: tuple[str, ...] = ("وال", "بال", "كال", "فال", "ال", "لل")
_FINAL_HEH = frozenset("هةۀە")

# --- Latin ----------------------------------------------------------------------------

_DIGRAPHS: dict[str, str] = {
    "kh": "x",
    "ch": "c",
    "sh": "c",
    "gh": "g",
    "th": "t",
    "dh": "d",
    "dj": "j",
    "ph": "f",
    "ck": "k",
    "ou": "w",
    "oo": "w",
    "ee": "y",
}
_LATIN_CODES: dict[str, str] = {
    "a": _VOWEL,
    "e": _VOWEL,
    "o": _VOWEL,
    "u": _VOWEL,
    "i": "y",
    "y": "y",
    "b": "b",
    "p": "b",
    "d": "d",
    "f": "f",
    "v": "f",
    "g": "k",
    "h": "h",
    "j": "j",
    "k": "k",
    "q": "k",
    "l": "l",
    "m": "m",
    "n": "n",
    "r": "r",
    "s": "s",
    "t": "t",
    "w": "w",
    "x": "c",
    "z": "z",
    "ɛ": _GLOTTAL,  # Amazigh Latin ع
    "ɣ": "g",  # Amazigh Latin غ
}
_ARABIZI_DIGIT_CODES: dict[str, str] = {
    "2": _GLOTTAL,
    "3": _GLOTTAL,
    "5": "x",
    "6": "t",
    "7": "h",
    "8": "g",
    "9": "k",
}
_LATIN_VOWELS = frozenset("aeiou")
_LATIN_GLUED_ARTICLE_RE = re.compile(r"^[ae]l(?=[a-z0-9ɛɣ]{3})")
_LATIN_ASSIMILATED_ARTICLE_RE = re.compile(r"^[ae](ch|sh|th|dh|[tdrzsnl])(?=\1[a-z0-9ɛɣ]{2})")
#: Darija's article written as a bare "l" glued to a consonant: "lmsnin" (المسنين), "lbled"
_LATIN_SHORT_ARTICLE_RE = re.compile(r"^l(?=[bcdfghjkmnpqrstvwxz235789][a-z0-9ɛɣ]{2})")

_TIFINAGH: dict[str, str] = {
    "ⴰ": "a",
    "ⴱ": "b",
    "ⴳ": "g",
    "ⴷ": "d",
    "ⴹ": "d",
    "ⴻ": "e",
    "ⴼ": "f",
    "ⴽ": "k",
    "ⵀ": "h",
    "ⵃ": "7",
    "ⵄ": "3",
    "ⵅ": "kh",
    "ⵇ": "q",
    "ⵉ": "i",
    "ⵊ": "j",
    "ⵍ": "l",
    "ⵎ": "m",
    "ⵏ": "n",
    "ⵓ": "ou",
    "ⵔ": "r",
    "ⵕ": "r",
    "ⵖ": "gh",
    "ⵙ": "s",
    "ⵚ": "s",
    "ⵛ": "ch",
    "ⵜ": "t",
    "ⵟ": "t",
    "ⵡ": "w",
    "ⵢ": "y",
    "ⵣ": "z",
    "ⵥ": "z",
}
_TIFINAGH_RE = re.compile("[\u2d30-\u2d7f]")


def _render(codes: list[str], marker: bool, reduced: bool) -> str:
    """Turn a code sequence into a key: drop vowels and glottals, collapse doubles."""
    out: list[str] = [_MARKER] if marker else []
    blocked = True  # True when the previous kept letter is separated by a vowel
    for index, code in enumerate(codes):
        if code == _GLOTTAL:
            continue
        if code == _VOWEL or (reduced and code in "wy" and (index > 0 or marker)):
            blocked = True
            continue
        if out and out[-1] == code and not blocked:
            continue
        out.append(code)
        blocked = False
    return "".join(out)


def _keys(codes: list[str], marker: bool) -> list[str]:
    full = _render(codes, marker, reduced=False)
    reduced = _render(codes, marker, reduced=True)
    return [full] if reduced == full else [full, reduced]


def _arabic_codes(word: str) -> list[str]:
    codes = [_ARABIC_CODES.get(ch, "") for ch in word]
    if len(word) > 2 and word[-1] in _FINAL_HEH:
        codes[-1] = _VOWEL
    return [code for code in codes if code]


def _arabic_word_keys(word: str) -> list[str]:
    codes = _arabic_codes(word)
    if not codes:
        return []
    return _keys(codes, marker=codes[0] in (_VOWEL, _GLOTTAL))


def _arabic_skeletons(token: str) -> list[str]:
    word = strip_tashkeel(token)
    if word in ARABIC_STOPWORDS or word in _GENERIC_ARABIC:
        return []
    variants = [word]
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            rest = word[len(article) :]
            variants = [rest, "ال" + rest]
            break
    if _render(_arabic_codes(variants[0]), marker=False, reduced=False) in _GENERIC_KEYS:
        return []
    keys: list[str] = []
    for variant in variants:
        keys.extend(_arabic_word_keys(variant))
    return keys


def _latin_codes(word: str, arabizi: bool) -> list[str]:
    codes: list[str] = []
    i, n = 0, len(word)
    while i < n:
        pair = word[i : i + 2]
        if pair in _DIGRAPHS:
            codes.append(_DIGRAPHS[pair])
            i += 2
            continue
        ch = word[i]
        if ch == "c":
            codes.append("s" if word[i + 1 : i + 2] in ("e", "i", "y") else "k")
        elif ch in _LATIN_CODES:
            codes.append(_LATIN_CODES[ch])
        elif arabizi and ch in _ARABIZI_DIGIT_CODES:
            codes.append(_ARABIZI_DIGIT_CODES[ch])
        i += 1
    return codes


def _latin_word_keys(word: str, arabizi: bool) -> list[str]:
    codes = _latin_codes(word, arabizi)
    if not codes:
        return []
    first = word[0]
    if word.startswith("ou"):
        if word[2:3] in _LATIN_VOWELS:  # "Oued", "Ouarzazate": a consonant w
            return _keys(codes, marker=False)
        # "Oussama" (أسامة) or "Oujda" (وجدة): both readings
        return _keys(codes, marker=True) + _keys(codes, marker=False)
    marker = first in _LATIN_VOWELS or codes[0] == _GLOTTAL or first == "ɛ"
    return _keys(codes, marker)


def _latin_skeletons(token: str, arabizi: bool = False) -> list[str]:
    word = strip_elision(token.casefold().replace("ç", "s"))
    word = fold_accents(word).replace("'", "")
    if not word or word in LATIN_STOPWORDS or word in _GENERIC_LATIN or word.isdigit():
        return []
    arabizi = arabizi or is_arabizi(word)
    variants = [word]
    match = (
        _LATIN_ASSIMILATED_ARTICLE_RE.match(word)
        or _LATIN_GLUED_ARTICLE_RE.match(word)
        or _LATIN_SHORT_ARTICLE_RE.match(word)
    )
    if match:
        variants = [word[match.end() :], word]
    if _render(_latin_codes(variants[0], arabizi), marker=False, reduced=False) in _GENERIC_KEYS:
        return []
    # the construct state of ة written out ("kafalat l yatim", "madrasat"): also without the t
    if len(variants[0]) >= 6 and variants[0].endswith("at"):
        variants = [*variants, *(v[:-1] for v in variants)]
    keys: list[str] = []
    for variant in variants:
        keys.extend(_latin_word_keys(variant, arabizi))
    return keys


@lru_cache(maxsize=65536)
def is_domain_word(token: str) -> bool:
    """True for the generic word of the domain in any script or spelling: جمعية, الجمعيات,
    "association", "asso", "amicale", "jam3ia", "jam3iya", "jamia", "jam3iat", "jem3iya"...

    These words have no skeleton key (they would match every name); the full-text analyzer
    turns them into one shared term so they still match as words.

    >>> is_domain_word("jam3iyat"), is_domain_word("Associations"), is_domain_word("jamal")
    (True, True, False)
    """
    if is_arabic_token(token):
        word = strip_tashkeel(token)
        for article in _ARABIC_ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= 2:
                word = word[len(article) :]
                break
        return _render(_arabic_codes(word), marker=False, reduced=False) in _GENERIC_KEYS
    word = fold_accents(strip_elision(token.casefold())).replace("'", "")
    if word in _GENERIC_LATIN:
        return True
    # "jami3" is a mosque (جامع), not an association
    if not word.startswith(("j", "dj")) or word.endswith("3"):
        return False
    match = _LATIN_ASSIMILATED_ARTICLE_RE.match(word) or _LATIN_GLUED_ARTICLE_RE.match(word)
    if match:
        word = word[match.end() :]
    codes = _latin_codes(word, arabizi=True)
    return _render(codes, marker=False, reduced=False) in _GENERIC_KEYS


@lru_cache(maxsize=65536)
def token_skeletons(token: str) -> tuple[str, ...]:
    """Return the skeleton keys of one raw token (see the module docstring), deduplicated.

    >>> token_skeletons("الأمل"), token_skeletons("Annour")
    (('aml', 'alml'), ('nwr', 'anwr', 'anr'))
    """
    if is_arabic_token(token):
        keys = _arabic_skeletons(token)
    elif _TIFINAGH_RE.search(token):
        keys = _latin_skeletons("".join(_TIFINAGH.get(ch, ch) for ch in token), arabizi=True)
    else:
        keys = _latin_skeletons(token)
    return tuple(dict.fromkeys(k for k in keys if len(k) >= MIN_KEY_LENGTH))


def skeleton_tokens(text: str) -> list[str]:
    """Return the cross-script skeleton keys of a name or title, in order, deduplicated.

    Index them in their own field; a query matches a name when they share a key.

    >>> skeleton_tokens("جمعية الأمل"), skeleton_tokens("jam3iat al amal")
    (['aml', 'alml'], ['aml'])
    """
    keys: dict[str, None] = {}
    for token in tokenize(text):
        for key in token_skeletons(token):
            keys[key] = None
    return list(keys)
