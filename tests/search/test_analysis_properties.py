"""Property tests (hypothesis) of the search text analysis: it never fails and its outputs
keep the shape backends rely on, whatever the input."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.search.analysis import (
    MAX_QUERY_TOKENS,
    analyze,
    analyze_query,
    normalize_arabic,
    skeleton_tokens,
    tokenize,
)

ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٱیکگڭݣڤپچژ"
TASHKEEL = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
TATWEEL = "\u0640"
LATIN = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæABCDEFGHIJKLMNOPQRSTUVWXYZÉÈÀÇŒ"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲"
PUNCTUATION = " \t\n'’‘`-_.,;:!?؟،؛«»()\"/\\@#%&*+=\u200c\u200d\u200e\u200f\ufeff"
TIFINAGH = "ⴰⴱⴳⴷⴹⴻⴼⴽⵀⵃⵄⵅⵇⵉⵊⵍⵎⵏⵓⵔⵕⵖⵙⵚⵛⵜⵟⵡⵢⵣⵥⵯ"

# Text that looks like what users type (mixed scripts, marks, digits, punctuation)...
mixed_text = st.text(
    alphabet=st.sampled_from(
        ARABIC_LETTERS
        + TASHKEEL
        + TATWEEL
        + LATIN
        + DIGITS
        + PUNCTUATION
        + TIFINAGH
        + "\u0653\u0654\u0655\u0301\u0308"  # marks that compose or block composition
    ),
    max_size=200,
)
# ...and anything at all.
any_text = st.one_of(mixed_text, st.text(max_size=200))

TERM_RE = re.compile(r"^[^\W_]+$")
FORBIDDEN_IN_TERMS = set(TASHKEEL + TATWEEL + "أإآٱىة'")


@settings(max_examples=300)
@given(any_text)
@example("\u034f")  # a combining grapheme joiner alone was a term (found by this test in CI)
@example("jam\u034f3ia")
def test_analyze_never_raises_and_terms_are_clean(text: str) -> None:
    for term in analyze(text):
        assert term
        assert TERM_RE.match(term), repr(term)
        assert not set(term) & FORBIDDEN_IN_TERMS, repr(term)


@settings(max_examples=300)
@given(any_text)
def test_analyze_query_never_raises_and_is_bounded(text: str) -> None:
    terms = analyze_query(text)
    assert len(terms) <= MAX_QUERY_TOKENS
    assert len(terms) == len(set(terms))
    assert set(terms) <= set(analyze(text))


@settings(max_examples=20, deadline=None)
@given(mixed_text.filter(bool))
def test_analyze_query_bounded_on_long_input(sample: str) -> None:
    text = (sample * (10_000 // len(sample) + 1))[:12_000]
    assert len(analyze_query(text)) <= MAX_QUERY_TOKENS


@settings(max_examples=300)
@given(any_text)
@example("e\u0654\u0301")  # a removed mark used to block the composition of é
def test_normalize_arabic_is_idempotent_and_strips_marks(text: str) -> None:
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once
    assert not set(once) & (set(TASHKEEL + TATWEEL) | set("أإآٱىة"))


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ARABIC_LETTERS),
            st.text(alphabet=st.sampled_from(TASHKEEL + TATWEEL), max_size=3),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_diacritics_do_not_change_arabic_terms(letters: list[tuple[str, str]]) -> None:
    bare = "".join(letter for letter, _ in letters)
    vocalised = "".join(letter + marks for letter, marks in letters)
    assert len(tokenize(vocalised)) == 1  # one word: the marks do not split it
    assert analyze(vocalised) == analyze(bare)
    assert skeleton_tokens(vocalised) == skeleton_tokens(bare)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz '"), max_size=80))
def test_latin_analysis_ignores_case(text: str) -> None:
    assert analyze(text.upper()) == analyze(text)
    assert skeleton_tokens(text.upper()) == skeleton_tokens(text)


@settings(max_examples=300)
@given(any_text)
@example("\u0670\u200c\u064b")  # a deleted joiner used to leave marks out of order
def test_tokens_have_no_spaces_and_retokenize_to_themselves(text: str) -> None:
    tokens = tokenize(text)
    for token in tokens:
        assert token and not any(ch.isspace() for ch in token)
    assert tokenize(" ".join(tokens)) == tokens


@settings(max_examples=300)
@given(any_text)
def test_skeleton_keys_are_ascii_lowercase_and_long_enough(text: str) -> None:
    keys = skeleton_tokens(text)
    assert len(keys) == len(set(keys))
    for key in keys:
        assert len(key) >= 3
        assert key.isascii() and key.isalpha() and key.islower()
