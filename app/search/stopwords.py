"""Small stopword lists for the full-text field.

Kept deliberately short. Words that are also parts of names stay searchable: بن ابن أبو
أم آل (son of, father of, mother of, family of), "ben", "ait", "sidi", "moulay", "lalla",
"oum". Arabic stopwords are matched after removing tashkeel and unifying alef variants but
*before* ى -> ي, because على (on) is a stopword while علي (the name Ali) is not. Latin
stopwords are matched lowercased with and without accents ("à" and "a", "où" and "ou").
"""

from __future__ import annotations

__all__ = ["ARABIC_STOPWORDS", "LATIN_STOPWORDS"]

#: French articles, prepositions, conjunctions and pronouns, a few English function
#: words, and the transliterated Arabic article ("al amal", "el jadida").
# fmt: off
LATIN_STOPWORDS: frozenset[str] = frozenset({
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du",
    "elle", "en", "est", "et", "il", "ils", "l", "la", "le", "les", "leur", "leurs", "ne",
    "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sont",
    "sur", "un", "une",
    "al", "el",
    "the", "of", "and",
})
# fmt: on

#: Arabic prepositions, conjunctions, particles and demonstratives, written with alef
#: variants already unified (إلى as الى) and with ى/ة as they are spelled.
# fmt: off
ARABIC_STOPWORDS: frozenset[str] = frozenset({
    "في", "من", "الى", "عن", "على", "مع", "و", "او", "ثم", "حتى", "لدى",
    "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "التي", "الذي", "الذين",
    "ان", "قد", "لا", "لم", "لن", "ما", "ماذا", "هل", "كما",
    "هو", "هي", "هم",
})
# fmt: on
