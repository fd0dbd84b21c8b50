"""Tests of the search text analysis (app.search.analysis), independent of the Flask app.

The core is three tables: pairs a query must find (full text or name skeleton), pairs it
must not, and conflations or gaps we accept knowingly, asserted so a change is noticed.
"""

from __future__ import annotations

import pickle
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import Stemmer  # type: ignore[import-not-found, unused-ignore]

from app.search.analysis import (
    MAX_QUERY_TOKENS,
    analyze,
    analyze_query,
    analyze_token,
    fuzzy_distance_for,
    is_arabizi,
    light_stem_arabic,
    normalize_arabic,
    skeleton_tokens,
    tokenize,
)
from app.search.latin import fold_accents, french_stem

TASHKEEL = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"


def text_matches(query: str, document: str) -> bool:
    """Every term of the query is a term of the document (AND semantics)."""
    terms = analyze_query(query)
    return bool(terms) and set(terms) <= set(analyze(document))


def text_overlaps(query: str, document: str) -> bool:
    return bool(set(analyze_query(query)) & set(analyze(document)))


def name_matches(query: str, name: str) -> bool:
    return bool(set(skeleton_tokens(query)) & set(skeleton_tokens(name)))


# --------------------------------------------------------------------------------------
# Pairs that must match
# --------------------------------------------------------------------------------------

TEXT_MATCHES = [
    # Arabic: plural, article, informal taa marbuta, shadda, tatweel, presentation forms
    ("جمعيات", "جمعية"),
    ("الجمعية", "جمعية"),
    ("جمعيه", "جمعية"),
    ("جمعيّة", "جمعية"),
    ("الجمعيّة", "جمعية"),
    ("جمعية", "الجَمْعِيَّاتُ"),
    ("الـجـمـعـيـة", "جمعية"),
    ("ﺍﻟﺠﻤﻌﻴﺔ", "جمعية"),
    ("الرياضة", "رياضه"),
    ("رياضي", "الرياضة"),
    ("رياضية", "نادي الرياضة"),
    ("بالمدرسة", "مدرسة"),
    ("مدرسة", "بالمدرسة"),
    ("والتنمية", "التنمية"),
    ("للتنمية", "جمعية التنمية"),
    ("الأطفال", "اطفال"),
    ("إعاقة", "الاعاقة"),
    ("المرأة", "مرأة"),
    ("معلمون", "معلمين"),
    ("مكتبات", "مكتبة"),
    ("تعاونيات", "التعاونية"),
    ("مغربية", "المغرب"),
    ("الأولى", "الاولي"),
    ("ݣلميم", "كلميم"),
    ("ڭلميم", "كلميم"),
    ("٢٠٢٤", "2024"),
    # French: stemming, elision, accents, case
    ("educatif", "Éducation"),
    ("éducative", "education"),
    ("l'école", "ecoles"),
    ("L’École", "écoles"),
    ("femmes", "femme"),
    ("femme", "Femmes rurales"),
    ("handicapés", "handicap"),
    ("handicapées", "Handicapé"),
    ("ENFANTS", "enfant"),
    ("d'enfants", "enfants"),
    ("jeunes", "jeune"),
    ("associations", "association"),
    ("culturelle", "culturel"),
    ("développement", "developpement"),
    ("œuvre", "oeuvres"),
    # accents omitted by the user still meet accented documents
    ("activites", "activités"),
    ("securite", "Sécurité routière"),
    ("lycee", "lycées"),
    ("routiere", "Sécurité routière"),
    ("aujourd’hui", "aujourd'hui"),
    # Arabizi: lowercased, never stemmed, digits kept
    ("Jam3ia", "jam3ia"),
    ("7OUMA", "7ouma"),
    ("3lach", "3LACH"),
    # mixed scripts in one document
    ("الأمل", "Association Al Amal - جمعية الأمل"),
    ("amal", "Association Al Amal - جمعية الأمل"),
]

NAME_MATCHES = [
    # the examples
    ("jam3iat al amal", "جمعية الأمل"),
    ("Association Al Amal", "جمعية الأمل"),
    ("al amal", "جمعية الأمل"),
    ("Amal", "جمعية الأمل"),
    ("El Amal", "جمعية الأمل"),
    ("Elamal", "جمعية الأمل"),
    ("Al-Amal", "جمعية الأمل"),
    ("l'amal", "جمعية الأمل"),
    ("amel", "الأمل"),
    ("jamiat al amal", "جمعية الأمل"),
    ("النور", "Association Annour"),
    ("النور", "Ennour"),
    ("النور", "An-Nour"),
    ("النور", "Nour"),
    ("النور", "Noor"),
    ("Annour", "Ennour"),
    # article assimilated or glued
    ("Attadamoun", "جمعية التضامن"),
    ("Essaouira", "الصويرة"),
    ("Alami", "العلمي"),
    ("Chabab", "الشباب"),
    ("El Jadida", "الجديدة"),
    ("Kenitra", "القنيطرة"),
    ("Ezzahra", "الزهراء"),
    # consonants across scripts
    ("Marrakech", "مراكش"),
    ("Mohammed", "محمد"),
    ("Mohamed", "محمد"),
    ("Hassan", "حسن"),
    ("Youssef", "يوسف"),
    ("Khadija", "خديجة"),
    ("Guelmim", "ݣلميم"),
    ("Guelmim", "كلميم"),
    ("Ouarzazate", "ورزازات"),
    ("Aicha", "عائشة"),
    # long vowels written or not (the reduced key)
    ("Fatima", "فاطمة"),
    ("Oussama", "أسامة"),
    ("Oujda", "وجدة"),
    ("Imane", "إيمان"),
    ("Ibrahim", "إبراهيم"),
    # Arabizi digits
    ("3lach", "علاش"),
    ("7ouma", "حومة"),
    ("jam3iat 7ouma", "جمعية الحومة"),
    ("9raya", "قراية"),
    ("5adija", "خديجة"),
    # Tifinagh
    ("ⵜⴰⵎⵓⵔⵜ", "Tamourt"),
    ("ⵜⴰⵎⵓⵔⵜ", "تامورت"),
]


@pytest.mark.parametrize(("query", "document"), TEXT_MATCHES)
def test_text_query_finds_document(query: str, document: str) -> None:
    assert text_matches(query, document), (analyze_query(query), analyze(document))


@pytest.mark.parametrize(("query", "name"), NAME_MATCHES)
def test_name_query_finds_name_through_skeleton(query: str, name: str) -> None:
    assert name_matches(query, name), (skeleton_tokens(query), skeleton_tokens(name))


@pytest.mark.parametrize(("query", "name"), NAME_MATCHES)
def test_name_matching_is_symmetric(query: str, name: str) -> None:
    assert name_matches(name, query)


# --------------------------------------------------------------------------------------
# Pairs that must not match
# --------------------------------------------------------------------------------------

TEXT_NON_MATCHES = [
    ("سيارات", "سير"),  # a root stemmer (ISRI) would conflate cars and walking
    ("سيارة", "مسيرة"),
    ("مدرسة", "مدير"),
    ("مدرسة", "مدارس"),  # broken plural: a light stemmer cannot join them (see below)
    ("sport", "santé"),
    ("femme", "ferme"),
    ("amal", "jamal"),
    ("éducation", "école"),
    # alone, the generic word lists everything (test_domain_word_alone_lists_everything)
    ("jam3ia sa7a", "jamaa"),
    ("9raya", "9rai"),  # Arabizi is not French-stemmed
    ("لعب", "كتاب"),
]

NAME_NON_MATCHES = [
    ("amal", "jamal"),
    ("Amal", "كمال"),
    ("Kamal", "جمال"),
    ("Annour", "النهضة"),
    ("salam", "islam"),
    ("Mohammed", "أحمد"),
    ("Rachid", "Rabat"),
    ("Karim", "Kamal"),
    ("Association Annour", "جمعية الأمل"),
    ("jam3iat al amal", "جمعية النور"),
    ("Youssef", "يونس"),
]


@pytest.mark.parametrize(("query", "document"), TEXT_NON_MATCHES)
def test_text_query_does_not_find_unrelated(query: str, document: str) -> None:
    assert not text_overlaps(query, document), (analyze_query(query), analyze(document))


@pytest.mark.parametrize(("query", "name"), NAME_NON_MATCHES)
def test_name_query_does_not_find_unrelated(query: str, name: str) -> None:
    assert not name_matches(query, name), (skeleton_tokens(query), skeleton_tokens(name))


def test_generic_words_alone_match_nothing() -> None:
    # "Association X" must not meet "جمعية Y" through the generic word.
    for generic in ("association", "Associations", "jam3ia", "jam3iat", "jamiat", "jamiya"):
        assert skeleton_tokens(generic) == []
    for generic in ("جمعية", "الجمعية", "جمعيات", "الجمعيات", "جمعيه"):
        assert skeleton_tokens(generic) == []


# --------------------------------------------------------------------------------------
# Accepted conflations and known gaps, asserted so that any change is deliberate
# --------------------------------------------------------------------------------------


def test_accepted_conflations() -> None:
    # Nour/Noura: Snowball French ("noura" -> "nour") and the skeleton (nwr) both join them.
    assert text_matches("nour", "noura")
    assert name_matches("Nour", "نورة")
    # Hassan/Hussein share the reduced key "hsn" (the price of matching Fatima/فاطمة).
    assert name_matches("Hassan", "حسين")
    # Light stemming joins جمعة (Friday, or the name Jomaa) with جمعية.
    assert analyze("جمعة") == analyze("جمعية") == ["جمع"]


def test_known_gaps() -> None:
    # Broken plurals need a root or dictionary stemmer.
    assert not text_overlaps("مدارس", "مدرسة")
    # Compound names written as one Latin word vs two Arabic words.
    assert not name_matches("Abdellah", "عبد الله")
    # Exonyms are not transliterations.
    assert not name_matches("Tanger", "طنجة")


# --------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------


def test_plain_w_regex_splits_arabic_words_with_diacritics() -> None:
    # The bug the tokenizer exists for.
    assert re.findall(r"\w+", "الجمعيّة") != ["الجمعيّة"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("الجمعيّة", ["الجمعيّة"]),
        ("جَمْعِيَّةُ الأَمَلِ", ["جَمْعِيَّةُ", "الأَمَلِ"]),
        ("هٰذا كتابٌ", ["هٰذا", "كتابٌ"]),
        ("الـجـمـعـيـة", ["الـجـمـعـيـة"]),
        ("jam3ia 3lach 7ouma", ["jam3ia", "3lach", "7ouma"]),
        ("l’école", ["l'école"]),
        ("l‘école d`art", ["l'école", "d'art"]),
        ("aujourd'hui", ["aujourd'hui"]),
        ("'quoted'", ["quoted"]),
        ("Al-Amal, an_nour!", ["Al", "Amal", "an", "nour"]),
        ("الأملAmal", ["الأمل", "Amal"]),
        ("Amalالأمل", ["Amal", "الأمل"]),
        ("سنة ٢٠٢٤ و۲۰۲۵", ["سنة", "2024", "و", "2025"]),
        ("\u200fجمعية\u200f النور", ["جمعية", "النور"]),
        ("ج\u200cمعية", ["جمعية"]),
        ("", []),
        ("!!! ... ؟،؛", []),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_mixed_token_with_arabic_digits_splits_by_script() -> None:
    # Digits glued to Arabic letters become their own token, Arabizi keeps them.
    assert tokenize("مدرسة2") == ["مدرسة", "2"]


# --------------------------------------------------------------------------------------
# Arabic normalisation and light stemming
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("أمل", "امل"),
        ("إسلام", "اسلام"),
        ("آمال", "امال"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("جمعية", "جمعيه"),
        ("جَمْعِيَّةٌ", "جمعيه"),
        ("كتابًا", "كتابا"),
        ("هٰذا", "هذا"),
        ("جـمـيـل", "جميل"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("ﻻ", "لا"),
        ("ݣلميم ڭلميم گلميم", "كلميم كلميم كلميم"),
        ("فیلم", "فيلم"),
        ("École jam3ia", "École jam3ia"),
    ],
)
def test_normalize_arabic(raw: str, normalized: str) -> None:
    assert normalize_arabic(raw) == normalized


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("الجمعيه", "جمع"),
        ("جمعيات", "جمع"),
        ("والكتاب", "كتاب"),
        ("بالمدرسه", "مدرس"),
        ("كالبحر", "بحر"),
        ("فالعمل", "عمل"),
        ("للتنميه", "تنم"),
        ("وكتب", "كتب"),
        ("سيارات", "سيار"),
        ("معلمون", "معلم"),
        ("معلمين", "معلم"),
        ("كتابها", "كتاب"),
        ("كتابان", "كتاب"),
        ("رياضي", "رياض"),
        # minimum lengths, as in Lucene
        ("بها", "بها"),  # ها needs two letters left
        ("ولد", "ولد"),  # lone و needs a word of four letters
        ("ال", "ال"),
        ("الم", "الم"),  # ال needs two letters left
        ("الدب", "دب"),
        ("امل", "امل"),
    ],
)
def test_light_stem_arabic(word: str, stem: str) -> None:
    assert light_stem_arabic(word) == stem


def test_light_stem_is_not_a_root_stemmer() -> None:
    assert light_stem_arabic(normalize_arabic("سيارات")) != "سير"


def test_arabic_stopwords_keep_names() -> None:
    assert analyze("على") == []  # the preposition
    assert analyze("علي") == ["عل"]  # the name Ali
    assert analyze("في من إلى عن هذا و") == []
    assert analyze("بن ابن أبو أم آل") != []


# --------------------------------------------------------------------------------------
# Latin: elision, stemming then folding, Arabizi
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("l'école", ["ecol"]),
        ("d'enfants", ["enfant"]),
        ("qu'il", []),
        ("jusqu'à", []),
        ("lorsqu'enfin", ["enfin"]),
        ("s'entraider", analyze("entraider")),
        ("L’ÉCOLE", ["ecol"]),
    ],
)
def test_elision(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


def test_accents_are_folded_after_stemming() -> None:
    raw = Stemmer.Stemmer("french")
    # Snowball needs the accents: the raw stems carry them, and our terms are folded.
    assert raw.stemWord("éducatif") == raw.stemWord("éducation") == "éduc"
    assert analyze("éducatif éducation") == ["educ", "educ"]
    # Folding before stemming would lose the "-ité" rule.
    assert raw.stemWord(fold_accents("activités")) == "activit"
    assert analyze("activités") == ["activ"]
    assert french_stem("sécurité") == "secur"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("jam3ia", True),
        ("3lach", True),
        ("7ouma", True),
        ("m3a", True),
        ("5ir", True),
        ("9raya", True),
        ("b8it", True),
        ("2ahlan", True),
        ("amal", False),
        ("2024", False),
        ("covid", False),
        ("a1", False),
        ("جمعية", False),
        ("", False),
    ],
)
def test_is_arabizi(token: str, expected: bool) -> None:
    assert is_arabizi(token) is expected


def test_arabizi_is_lowercased_not_stemmed() -> None:
    raw = Stemmer.Stemmer("french")
    for word in ("9raya", "7oumates", "m3ana"):
        assert raw.stemWord(word) != word  # Snowball would cut it
        assert analyze(word.upper()) == [word]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("de la femme et des enfants", ["femm", "enfant"]),
        ("à où", []),
        # the domain's generic word: one term in every script (see test_domain_words)
        ("Association Al Amal", ["جمع", "amal"]),
        ("the union of", ["union"]),
        # name parts are not stopwords
        ("Ben Ait Sidi Moulay Lalla Oum", ["ben", "ait", "sid", "moulay", "lall", "oum"]),
    ],
)
def test_latin_stopwords(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


@pytest.mark.parametrize(
    "word",
    [
        "jam3ia",
        "Jam3iya",
        "jamia",
        "jam3iat",
        "jem3iya",
        "djam3iya",
        "jmi3a",
        "jam3iyat",
        "association",
        "Associations",
        "asso",
        "جمعية",
        "الجمعيات",
        "الجمعيّة",
        "جمعيات",
    ],
)
def test_domain_words_share_one_term(word: str) -> None:
    assert analyze(word) == analyze("جمعية")


@pytest.mark.parametrize("word", ["jamal", "Jamila", "jami3", "jam3a", "جميل", "جماعة", "jamaa"])
def test_other_words_are_not_domain_words(word: str) -> None:
    assert analyze(word) != analyze("جمعية")


# --------------------------------------------------------------------------------------
# Query robustness, output shape, helpers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "!!!",
        "?!.,;:()[]{}<>«»“”—–-_/\\|@#$%^&*+=~",
        "؟،؛",
        "ّ َ ُ ِ ً ٌ ٍ ْ ٰ",
        "\u0640\u0640\u0640",
        "\u200f\u200e\u200b\u200c\ufeff",
        "'''",
        "\x00\x01\x02",
        "\ud800abc\udfff",  # lone surrogates (not encodable): dropped
    ],
)
def test_junk_queries_give_no_terms_or_few(junk: str) -> None:
    terms = analyze_query(junk)
    assert terms in ([], ["abc"])


def test_none_query() -> None:
    assert analyze_query(None) == []


@pytest.mark.parametrize(
    "huge",
    [
        "جمعية الأمل للتنمية " * 600,
        " ".join(f"mot{i}x" for i in range(2000)),
        "a" * 10_000,
        "ّ" * 10_000,
        "é" * 10_000,
        "l'" * 5_000,
    ],
)
def test_huge_queries_are_bounded(huge: str) -> None:
    assert len(huge) >= 10_000
    start = time.perf_counter()
    terms = analyze_query(huge)
    assert time.perf_counter() - start < 1.0
    assert len(terms) <= MAX_QUERY_TOKENS
    assert len(terms) == len(set(terms))


def test_analyze_query_equals_analyze_for_normal_queries() -> None:
    for query in ("جمعيات الرياضة", "l'éducation des femmes", "jam3iat 7ouma"):
        assert analyze_query(query) == analyze(query)


_TERM_RE = re.compile(r"^[^\W_]+$")


@pytest.mark.parametrize(
    "text",
    [
        "Association L'Avenir d'Ouarzazate — جمعية المستقبل لِوَرْزازات (jam3iat l'mosta9bal)",
        "aujourd’hui, l’œuvre «sociale» des femmes-rurales : 100 % bénévole !",
        "ﺍﻟﺠﻤﻌﻴﺔ ٱلْمَغْرِبِيَّة ⵜⴰⵎⵓⵔⵜ",
    ],
)
def test_terms_are_letters_and_digits_only(text: str) -> None:
    terms = analyze(text)
    assert terms
    for term in terms:
        assert _TERM_RE.match(term), term
        assert not set(term) & set(TASHKEEL)


def test_skeleton_keys_are_short_ascii_and_long_enough() -> None:
    for text in ("جمعية الأمل", "Association Annour", "jam3iat 7ouma", "ⵜⴰⵎⵓⵔⵜ", "a b ab"):
        for key in skeleton_tokens(text):
            assert key.isascii() and key.isalpha() and key.islower()
            assert len(key) >= 3


def test_skeleton_ignores_short_keys() -> None:
    assert skeleton_tokens("Fès ab el") == []


@pytest.mark.parametrize(
    ("token", "distance"),
    [
        ("", 0),
        ("amal", 0),
        ("جمع", 0),
        ("femm", 0),
        ("ecole", 1),
        ("jam3ia", 1),
        ("associ", 1),
        ("handicap", 1),
        ("developpe", 2),
        ("citoyennet", 2),
        ("20242024", 0),
        ("123456789012", 0),
    ],
)
def test_fuzzy_distance_for(token: str, distance: int) -> None:
    assert fuzzy_distance_for(token) == distance


def test_analyze_token_none_for_stopwords() -> None:
    assert analyze_token("les") is None
    assert analyze_token("في") is None
    assert analyze_token("ّ") is None
    assert analyze_token("Femmes") == "femm"


def test_public_functions_pickle_by_reference() -> None:
    # Whoosh pickles its schema, analyzers included.
    for func in (analyze, analyze_query, analyze_token, tokenize, skeleton_tokens):
        assert pickle.loads(pickle.dumps(func)) is func  # noqa: S301 - our own bytes


def test_thread_safe() -> None:
    texts = [f"Association des femmes n°{i} d'éducation — جمعيات {i} jam3iat" for i in range(400)]
    expected = [analyze(text) for text in texts]
    analyze_token.cache_clear()
    french_stem.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(analyze, texts * 4))
    assert results == expected * 4


def test_public_api_reexported_from_package() -> None:
    import app.search as search

    for name in (
        "tokenize",
        "analyze",
        "analyze_query",
        "skeleton_tokens",
        "normalize_arabic",
        "light_stem_arabic",
        "is_arabizi",
        "fuzzy_distance_for",
    ):
        assert callable(getattr(search, name))


def test_docstring_examples() -> None:
    import doctest

    from app.search import analysis, arabic, latin, skeleton, tokenizer

    for module in (analysis, arabic, latin, skeleton, tokenizer):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__
