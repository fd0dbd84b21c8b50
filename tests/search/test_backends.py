"""Both search backends through the framework (enqueue, drain, reindex, search).

Every test here runs on Whoosh; with ``TEST_DATABASE_URL`` (PostgreSQL) the same tests also
run on the PostgreSQL backend, and a generated directory is searched with both backends,
which must answer the same ids, totals, facet counts, distances and suggestions.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import func, select, text

from app.config import Config, ConfigError
from app.db import db
from app.search.backends.postgres import PostgresBackend
from app.search.backends.whoosh import WhooshBackend
from app.search.framework import (
    Backend,
    DocType,
    Document,
    SearchRequest,
    SearchResult,
    drain,
    enqueue,
    register_doc_type,
    reindex,
    search,
    service,
)
from app.search.models import SearchOutbox
from tests.conftest import TEST_DATABASE_URL
from tests.search.test_analysis import (
    NAME_MATCHES,
    NAME_NON_MATCHES,
    TEXT_MATCHES,
    TEXT_NON_MATCHES,
)

BACKENDS = ["whoosh", "postgres"] if TEST_DATABASE_URL else ["whoosh"]


def make_backend(app: Flask, name: str) -> Backend:
    if name == "postgres":
        return PostgresBackend(db.engine)
    return WhooshBackend(app.instance_path)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, app: Flask) -> str:
    """Search ``app`` with the backend of this parameter."""
    service(app).backend = make_backend(app, request.param)
    return str(request.param)


class Store:
    """The documents of the test document types ("notes": text only; "names": a name)."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[int, Document]] = {"notes": {}, "names": {}}

    def load(self, name: str) -> Any:
        def load(_session: Any, ids: Iterable[int]) -> dict[int, Document]:
            return {i: self.docs[name][i] for i in ids if i in self.docs[name]}

        return load

    def put(self, name: str, docs: Iterable[Document]) -> None:
        docs = list(docs)
        for doc in docs:
            self.docs[name][doc.id] = doc
        enqueue(name, [d.id for d in docs])
        db.session.commit()  # drained after the commit

    def remove(self, name: str, ids: Iterable[int]) -> None:
        ids = list(ids)
        for i in ids:
            self.docs[name].pop(i, None)
        enqueue(name, ids)
        db.session.commit()


@pytest.fixture
def store(app: Flask, backend: str) -> Store:
    """The test document types, indexed by the backend of the ``backend`` parameter."""
    return register_test_types(app)


@pytest.fixture
def pg_store(app: Flask) -> Store:
    """The test document types, indexed by the PostgreSQL backend."""
    service(app).backend = make_backend(app, "postgres")
    return register_test_types(app)


def register_test_types(app: Flask) -> Store:
    store = Store()
    register_doc_type(
        app,
        DocType(
            name="notes",
            load=store.load("notes"),
            all_ids=lambda _s: sorted(store.docs["notes"]),
            text_fields={"body": 1.0},
            facets=("kind", "tag"),
            principals=lambda actor: [f"group:{g}" for g in actor],
        ),
    )
    register_doc_type(
        app,
        DocType(
            name="names",
            load=store.load("names"),
            all_ids=lambda _s: sorted(store.docs["names"]),
            name_fields={"name": 4.0},
            text_fields={"body": 1.0},
        ),
    )
    return store


def note(i: int, body: str, **extra: Any) -> Document:
    return Document(id=i, text={"body": body}, sort_name=body.casefold(), **extra)


def named(i: int, name: str, body: str = "") -> Document:
    return Document(id=i, names={"name": name}, text={"body": body}, sort_name=name.casefold())


def find(doc_type: str, q: str = "", actor: Any = None, **options: Any) -> SearchResult:
    options.setdefault("per_page", 500)
    return search(doc_type, SearchRequest(q=q, **options), actor=actor)


# --- the analyzer's pairs, through each backend ----------------------------------------------


def test_text_pairs_through_the_index(store: Store) -> None:
    pairs = TEXT_MATCHES + TEXT_NON_MATCHES
    store.put("notes", [note(i, document) for i, (_q, document) in enumerate(pairs, 1)])
    missed = [
        (q, d)
        for i, (q, d) in enumerate(TEXT_MATCHES, 1)
        if i not in find("notes", q, prefix=False).ids
    ]
    assert missed == []
    wrongly: list[tuple[str, str]] = []
    joined: list[tuple[str, str]] = []
    for i, (q, d) in enumerate(TEXT_NON_MATCHES, len(TEXT_MATCHES) + 1):
        result = find("notes", q, prefix=False)
        if i in result.ids and not result.fuzzy:
            (joined if (q, d) in SKELETON_JOINED else wrongly).append((q, d))
    assert wrongly == []
    # the analyzer keeps them apart, the text's skeleton key joins them (deliberately)
    assert sorted(joined) == sorted(SKELETON_JOINED)


#: pairs of TEXT_NON_MATCHES (different analyzed terms) that a text field's cross-script
#: skeleton key joins: a broken plural (مدرسة/مدارس: mdrs) and two Arabizi spellings
SKELETON_JOINED = {("مدرسة", "مدارس"), ("9raya", "9rai")}


def test_name_pairs_through_the_index(store: Store) -> None:
    pairs = NAME_MATCHES + NAME_NON_MATCHES
    store.put("names", [named(i, name) for i, (_q, name) in enumerate(pairs, 1)])
    missed = [(q, n) for i, (q, n) in enumerate(NAME_MATCHES, 1) if i not in find("names", q).ids]
    assert missed == []
    wrongly: list[tuple[str, str]] = []
    for i, (q, n) in enumerate(NAME_NON_MATCHES, len(NAME_MATCHES) + 1):
        result = find("names", q, prefix=False)
        if i in result.ids and not result.fuzzy:
            wrongly.append((q, n))
    assert wrongly == []


# --- relevance ------------------------------------------------------------------------------


def test_a_name_outranks_a_description_and_rare_words_outrank_common_ones(store: Store) -> None:
    store.put(
        "names",
        [
            named(1, "Association Nour", "Projet amal pour les enfants"),
            named(2, "Association Amal", "Aide aux familles"),
            named(3, "Association Wafa", "Aide aux enfants"),
            named(4, "Association Baraka", "Aide aux enfants du quartier"),
            named(5, "Association Tilila", "Aide aux femmes rurales"),
        ],
    )
    assert find("names", "amal").ids == [2, 1]  # name (boost 4) before description
    store.put("names", [named(6, "Nour Al Amal")])
    # both words in the name before one in the name and one in the description
    assert find("names", "nour amal").ids == [6, 1]


def test_a_text_in_one_script_is_found_in_the_other_under_exact_script_matches(
    store: Store,
) -> None:
    store.put(
        "notes",
        [
            note(1, "دروس التعليم الأولي للأطفال"),
            note(2, "Ta3lim dyal drari f douar"),
            note(3, "Couture et broderie"),
            note(4, "أنشطة الشباب في الحي"),
            note(5, "Dar chabab: ateliers"),
        ],
    )
    # Arabizi finds the Arabic text, after the text written in Arabizi
    assert find("notes", "ta3lim", prefix=False).ids == [2, 1]
    # Arabic finds the Arabizi text, after the Arabic one
    assert find("notes", "التعليم", prefix=False).ids == [1, 2]
    assert find("notes", "chabab", prefix=False).ids == [5, 4]
    assert find("notes", "الشباب", prefix=False).ids == [4, 5]
    assert find("notes", "broderie", prefix=False).ids == [3]
    store.put("names", [named(1, "Association Nour", "التعليم"), named(2, "جمعية التعليم")])
    # a cross-script key in a name outweighs an exact word of a description
    assert find("names", "ta3lim", prefix=False).ids == [2, 1]


def test_exact_words_outrank_prefixes_and_the_last_word_is_a_prefix(store: Store) -> None:
    store.put(
        "notes",
        [note(1, "Activités sportives"), note(2, "Sport pour tous"), note(3, "Couture")],
    )
    # "sport" is a word of 2 and the beginning of "sportiv" in 1
    assert find("notes", "sport").ids == [2, 1]
    assert find("notes", "sport ").ids == [2]  # a space ends the word: no prefix
    assert find("notes", "sport", prefix=False).ids == [2]
    assert find("notes", "activites sport").ids == [1]


def test_typos_match_fuzzily_and_names_suggest_a_spelling(store: Store) -> None:
    store.put(
        "names",
        [
            named(1, "Association Tifawin", "Soutien scolaire"),
            named(2, "Association Environnement Souss", "Plantation d'arbres"),
        ],
    )
    result = find("names", "Tifawim")
    assert result.ids == [1] and result.fuzzy
    assert result.suggestion == "tifawin"
    store.put("notes", [note(1, "Protection de l'environnement")])
    result = find("notes", "enviromnement")
    assert result.ids == [1] and result.fuzzy and result.suggestion is None  # no names
    # a doubled letter is no typo for the text's skeleton key: found in the exact pass
    result = find("notes", "envirronement")
    assert result.ids == [1] and not result.fuzzy
    exact = find("names", "Tifawin")
    assert exact.ids == [1] and not exact.fuzzy and exact.suggestion is None
    nothing = find("names", "zzzzzz")
    assert nothing.ids == [] and nothing.suggestion is None


def test_a_thin_result_suggests_the_spelling_many_more_names_hold(store: Store) -> None:
    store.put(
        "names",
        [
            named(1, "Association Tifawik", "Soutien scolaire"),  # the typo, in one name
            *(named(i, f"Association Tifawin {i}", "Soutien scolaire") for i in range(2, 6)),
            named(6, "Association Environnement Souss", "Plantation d'arbres"),
            named(7, "Club Anwal", "Sport"),
            named(8, "Club Anwar", "Sport"),
        ],
    )
    thin = find("names", "Tifawik")
    assert thin.ids == [1] and not thin.fuzzy and thin.suggestion == "tifawin"
    # the same words around it are kept
    assert find("names", "association tifawik").suggestion == "association tifawin"
    # a thin result without a far more frequent neighbour: no suggestion
    assert find("names", "Environnement").suggestion is None
    assert find("names", "anwal").suggestion is None  # anwar: one name too, no better
    # not thin: the word many names hold is no typo
    many = find("names", "Tifawin")
    assert many.total == 4 and many.suggestion is None
    # empty, as before: the closest word, whatever its frequency
    assert find("names", "Tifawim", prefix=False).suggestion == "tifawin"
    # the thin result of a word only the text holds: the names' closest word
    store.put("names", [named(9, "Association Tanmia", "Tifawinx")])
    assert find("names", "tifawinx").suggestion == "tifawin"


# --- filters, facets, access, order, distance --------------------------------------------------


def test_filters_facets_and_access_values(store: Store) -> None:
    store.put(
        "notes",
        [
            note(1, "atelier couture", facets={"kind": ["event"], "tag": ["women", "craft"]}),
            note(2, "atelier lecture", facets={"kind": ["event"], "tag": ["reading"]}),
            note(3, "atelier football", facets={"kind": ["club"], "tag": ["sport"]}),
            note(
                4,
                "atelier secret",
                facets={"kind": ["event"], "tag": ["craft"]},
                acl=("group:staff",),
            ),
        ],
    )
    result = find("notes", "atelier", facets=("kind", "tag"))
    assert sorted(result.ids) == [1, 2, 3] and result.total == 3
    assert result.facets == {
        "kind": {"event": 2, "club": 1},
        "tag": {"women": 1, "craft": 1, "reading": 1, "sport": 1},
    }
    # each facet's counts apply the other facets' filters, not its own
    result = find("notes", "atelier", facets=("kind", "tag"), filters={"tag": ("craft",)})
    assert result.ids == [1]
    assert result.facets == {
        "kind": {"event": 1},
        "tag": {"women": 1, "craft": 1, "reading": 1, "sport": 1},
    }
    # OR within a facet, AND across facets
    both = find("notes", filters={"tag": ("craft", "sport"), "kind": ("event", "club")})
    assert sorted(both.ids) == [1, 3]
    # the access value opens the hidden document, and its counts
    staff = find("notes", "atelier", actor=["staff"], facets=("tag",))
    assert sorted(staff.ids) == [1, 2, 3, 4] and staff.facets["tag"]["craft"] == 2


def test_orders_pages_and_distances(store: Store) -> None:
    rabat, casa, fes = (34.0209, -6.8416), (33.5731, -7.5898), (34.0331, -5.0003)
    store.put(
        "notes",
        [
            note(1, "Beta atelier", created=300.0, geo=casa),
            note(2, "alpha atelier", created=100.0, geo=fes),
            note(3, "Gamma atelier", created=200.0, geo=rabat),
            note(4, "Delta atelier", created=400.0),
        ],
    )
    assert find("notes", sort="name").ids == [2, 1, 4, 3]
    assert find("notes", sort="newest").ids == [4, 1, 3, 2]
    assert find("notes", sort="name", page=2, per_page=3).ids == [3]
    near = find("notes", sort="distance", near=rabat)
    assert near.ids == [3, 1, 2] and near.total == 3  # only documents with a place
    assert near.distances[3] == 0.0
    assert 80 < near.distances[1] < 95 and 150 < near.distances[2] < 170
    close = find("notes", sort="distance", near=rabat, radius_km=100)
    assert close.ids == [3, 1]
    assert find("notes", "atelier", near=rabat, radius_km=100, sort="name").ids == [1, 3]


def test_the_domain_word_matches_in_every_spelling_and_alone_lists_everything(
    store: Store,
) -> None:
    store.put(
        "names",
        [
            named(1, "جمعية الأمل للتنمية", "santé"),
            named(2, "Association Nour", "santé"),
            named(3, "Jam3iyat Chabab Sa7a"),
            named(4, "Club Tilila", "sport"),
        ],
    )
    for word in ("jam3ia", "jam3iya", "jamia", "jam3iat", "association", "جمعية", "asso"):
        alone = find("names", word, prefix=False)
        assert alone.total == 4, word  # never 0: everything, by the other signals
    # with other words, it matches as a word and ranks by the rest of the query
    assert find("names", "jam3ia amal", prefix=False).ids == [1]
    assert find("names", "jam3iya nour", prefix=False).ids == [2]
    ranked = find("names", "jamia santé", prefix=False).ids
    assert sorted(ranked) == [1, 2]


def test_updates_and_deletions_reach_the_index(store: Store) -> None:
    store.put("notes", [note(1, "jardin potager"), note(2, "jardin public")])
    assert sorted(find("notes", "jardin").ids) == [1, 2]
    store.put("notes", [note(1, "bibliothèque")])
    assert find("notes", "jardin").ids == [2]
    assert find("notes", "bibliotheque").ids == [1]
    store.remove("notes", [2])
    assert find("notes", "jardin").ids == []
    assert service().backend.count(service().doc_types["notes"]) == 1
    assert reindex("notes") == 1
    assert find("notes", "bibliotheque").ids == [1]


def test_junk_queries_find_nothing_and_never_fail(store: Store) -> None:
    store.put("names", [named(1, "Association Amal")])
    for junk in ("'", "\\", "' | !", "a:*", "&&", "(", "'amal':*", "%_", "\x00x", "؟؟"):
        result = find("names", junk)
        assert result.total in (0, 1)


# --- PostgreSQL only ------------------------------------------------------------------------

postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL")


@postgres_only
def test_the_database_chooses_the_backend(app: Flask, tmp_path: Any, database_url: str) -> None:
    from app import create_app

    assert isinstance(service(app).backend, PostgresBackend)
    forced = create_app(
        Config(
            env="testing",
            instance_path=tmp_path / "w",
            database_url=database_url,
            secret_key="s",
            search_backend="whoosh",
        )
    )
    assert isinstance(service(forced).backend, WhooshBackend)
    with forced.app_context():
        db.engine.dispose()


def test_postgres_backend_needs_postgresql(tmp_path: Any) -> None:
    from app import create_app

    with pytest.raises(ConfigError):
        create_app(
            Config(
                env="testing",
                instance_path=tmp_path / "p",
                database_url=f"sqlite:///{tmp_path / 'p.db'}",
                secret_key="s",
                search_backend="postgres",
            )
        )


@postgres_only
def test_a_busy_writer_leaves_the_outbox_to_the_lock_holder(pg_store: Store) -> None:
    store = pg_store
    svc = service()
    pg = svc.backend
    assert isinstance(pg, PostgresBackend)
    pg.lock_timeout_ms = 200
    store.put("notes", [note(1, "premier")])
    holding, release = threading.Event(), threading.Event()

    def slow_batches() -> Iterator[list[Document]]:
        holding.set()  # the rebuild's transaction holds the lock from here on
        assert release.wait(30)
        yield [store.docs["notes"][1]]

    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            pg.rebuild(svc.doc_types["notes"], slow_batches(), lambda _n: None)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert holding.wait(30)
        svc.autodrain = False
        store.docs["notes"][2] = note(2, "second")
        enqueue("notes", [2])
        db.session.commit()
        assert drain() == 0  # IndexBusy: nothing done, the row stays for the holder
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
    finally:
        release.set()
        thread.join(30)
    assert errors == []
    assert find("notes", "premier").ids == [1]
    assert drain() == 1
    assert find("notes", "second").ids == [2]


@postgres_only
def test_the_dictionary_after_writes_equals_a_rebuilt_one(pg_store: Store) -> None:
    store = pg_store
    rng = random.Random(5)
    words = ["amal", "nour", "jardin", "école", "الأمل", "رياضة", "jam3ia", "sport", "femmes"]
    for round_ in range(4):
        docs = [
            named(i, " ".join(rng.sample(words, 2)), " ".join(rng.sample(words, 3)))
            for i in rng.sample(range(1, 40), 15)
        ]
        store.put("names", docs)
        store.remove("names", rng.sample(range(1, 40), 5))
        del round_

    def dictionary() -> list[tuple[str, str, int]]:
        rows = db.session.execute(
            text("SELECT field, term, df FROM search_term WHERE doc_type = 'names' ORDER BY 1, 2")
        )
        return [(r[0], r[1], r[2]) for r in rows]

    incremental = dictionary()
    assert (":documents", "", len(store.docs["names"])) in incremental
    assert all(n > 0 for _f, _t, n in incremental)
    reindex("names")
    db.session.commit()
    assert dictionary() == incremental
    assert service().backend.count(service().doc_types["names"]) == len(store.docs["names"])


@postgres_only
def test_a_rebuild_swaps_in_a_partition_built_in_bulk_and_searches_never_see_it_empty(
    pg_store: Store,
) -> None:
    """A rebuild loads a bare table, indexes it in bulk and swaps it in for the type's
    partition; the partition's indexes are those of ``search_document`` (attached, not
    duplicated), another type's partition is untouched, and a search running beside repeated
    rebuilds always finds every document (it takes its lock before its snapshot)."""
    store = pg_store
    store.put("notes", [note(i, f"jardin partagé {i}") for i in range(1, 31)])
    store.put("names", [named(1, "Amal", "sport")])
    for _round in range(2):
        assert reindex("notes") == 30
    db.session.commit()

    def partitions() -> dict[str, int]:
        rows = db.session.execute(
            text(
                "SELECT c.relname, count(i.inhrelid) FROM pg_inherits p"
                " JOIN pg_class c ON c.oid = p.inhrelid"
                " LEFT JOIN pg_index x ON x.indrelid = c.oid"
                " LEFT JOIN pg_inherits i ON i.inhrelid = x.indexrelid"
                " WHERE p.inhparent = 'search_document'::regclass GROUP BY c.relname"
            )
        ).all()
        db.session.commit()
        return {name: int(n) for name, n in rows}

    # six indexes each (the key and five), every one a partition of the parent's index
    assert partitions() == {"search_document__notes": 6, "search_document__names": 6}
    assert len(find("notes", "jardin").ids) == 30
    assert find("names", "amal").ids == [1]

    errors: list[BaseException] = []
    stop = threading.Event()
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def rebuild_again() -> None:
        with app.app_context():
            try:
                while not stop.is_set():
                    reindex("notes")
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

    thread = threading.Thread(target=rebuild_again)
    thread.start()
    try:
        seen = [len(find("notes", "jardin").ids) for _ in range(60)]
    finally:
        stop.set()
        thread.join(60)
    assert not errors, errors
    assert seen == [30] * 60
    assert set(partitions()) == {"search_document__notes", "search_document__names"}


@postgres_only
def test_both_backends_answer_the_same_on_a_generated_directory(app: Flask) -> None:
    from directory.demo import insert_generated
    from directory.models import Association
    from directory.search import FACETS

    insert_generated(1200, seed=11, index=False)
    svc = service()
    backends = {name: make_backend(app, name) for name in ("whoosh", "postgres")}
    for backend in backends.values():
        svc.backend = backend
        reindex("associations")
    rows = db.session.execute(select(Association.name, Association.description)).all()
    rng = random.Random(3)
    words = sorted({w for name, desc in rows for w in f"{name} {desc}".split() if len(w) > 2})
    cities = db.session.execute(text("SELECT code, lat, lng FROM cities")).all()
    queries: list[SearchRequest] = []
    for n in range(240):
        q = " ".join(rng.sample(words, rng.choice([1, 1, 2, 3])))
        kind = n % 6
        if kind == 1:
            q = q[: max(3, len(q) - 2)]  # typing in progress
        elif kind == 2 and len(q) > 5:
            i = rng.randrange(1, len(q) - 1)
            q = q[:i] + q[i + 1] + q[i] + q[i + 2 :]  # a transposition typo
        request = SearchRequest(q=q, facets=FACETS, per_page=10, page=rng.choice([1, 1, 2]))
        if kind == 3:
            request.filters = {"size": (rng.choice(["small", "medium", "large"]),)}
        if kind == 4:
            _code, lat, lng = rng.choice(cities)
            request.near, request.radius_km, request.sort = (lat, lng), 60.0, "distance"
        if kind == 5:
            request.sort = rng.choice(["name", "newest"])
        queries.append(request)
    # thin results: a word of the names with a letter changed, sometimes a word of one name
    names_words = sorted({w for name, _desc in rows for w in name.split() if len(w) > 4})
    for word in rng.sample(names_words, 20):
        i = rng.randrange(1, len(word) - 1)
        queries.append(SearchRequest(q=word[:i] + "x" + word[i + 1 :], facets=FACETS))
        queries.append(SearchRequest(q=word, facets=FACETS, prefix=False))
    queries += [
        SearchRequest(facets=FACETS),
        SearchRequest(sort="newest", page=3),
        SearchRequest(near=(33.57, -7.59), sort="distance", per_page=30),
    ]
    # two filters (each facet counted over the other filter's scope), words nearly every
    # document holds, near-me within a small radius (the longitude band), past the last page
    fields = [r[0] for r in db.session.execute(text("SELECT code FROM fields")).all()]
    regions = [r[0] for r in db.session.execute(text("SELECT code FROM regions")).all()]
    for n in range(24):
        queries.append(
            SearchRequest(
                q=rng.choice(["", "association", "جمعية", rng.choice(words)]),
                filters={"field": (fields[n % len(fields)],), "region": (rng.choice(regions),)},
                facets=FACETS,
                per_page=rng.choice([5, 10]),
                page=rng.choice([1, 2, 40]),
            )
        )
    for _code, lat, lng in rng.sample(cities, 12):
        queries.append(
            SearchRequest(
                q=rng.choice(["", "association"]),
                near=(lat, lng),
                radius_km=25.0,
                sort="distance",
                facets=FACETS,
            )
        )
    assert compare(backends, queries, exact_order=True) == []
    # incremental writes (renamed, suspended, new), through each backend's write
    doc_type = svc.doc_types["associations"]
    changed = rng.sample(sorted(db.session.scalars(select(Association.id))), 60)
    for n, assoc_id in enumerate(changed):
        assoc = db.session.get(Association, assoc_id)
        assert assoc is not None
        if n % 3 == 0:
            assoc.status = "suspended"
        else:
            assoc.name = f"{assoc.name} {rng.choice(words)}"
    db.session.commit()
    changed += insert_generated(40, seed=12, index=False)
    for backend in backends.values():
        backend.write(doc_type, changed, lambda ids: doc_type.load(db.session, ids))
    for request in queries:
        request.page, request.per_page = 1, 2000
    # Whoosh breaks ties by index order, which updates change: compare sets
    assert compare(backends, queries, exact_order=False) == []


def compare(
    backends: dict[str, Backend], queries: list[SearchRequest], exact_order: bool
) -> list[Any]:
    svc = service()
    differences = []
    for request in queries:
        answers = {}
        for name, backend in backends.items():
            svc.backend = backend
            r = search("associations", SearchRequest(**vars(request)))
            ids = r.ids if exact_order else sorted(r.ids)
            answers[name] = (ids, r.total, r.facets, r.suggestion, r.distances, r.fuzzy)
        if answers["whoosh"] != answers["postgres"]:
            differences.append((vars(request), answers))
    return differences


def test_the_longitude_band_holds_every_point_within_the_radius() -> None:
    from app.search.backends.postgres import lon_reach
    from app.search.query import haversine_km

    rng = random.Random(5)
    for _ in range(2000):
        near = (rng.uniform(-70, 70), rng.uniform(-170, 170))
        radius = rng.choice([1.0, 25.0, 100.0, 500.0])
        west, east = lon_reach(near, radius)
        assert west is not None and east is not None
        point = (near[0] + rng.uniform(-5, 5), near[1] + rng.uniform(-12, 12))
        if haversine_km(near, point) <= radius:
            assert west <= point[1] <= east, (near, radius, point)
    # near a pole or across the antimeridian: no longitude bound rather than a wrong one
    assert lon_reach((89.5, 10.0), 100.0) == (None, None)
    assert lon_reach((33.0, 179.9), 50.0) == (None, None)


def test_warm_builds_the_whoosh_view_before_the_first_query(app: Flask) -> None:
    from app.search.framework import warm
    from directory.demo import insert_generated

    insert_generated(50, seed=4, index=False)
    svc = service()
    svc.backend = WhooshBackend(app.instance_path)
    reindex("associations")
    svc.backend = fresh = WhooshBackend(app.instance_path)  # as a new worker
    assert "associations" not in fresh._views
    warm(app)
    _key, view = fresh._views["associations"]
    assert view._doc_facets is not None and view._name_rank is not None
    before = fresh._views["associations"]
    search("associations", SearchRequest(q="", facets=("field",)))
    assert fresh._views["associations"] is before  # the first query reused it


def test_a_whoosh_index_written_before_the_text_skeleton_fields_gets_them(app: Flask) -> None:
    from whoosh import index as whoosh_index
    from whoosh.fields import Schema

    store = register_test_types(app)
    backend = WhooshBackend(app.instance_path)
    doc_type = service().doc_types["notes"]
    old = {k: v for k, v in backend.schema(doc_type).items() if k != "body__sk"}
    path = backend.root / "notes"
    path.mkdir(parents=True)
    whoosh_index.create_in(str(path), Schema(**old))  # as before issue 16
    service().backend = WhooshBackend(app.instance_path)  # a worker after the upgrade
    store.put("notes", [note(1, "أنشطة الشباب في الحي"), note(2, "Couture")])
    assert "body__sk" in whoosh_index.open_dir(str(path)).schema
    assert find("notes", "chabab", prefix=False).ids == [1]


def test_under_gevent_whoosh_writes_off_the_event_loop(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documents load on the request's thread (the database, cooperative under gevent);
    analysing them and writing the segment run in the hub's thread pool, so a big write does
    not stall every other request and socket. A write that fails there releases the lock."""
    import app.search.service as search_service

    service(app).backend = make_backend(app, "whoosh")
    store = register_test_types(app)
    monkeypatch.setattr(search_service, "gevent_patched", lambda: True)
    here = threading.get_ident()
    seen: dict[str, set[int]] = {"load": set(), "apply": set()}
    load = store.load("notes")

    def loading(session: Any, ids: Iterable[int]) -> dict[int, Document]:
        seen["load"].add(threading.get_ident())
        return load(session, ids)

    service(app).doc_types["notes"].load = loading
    apply = WhooshBackend._apply

    def applying(self: WhooshBackend, *args: Any) -> None:
        seen["apply"].add(threading.get_ident())
        apply(self, *args)

    monkeypatch.setattr(WhooshBackend, "_apply", applying)
    store.put("notes", [note(1, "caravane médicale"), note(2, "jardin")])
    assert find("notes", "caravane").ids == [1] and find("notes", "jardin").ids == [2]
    assert seen["load"] == {here} and seen["apply"] and here not in seen["apply"]

    # analysis fails in the pool: the writer is cancelled, the rows wait, the lock is free
    def broken(self: WhooshBackend, *args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(WhooshBackend, "_fields", broken)
    store.put("notes", [note(3, "bibliothèque")])
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
    monkeypatch.undo()
    monkeypatch.setattr(search_service, "gevent_patched", lambda: True)
    store.put("notes", [note(4, "atelier")])
    assert find("notes", "bibliotheque").ids == [3] and find("notes", "atelier").ids == [4]


def test_under_gevent_the_writer_does_not_wait_for_the_index(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the gevent server the commit only starts the worker's drainer greenlet: the request
    that wrote answers at once and the drainer indexes beside it. Commits while it runs make it
    go round again; there is never more than one."""
    import gevent

    import app.search.framework as framework

    service(app).backend = make_backend(app, "whoosh")
    store = register_test_types(app)
    monkeypatch.setattr(framework, "gevent_patched", lambda: True)

    def waiting() -> int:
        return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0

    store.put("notes", [note(1, "caravane médicale")])
    drainer = service(app).drainer
    assert drainer is not None and not drainer.dead
    assert waiting() == 1 and find("notes", "caravane").ids == []  # the writer did not wait
    store.put("notes", [note(2, "jardin partagé")])
    assert service(app).drainer is drainer  # one drainer, asked again
    drainer.join(timeout=30)
    assert find("notes", "caravane").ids == [1] and find("notes", "jardin").ids == [2]
    assert waiting() == 0

    # a commit made while the drainer indexes is not left for the next commit
    load = store.load("notes")

    def loading(session: Any, ids: Iterable[int]) -> dict[int, Document]:
        if 3 in ids:
            store.docs["notes"][4] = note(4, "atelier couture")
            enqueue("notes", [4])
            db.session.commit()  # another request's commit, mid-drain
        return load(session, ids)

    service(app).doc_types["notes"].load = loading
    store.put("notes", [note(3, "bibliothèque")])
    service(app).drainer.join(timeout=30)
    gevent.sleep(0)
    assert find("notes", "bibliotheque").ids == [3] and find("notes", "atelier").ids == [4]
    assert waiting() == 0 and service(app).drainer.dead


@postgres_only
def test_postgres_keeps_a_long_documents_vector_uncompressed(pg_store: Store) -> None:
    """Every ``@@`` of a search reads the vector; compressed, it is decompressed once per
    clause and row. A long description (well above PostgreSQL's default 2 kB row target)
    stays inline and plain, and words go through the GIN index, not a scan of every row."""
    from sqlalchemy import event

    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(8)) for _ in range(300)]
    long = Document(id=1, text={"body": " ".join(words)}, sort_name="long")
    pg_store.put("notes", [long, note(2, "jardin partagé")])
    stored = db.session.execute(
        text(
            "SELECT pg_column_compression(terms), pg_column_size(terms) FROM search_document"
            " WHERE doc_type = 'notes' AND doc_id = 1"
        )
    ).one()
    options = db.session.scalar(
        text("SELECT reloptions FROM pg_class WHERE oid = 'search_document__notes'::regclass")
    )
    db.session.commit()
    assert stored[0] is None and stored[1] > 4000, stored
    assert "toast_tuple_target=8160" in options

    said: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "enable_seqscan" in statement:
            said.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert find("notes", words[42]).ids == [1]
        assert said == ["SET LOCAL enable_seqscan = off"]
        said.clear()
        assert find("notes").ids  # browsing, no words: the planner chooses
        assert said == ["SET LOCAL enable_seqscan = on"]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_every_document_types_vector_fields_have_their_own_code(app: Flask) -> None:
    """A vector names a field by a three-character code; two fields of one type with the same
    code would mix their terms. Every registered type (directory, forums, library, offers,
    the test types) gets distinct codes, and the code of a name does not depend on the type's
    other fields."""
    from app.search.backends.postgres import field_code, vector_fields

    register_test_types(app)
    for doc_type in service(app).doc_types.values():
        codes = vector_fields(doc_type)
        assert all(len(code) == 3 for code in codes), doc_type.name
        assert set(codes.values()) >= set(doc_type.text_fields) | set(doc_type.name_fields)
    assert field_code("description__sk") == field_code("description__sk")
    assert len(field_code("description__sk") + "tnm") < len("description__sk:tnm") // 2


def test_the_outbox_job_indexes_what_a_drain_left(store: Store, app: Flask) -> None:
    """``jam3ia tick`` drains the outbox every minute: rows left by a failed drain, or queued
    by an index migration, are indexed without waiting for the next write."""
    from app.jobs import run_due_jobs

    service(app).autodrain = False  # as if the drain after the commit had failed
    store.put("notes", [note(1, "caravane médicale")])
    assert find("notes", "caravane").ids == []
    outcomes = run_due_jobs(only="search_outbox")
    assert [(o.name, o.ok) for o in outcomes] == [("search_outbox", True)]
    assert find("notes", "caravane").ids == [1]
