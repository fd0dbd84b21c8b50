"""The Whoosh analyzers of the search fields, and the codec of the segments.

Whoosh pickles a field's type and analyzer and a segment's codec in the index's table of
contents by their import path: an index opened later finds the classes at that path. Indexes
written before the backends package existed name :mod:`app.search.whoosh_backend`, which
re-exports these classes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import FieldType
from whoosh.formats import Existence

from app.search.analysis import analyze, skeleton_tokens
from app.search.query import spelling_words


class _TermsTokenizer(Tokenizer):
    """Yields the terms of ``self.terms(value)`` as Whoosh tokens."""

    def terms(self, value: str) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = self.terms(value) if tokenize else [value]
        for pos, term in enumerate(terms, start_pos):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token


class TextAnalyzer(_TermsTokenizer):
    """Full text: :func:`app.search.analysis.analyze` (normalise, stem, stopwords)."""

    def terms(self, value: str) -> list[str]:
        return analyze(value)


class SkeletonAnalyzer(_TermsTokenizer):
    """Every text, name and title field's cross-script skeleton keys (``<field>__sk``)."""

    def terms(self, value: str) -> list[str]:
        return skeleton_tokens(value)


class SpellingAnalyzer(_TermsTokenizer):
    """Names' words, unstemmed, for did-you-mean."""

    def terms(self, value: str) -> list[str]:
        return spelling_words(value)


class TermsField(FieldType):
    """A field that records which documents hold each of its analyzer's terms, nothing more.

    Relevance is ours (:mod:`app.search.backends.scoring`: field boost x idf over the
    matching documents' bitsets), so a posting needs no frequency or position and a document
    no field length (Whoosh's ``TEXT`` stored both), and the terms go to the writer as they
    are, without Whoosh's per-token objects."""

    def __init__(self, analyzer: _TermsTokenizer, field_boost: float = 1.0) -> None:
        super().__init__(Existence(field_boost=field_boost), analyzer, scorable=False)

    def index(self, value: str, **_kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        terms = dict.fromkeys(self.analyzer.terms(value))
        return [(term.encode("utf-8"), 1, boost, b"") for term in terms]


class TermsCodec(W3Codec):
    """Whoosh's codec without the field-length statistics of posting blocks (BM25's block
    bounds, unused: relevance is ours): gathering them read every posting's field length back
    while writing a segment, a third of an index build."""

    length_stats = False


__all__ = ["SkeletonAnalyzer", "SpellingAnalyzer", "TermsCodec", "TermsField", "TextAnalyzer"]
