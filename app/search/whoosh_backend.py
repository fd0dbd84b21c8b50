"""Compatibility: indexes written before :mod:`app.search.backends` existed pickle their
analyzers as ``app.search.whoosh_backend.<class>``; Whoosh finds them here when it opens
such an index. New code imports :mod:`app.search.backends.whoosh_analyzers`."""

from app.search.backends.whoosh_analyzers import SkeletonAnalyzer, SpellingAnalyzer, TextAnalyzer

__all__ = ["SkeletonAnalyzer", "SpellingAnalyzer", "TextAnalyzer"]
