"""The PostgreSQL full-text search backend: the index lives in the application's database.

Same analysis, same query semantics as :mod:`app.search.backends.whoosh` (both parse with
:func:`app.search.query.parse_query`, score with :func:`alternative_weight` and share the fuzzy
pass and did-you-mean of :mod:`app.search.backends.shared`), so the two backends return the
same documents, counts and suggestions. Chosen automatically when the
database is PostgreSQL, or with ``SEARCH_BACKEND=postgres``.

Tables (:mod:`app.search.models`):

- ``search_document``: one row per document. ``terms`` is a ``tsvector`` of
  ``field:term`` lexemes built with ``array_to_tsvector`` from the terms our Python analyzer
  computed at write time (no PostgreSQL parsing or stemming: :func:`analyze` already did it,
  and the field prefix keeps per-field boosts), GIN-indexed; queries are ``tsquery`` values
  (``'name:amal'``, ``'name:amal':*`` for the prefix of the word being typed). ``facets``
  (``facet:value``) and ``acl`` are ``text[]`` (GIN on facets); ``sort_name`` uses the byte
  order collation so names sort as in Python; ``lat``/``lon`` for near-me.
- ``search_term``: per document type and field, how many documents hold each term, facet
  value or access value, plus the document count. It gives the idf of a word without
  counting, the vocabulary for typo-tolerant (fuzzy) matching and did-you-mean, and facet
  counts over the whole index without a scan.

On PostgreSQL ``search_document`` is partitioned by ``doc_type`` (one partition per type,
made on its first write). A rebuild (``jam3ia reindex``) loads a bare table, builds its
indexes in bulk (a GIN index built at once is about ten times faster than one filled row by
row) and swaps it in for the type's partition at the end of its transaction; searches take
their lock on ``search_document`` before their snapshot, so one that meets the swap waits for
it (a few milliseconds) and then sees the new partition, never an empty one.

Writes happen in one database transaction holding a transaction-level advisory lock per
document type and schema (``pg_advisory_xact_lock`` with ``lock_timeout``), so the
documents and the dictionary stay consistent across processes and hosts; a writer that
cannot take the lock in time raises :class:`IndexBusy` (the framework leaves the outbox rows
to the holder). Readers wait only for a rebuild's swap: each search runs in one
``REPEATABLE READ`` read-only transaction, so its total, facet counts and page agree.

Differences from Whoosh, all in corner cases: ties of relevance are always broken by name
(Whoosh uses index order in score levels of more than 2,000 documents); a prefix matches
every indexed word it starts (Whoosh expands to the first 64); Whoosh merges score levels
past 256 distinct scores.
"""

from __future__ import annotations

import math
import string
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from app.search.analysis import analyze, skeleton_tokens
from app.search.backends.shared import (
    MIN_SUGGEST_CHARS,
    did_you_mean,
    search_with_fallback,
    suggestion_fields,
    suggestion_words,
)
from app.search.models import VECTORS_INLINE, partition_name
from app.search.query import (
    EARTH_RADIUS_KM,
    MAX_EXPANSIONS,
    Alternative,
    Clause,
    alternative_weight,
    edit_distance,
    haversine_km,
    required_clauses,
    skeleton_field,
    spelling_field,
    spelling_words,
    suggestion_distance,
)
from app.search.types import DocType, Document, IndexBusy, SearchRequest, SearchResult
from app.text import escape_like

#: how long a writer waits for another process's write of the same type
LOCK_TIMEOUT_MS = 10_000
#: reserved dictionary fields (text fields never start with ":")
DOCUMENTS_FIELD = ":documents"
ACL_FIELD = ":acl"
FACET_FIELD = ":facet:"
#: PostgreSQL refuses lexemes of 2 kB or more and tsvectors of 1 MB or more
MAX_LEXEME_BYTES = 2_000
MAX_TSVECTOR_BYTES = 1_000_000
#: a field's code in the vectors: CODE_LENGTH characters of CODE_ALPHABET
CODE_ALPHABET = string.digits + string.ascii_letters
CODE_LENGTH = 3
#: rows per statement when filling the dictionary
CHUNK = 20_000
#: per search transaction: facet counts hash in memory instead of sorting on disk
WORK_MEM = "32MB"
#: a rebuild's index build (GIN sorts its entries in this much memory, then writes them)
BUILD_MEMORY = "128MB"
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180

Entry = tuple[str, str]  # (dictionary field, term)


# --- what a document puts in the tables ------------------------------------------------------


@cache
def field_code(field_name: str) -> str:
    """A field's name in the vectors: three characters from a hash of the name, so a
    document type that gains a field keeps the others' codes. A vector holds a hundred terms
    and keys; ``description__sk:`` before each of them made it three times as large."""
    n = zlib.crc32(field_name.encode()) % len(CODE_ALPHABET) ** CODE_LENGTH
    code = ""
    for _ in range(CODE_LENGTH):
        n, digit = divmod(n, len(CODE_ALPHABET))
        code += CODE_ALPHABET[digit]
    return code


def vector_fields(doc_type: DocType) -> dict[str, str]:
    """``{code: field}`` of every field a vector of ``doc_type`` holds (text and name fields,
    their skeleton keys, the names' spelling words). Two fields of one type with the same code
    would share their terms: refused."""
    names = [*doc_type.text_fields, *doc_type.name_fields]
    fields = [
        *names,
        *(skeleton_field(n) for n in names),
        *(spelling_field(n) for n in doc_type.name_fields),
    ]
    codes: dict[str, str] = {}
    for name in fields:
        other = codes.setdefault(field_code(name), name)
        if other != name:
            raise ValueError(
                f"search fields {other!r} and {name!r} of {doc_type.name} share a code"
            )
    return codes


def lexeme(field_name: str, term: str) -> str:
    return field_code(field_name) + term


def split_lexeme(codes: dict[str, str], value: str) -> Entry:
    return codes[value[:CODE_LENGTH]], value[CODE_LENGTH:]


def document_terms(doc_type: DocType, doc: Document) -> list[tuple[str, Entry]]:
    """The lexemes of ``doc`` (a field's code, then a term), as Whoosh indexes its fields,
    each with the dictionary entry ``(field, term)`` it counts for."""
    out: dict[str, Entry] = {}

    def add(field_name: str, terms: Iterable[str]) -> None:
        code = field_code(field_name)
        for term in terms:
            out[code + term] = (field_name, term)

    for name in doc_type.text_fields:
        value = doc.text.get(name, "")
        add(name, analyze(value))
        add(skeleton_field(name), skeleton_tokens(value))
    for name in doc_type.name_fields:
        value = doc.names.get(name, "")
        add(name, analyze(value))
        add(skeleton_field(name), skeleton_tokens(value))
        add(spelling_field(name), spelling_words(value))
    items = list(out.items())
    # a character is at most 4 bytes: most documents need no byte count at all
    if sum(len(item) for item in out) * 4 + 8 * len(out) < MAX_TSVECTOR_BYTES and all(
        len(item) * 4 < MAX_LEXEME_BYTES for item in out
    ):
        return items
    kept: list[tuple[str, Entry]] = []
    size = 0
    for item, entry in items:
        length = len(item.encode())
        if length >= MAX_LEXEME_BYTES:
            continue
        size += length + 8
        if size >= MAX_TSVECTOR_BYTES:
            break
        kept.append((item, entry))
    return kept


def facet_values(doc: Document) -> list[str]:
    return sorted({f"{facet}:{value}" for facet, values in doc.facets.items() for value in values})


def stored_entries(codes: dict[str, str], lexemes: Iterable[str]) -> set[Entry]:
    """The dictionary entries of a stored vector's lexemes."""
    return {split_lexeme(codes, value) for value in lexemes}


def dictionary_entries(
    terms: Iterable[Entry], facets: Iterable[str], acl: Iterable[str]
) -> set[Entry]:
    """Everything a document counts for in ``search_term``."""
    entries = set(terms)
    for value in facets:
        name, _sep, term = value.partition(":")
        entries.add((FACET_FIELD + name, term))
    entries.update((ACL_FIELD, value) for value in acl)
    entries.add((DOCUMENTS_FIELD, ""))
    return entries


def tsquery_lexeme(value: str, prefix: bool = False) -> str:
    """``value`` quoted as one tsquery operand (no parsing, no normalisation)."""
    quoted = "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


def _exists(conn: Connection, table: str) -> bool:
    """Whether ``table`` exists in the search path (a partition, a rebuild's bare table)."""
    return conn.execute(text("SELECT to_regclass(:p)"), {"p": f'"{table}"'}).scalar() is not None


def sql_literal(value: str) -> str:
    """``value`` as an SQL string literal, for DDL (which takes no bound parameters)."""
    return "'" + value.replace("'", "''") + "'"


def like_prefix(value: str) -> str:
    return escape_like(value) + "%"


def lon_reach(near: tuple[float, float], radius_km: float) -> tuple[float | None, float | None]:
    """The longitudes within ``radius_km`` of ``near`` lie in this band (``None``: near a
    pole, or the band wraps around the antimeridian: no longitude bound)."""
    lat = math.radians(near[0])
    angle = radius_km / EARTH_RADIUS_KM
    if abs(near[0]) + math.degrees(angle) >= 89.0:
        return None, None
    ratio = math.sin(angle) / math.cos(lat)
    if ratio >= 1:
        return None, None
    reach = math.degrees(math.asin(ratio)) + 1e-9
    west, east = near[1] - reach, near[1] + reach
    if west < -180 or east > 180:
        return None, None
    return west, east


# --- query plans ---------------------------------------------------------------------------


@dataclass
class _Weighted:
    """One matching alternative of a clause: its tsquery and its weight."""

    tsquery: str
    weight: float


@dataclass
class _Plan:
    #: per clause, the alternatives that match at least one document
    clauses: list[list[_Weighted]] = field(default_factory=list)
    #: a required clause matches nothing: no result
    empty: bool = False
    must: str = ""
    #: every clause is required (no optional words adding to the score)
    all_required: bool = False


@dataclass
class _Sql:
    """A WHERE clause under construction, with its parameters: the SQL text is made of
    constants and parameter names only, every value goes through :meth:`bind`."""

    params: dict[str, Any]
    parts: list[str] = field(default_factory=list)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def where(self) -> str:
        return " AND ".join(self.parts)


def constant_score(plan: _Plan) -> bool:
    """Every match scores the same: each clause matches in exactly one way and is required
    (its weight is then added to every match), so relevance order is name order."""
    return plan.all_required and all(len(weighted) == 1 for weighted in plan.clauses)


# --- the backend ---------------------------------------------------------------------------


class PostgresBackend:
    """See the module docstring."""

    #: searching waits on the database, not on Python: no need for a thread pool
    cpu_bound = False

    def __init__(self, engine: Engine | Callable[[], Engine]) -> None:
        self._engine_source = engine
        self.lock_timeout_ms = LOCK_TIMEOUT_MS

    @property
    def engine(self) -> Engine:
        source = self._engine_source
        return source if isinstance(source, Engine) else source()

    # writing

    def _lock(self, conn: Connection, doc_type: DocType, wait: bool = True) -> None:
        key = {"name": doc_type.name}
        lock_key = "hashtext(current_schema() || '/jam3ia-search/' || :name)"
        if not wait:
            if not conn.execute(
                text(f"SELECT pg_try_advisory_xact_lock({lock_key})"), key
            ).scalar():
                raise IndexBusy(f"search index {doc_type.name} is being written")
            return
        conn.execute(text(f"SET LOCAL lock_timeout = {int(self.lock_timeout_ms)}"))
        try:
            conn.execute(text(f"SELECT pg_advisory_xact_lock({lock_key})"), key)
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise IndexBusy(f"search index {doc_type.name} is being written") from error
            raise
        conn.execute(text("SET LOCAL lock_timeout TO DEFAULT"))

    def write(
        self,
        doc_type: DocType,
        ids: Sequence[int],
        load: Callable[[Sequence[int]], dict[int, Document]],
        wait: bool = True,
    ) -> None:
        codes = vector_fields(doc_type)
        with self.engine.connect() as conn, conn.begin():
            self._lock(conn, doc_type, wait)
            self._partition(conn, doc_type)
            docs = load(ids)  # loaded under the lock: the freshest data wins
            wanted = sorted({int(i) for i in ids})
            old = conn.execute(
                text(
                    "SELECT doc_id, tsvector_to_array(terms), facets, acl FROM search_document"
                    " WHERE doc_type = :t AND doc_id = ANY(CAST(:ids AS integer[]))"
                ),
                {"t": doc_type.name, "ids": wanted},
            ).all()
            delta: Counter[Entry] = Counter()
            for _doc_id, lexemes, facets, acl in old:
                delta.subtract(dictionary_entries(stored_entries(codes, lexemes), facets, acl))
            rows = []
            for doc_id in wanted:
                doc = docs.get(doc_id)
                if doc is not None:
                    row, entries = self._row(doc_type, doc)
                    delta.update(dictionary_entries(entries, row["facets"], row["acl"]))
                    rows.append(row)
            gone = [r[0] for r in old if r[0] not in docs]
            if gone:
                conn.execute(
                    text(
                        "DELETE FROM search_document"
                        " WHERE doc_type = :t AND doc_id = ANY(CAST(:ids AS integer[]))"
                    ),
                    {"t": doc_type.name, "ids": gone},
                )
            if rows:
                conn.execute(text(_UPSERT_DOCUMENT.format(table="search_document")), rows)
            self._apply(conn, doc_type, delta)

    @staticmethod
    def _row(doc_type: DocType, doc: Document) -> tuple[dict[str, Any], list[Entry]]:
        """The document's row, and the dictionary entries its vector counts for."""
        terms = document_terms(doc_type, doc)
        return {
            "t": doc_type.name,
            "id": int(doc.id),
            "terms": [lexeme for lexeme, _entry in terms],
            "facets": facet_values(doc),
            "acl": sorted(set(doc.acl)),
            "name": doc.sort_name,
            "created": float(doc.created),
            "lat": float(doc.geo[0]) if doc.geo else None,
            "lon": float(doc.geo[1]) if doc.geo else None,
        }, [entry for _lexeme, entry in terms]

    @staticmethod
    def _apply(conn: Connection, doc_type: DocType, delta: Counter[Entry]) -> None:
        changes = sorted((k, n) for k, n in delta.items() if n)
        for start in range(0, len(changes), CHUNK):
            chunk = changes[start : start + CHUNK]
            params = {
                "t": doc_type.name,
                "fields": [k[0] for k, _n in chunk],
                "terms": [k[1] for k, _n in chunk],
                "dfs": [n for _k, n in chunk],
            }
            conn.execute(text(_UPSERT_TERMS), params)
            if any(n < 0 for _k, n in chunk):
                conn.execute(text(_DELETE_UNUSED_TERMS), params)

    def rebuild(
        self, doc_type: DocType, batches: Iterable[list[Document]], progress: Callable[[int], None]
    ) -> int:
        """Load every document into a bare table, build its indexes in bulk, then swap it in
        for the type's partition in a few statements at the end of the one transaction.

        Readers see the old index until the commit and wait only for the swap (they take
        their lock before their snapshot, :meth:`search`). The writer's locks come in one
        order (the dictionary, then ``search_document``), so two rebuilds of two types or a
        rebuild and a write cannot deadlock; no maintenance runs after the commit."""
        count = 0
        vector_fields(doc_type)  # two fields with one code: refused before anything is written
        part = partition_name(doc_type.name)
        fresh = part + "__new"
        with self.engine.connect() as conn, conn.begin():
            self._lock(conn, doc_type)
            conn.execute(text(f'DROP TABLE IF EXISTS "{fresh}"'))
            conn.execute(text(_PARTITION_TABLE.format(name=fresh)))
            totals: Counter[Entry] = Counter()
            upsert = text(_UPSERT_DOCUMENT.format(table=f'"{fresh}"'))
            for batch in batches:
                built = [self._row(doc_type, doc) for doc in batch]
                if built:
                    conn.execute(upsert, [row for row, _entries in built])
                for row, entries in built:
                    totals.update(dictionary_entries(entries, row["facets"], row["acl"]))
                count += len(batch)
                progress(len(batch))
            conn.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
            for statement in _PARTITION_INDEXES:
                conn.execute(text(statement.format(name=fresh)))
            # ATTACH then trusts this constraint instead of reading every row
            conn.execute(
                text(
                    f'ALTER TABLE "{fresh}" ADD CONSTRAINT "{fresh}_type"'
                    f" CHECK (doc_type = {sql_literal(doc_type.name)})"
                )
            )
            # fresh statistics for the planner: autovacuum may be off or late after a bulk load
            conn.execute(text(f'ANALYZE "{fresh}"'))
            conn.execute(text("DELETE FROM search_term WHERE doc_type = :t"), {"t": doc_type.name})
            self._apply(conn, doc_type, totals)
            conn.execute(text("ANALYZE search_term"))
            # the swap: ACCESS EXCLUSIVE on search_document from here to the commit
            if _exists(conn, part):
                conn.execute(text(f'ALTER TABLE search_document DETACH PARTITION "{part}"'))
                conn.execute(text(f'DROP TABLE "{part}"'))
            conn.execute(
                text(
                    f'ALTER TABLE search_document ATTACH PARTITION "{fresh}"'
                    f" FOR VALUES IN ({sql_literal(doc_type.name)})"
                )
            )
            conn.execute(text(f'ALTER TABLE "{fresh}" DROP CONSTRAINT "{fresh}_type"'))
            conn.execute(text(f'ALTER TABLE "{fresh}" RENAME TO "{part}"'))
        return count

    @staticmethod
    def _partition(conn: Connection, doc_type: DocType) -> None:
        """Create the type's partition on its first write (under the type's lock)."""
        part = partition_name(doc_type.name)
        if _exists(conn, part):
            return
        conn.execute(
            text(
                f'CREATE TABLE "{part}" PARTITION OF search_document'
                f" FOR VALUES IN ({sql_literal(doc_type.name)}) {VECTORS_INLINE}"
            )
        )

    @staticmethod
    def _clear(conn: Connection, doc_type: DocType) -> None:
        for statement in _CLEAR:
            conn.execute(text(statement), {"t": doc_type.name})

    def destroy(self, doc_type: DocType) -> None:
        with self.engine.begin() as conn:
            self._clear(conn, doc_type)

    def count(self, doc_type: DocType) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                text("SELECT df FROM search_term WHERE doc_type = :t AND field = :f AND term = ''"),
                {"t": doc_type.name, "f": DOCUMENTS_FIELD},
            ).scalar()
        return int(value or 0)

    # reading

    def warm(self, doc_type: DocType) -> None:
        """Nothing to load: the index lives in the database."""

    def search(self, doc_type: DocType, request: SearchRequest) -> SearchResult:
        with self.engine.connect() as raw:
            conn = raw.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with conn.begin():
                # the lock before the snapshot: a search that meets a rebuild's swap waits
                # for its commit, then sees the new partition; facet counts group a few
                # hundred thousand values at most: in memory (one round trip for both)
                conn.execute(
                    text(
                        "LOCK TABLE search_document IN ACCESS SHARE MODE;"
                        f" SET LOCAL work_mem = '{WORK_MEM}'"
                    )
                )
                return _Search(conn, doc_type, request).run()


_UPSERT_DOCUMENT = """
INSERT INTO {table}
    (doc_type, doc_id, terms, facets, acl, sort_name, created, lat, lon)
VALUES
    (:t, :id, array_to_tsvector(CAST(:terms AS text[])), CAST(:facets AS text[]),
     CAST(:acl AS text[]), :name, :created, :lat, :lon)
ON CONFLICT (doc_type, doc_id) DO UPDATE SET
    terms = excluded.terms, facets = excluded.facets, acl = excluded.acl,
    sort_name = excluded.sort_name, created = excluded.created,
    lat = excluded.lat, lon = excluded.lon
"""

_CLEAR = (
    "DELETE FROM search_document WHERE doc_type = :t",
    "DELETE FROM search_term WHERE doc_type = :t",
)

#: a rebuild's bare table: the columns of ``search_document`` (:mod:`app.search.models`),
#: which ATTACH PARTITION compares one by one
_PARTITION_TABLE = (
    'CREATE TABLE "{name}" (doc_type varchar(40) NOT NULL, doc_id integer NOT NULL,'
    " terms tsvector NOT NULL, facets text[] NOT NULL, acl text[] NOT NULL,"
    ' sort_name text COLLATE "C" NOT NULL, created double precision NOT NULL,'
    " lat double precision, lon double precision, PRIMARY KEY (doc_type, doc_id)) " + VECTORS_INLINE
)
#: its indexes, built once its rows are in; ATTACH PARTITION adopts them as partitions of
#: ``search_document``'s indexes (same columns, same options)
_PARTITION_INDEXES = (
    'CREATE INDEX ON "{name}" USING gin (terms) WITH (fastupdate = off)',
    'CREATE INDEX ON "{name}" USING gin (facets) WITH (fastupdate = off)',
    'CREATE INDEX ON "{name}" (doc_type, sort_name, doc_id)',
    'CREATE INDEX ON "{name}" (doc_type, created, doc_id)',
    'CREATE INDEX ON "{name}" (doc_type, lat, lon)',
)

_UPSERT_TERMS = """
INSERT INTO search_term (doc_type, field, term, df)
SELECT :t, d.field, d.term, d.df
FROM unnest(CAST(:fields AS text[]), CAST(:terms AS text[]), CAST(:dfs AS integer[]))
    AS d(field, term, df)
ON CONFLICT (doc_type, field, term) DO UPDATE SET df = search_term.df + excluded.df
"""

_DELETE_UNUSED_TERMS = """
DELETE FROM search_term s
USING unnest(CAST(:fields AS text[]), CAST(:terms AS text[])) AS d(field, term)
WHERE s.doc_type = :t AND s.field = d.field AND s.term = d.term AND s.df <= 0
"""


class _Search:
    """One search request against one document type, inside one read transaction."""

    def __init__(self, conn: Connection, doc_type: DocType, request: SearchRequest) -> None:
        self.conn = conn
        self.doc_type = doc_type
        self.request = request
        self._df: dict[Entry, int] = {}
        self._documents: int | None = None

    # dictionary

    def documents(self) -> int:
        if self._documents is None:
            self._documents = self.frequencies([(DOCUMENTS_FIELD, "")])[(DOCUMENTS_FIELD, "")]
        return self._documents

    def frequencies(self, entries: Iterable[Entry]) -> dict[Entry, int]:
        """Document frequencies of dictionary entries (0 when absent), cached."""
        missing = sorted({e for e in entries if e not in self._df})
        if missing:
            rows = self.conn.execute(
                text(
                    "SELECT s.field, s.term, s.df FROM search_term s"
                    " JOIN unnest(CAST(:fields AS text[]), CAST(:terms AS text[]))"
                    " AS d(field, term) ON s.field = d.field AND s.term = d.term"
                    " WHERE s.doc_type = :t"
                ),
                {
                    "t": self.doc_type.name,
                    "fields": [e[0] for e in missing],
                    "terms": [e[1] for e in missing],
                },
            ).all()
            found = {(r[0], r[1]): int(r[2]) for r in rows}
            for entry in missing:
                self._df[entry] = found.get(entry, 0)
        return {e: self._df[e] for e in entries}

    def words_within(
        self, wanted: Sequence[tuple[str, str, int]]
    ) -> dict[tuple[str, str, int], list[tuple[str, int]]]:
        """For each ``(field, word, maxdist)``: the indexed words of the field within
        ``maxdist`` edits of ``word`` sharing its first character, in code point order, with
        their document frequencies. One query for all."""
        unique = sorted(set(wanted))
        if not unique:
            return {}
        rows = self.conn.execute(
            text(
                "SELECT d.i, s.term, s.df"
                " FROM unnest(CAST(:fields AS text[]), CAST(:low AS text[]),"
                " CAST(:high AS text[]), CAST(:short AS integer[]), CAST(:long AS integer[]))"
                " WITH ORDINALITY AS d(field, low, high, short, long, i)"
                " JOIN LATERAL (SELECT term, df FROM search_term"
                "  WHERE doc_type = :t AND field = d.field AND term >= d.low AND term < d.high"
                "  AND char_length(term) BETWEEN d.short AND d.long) s ON TRUE"
                " ORDER BY d.i, s.term"
            ),
            {
                "t": self.doc_type.name,
                "fields": [f for f, _w, _d in unique],
                # the words starting with c: from c up to (not including) the next code point
                "low": [w[:1] for _f, w, _d in unique],
                "high": [chr(ord(w[:1]) + 1) if w else "" for _f, w, _d in unique],
                "short": [len(w) - d for _f, w, d in unique],
                "long": [len(w) + d for _f, w, d in unique],
            },
        ).all()
        out: dict[tuple[str, str, int], list[tuple[str, int]]] = {key: [] for key in unique}
        for i, term, df in rows:
            key = unique[int(i) - 1]
            if edit_distance(key[1], term, key[2]) <= key[2]:
                out[key].append((term, int(df)))
        return out

    def count_matching(self, tsqueries: Sequence[str]) -> dict[str, int]:
        """How many documents match each tsquery, in one pass over their union."""
        unique = sorted(set(tsqueries))
        if not unique:
            return {}
        sql = _Sql({"t": self.doc_type.name})
        counts = [
            f"count(*) FILTER (WHERE terms @@ CAST({sql.bind(q)} AS tsquery))" for q in unique
        ]
        union = sql.bind(" | ".join(f"({q})" for q in unique))
        row = self.conn.execute(
            text(
                f"SELECT {', '.join(counts)} FROM search_document"  # noqa: S608
                f" WHERE doc_type = :t AND terms @@ CAST({union} AS tsquery)"
            ),
            sql.params,
        ).one()
        return {q: int(n) for q, n in zip(unique, row, strict=True)}

    # planning

    def plan(self, clauses: list[Clause]) -> _Plan:
        alternatives = [a for c in clauses for a in c.alternatives]
        terms = [(a.field, a.text) for a in alternatives if a.kind == "term"]
        self.frequencies([*terms, (DOCUMENTS_FIELD, "")])
        documents = self.documents()
        expansions = self.words_within(
            [(a.field, a.text, a.maxdist) for a in alternatives if a.kind == "fuzzy"]
        )
        # each alternative's tsquery, and its frequency when the dictionary knows it
        queries: dict[Alternative, tuple[str, int | None]] = {}
        for alt in alternatives:
            if alt.kind == "term":
                frequency = self._df[(alt.field, alt.text)]
                if frequency:
                    queries[alt] = (tsquery_lexeme(lexeme(alt.field, alt.text)), frequency)
            elif alt.kind == "prefix":
                tsquery = tsquery_lexeme(lexeme(alt.field, alt.text), prefix=True)
                queries[alt] = (tsquery, None)
            else:
                words = expansions[(alt.field, alt.text, alt.maxdist)][:MAX_EXPANSIONS]
                if words:
                    tsquery = " | ".join(tsquery_lexeme(lexeme(alt.field, w)) for w, _n in words)
                    queries[alt] = (tsquery, words[0][1] if len(words) == 1 else None)
        counted = self.count_matching([q for q, n in queries.values() if n is None])
        plan = _Plan()
        required = required_clauses(clauses)
        plan.all_required = len(required) == len(clauses)
        must: list[str] = []
        for clause in clauses:
            weighted: list[_Weighted] = []
            for alt in clause.alternatives:
                if alt not in queries:
                    continue
                tsquery, known = queries[alt]
                frequency = known if known is not None else counted[tsquery]
                if frequency:
                    weight = alternative_weight(alt, documents, frequency)
                    weighted.append(_Weighted(tsquery, weight))
            plan.clauses.append(weighted)
            if clause in required:
                if not weighted:
                    plan.empty = True
                must.append("(" + " | ".join(w.tsquery for w in weighted) + ")")
        plan.must = " & ".join(must)
        return plan

    # running

    def run(self) -> SearchResult:
        return search_with_fallback(self.doc_type, self.request, self.execute, self.suggest)

    def execute(self, clauses: list[Clause] | None) -> SearchResult:
        request = self.request
        # Words go through the GIN index, always. The planner cannot estimate an OR of a
        # word's terms and skeleton keys (it guessed 84 % of the rows for a word in 14 %)
        # and then runs the tsquery on every 1,250-byte vector: 6x slower (bench/search.py).
        self.conn.execute(text(f"SET LOCAL enable_seqscan = {'off' if clauses else 'on'}"))
        plan = self.plan(clauses) if clauses is not None else None
        if plan is not None and plan.empty:
            return SearchResult(ids=[], total=0, facets={f: {} for f in request.facets})
        base = _Sql({"t": self.doc_type.name})
        base.parts.append("doc_type = :t")
        base.parts.append(f"acl && CAST({base.bind(sorted(request.principals))} AS text[])")
        if plan is not None:
            base.parts.append(f"terms @@ CAST({base.bind(plan.must)} AS tsquery)")
        distance = ""
        if request.near is not None:
            distance = self.distance_sql(base, request.near)
            if request.radius_km is not None:
                reach = request.radius_km / KM_PER_DEGREE
                low = base.bind(request.near[0] - reach)
                high = base.bind(request.near[0] + reach)
                base.parts.append(f"lat BETWEEN {low} AND {high}")
                west, east = lon_reach(request.near, request.radius_km)
                if west is not None:
                    base.parts.append(f"lon BETWEEN {base.bind(west)} AND {base.bind(east)}")
                base.parts.append(f"{distance} <= {base.bind(float(request.radius_km))}")
            elif request.sort == "distance":
                base.parts.append("lat IS NOT NULL")
        filters: dict[str, str] = {}
        for facet, values in request.filters.items():
            wanted = [f"{facet}:{v}" for v in values]
            filters[facet] = f"facets && CAST({base.bind(wanted)} AS text[])"
        everything = " AND ".join([base.where(), *filters.values()])
        page_size, start = request.per_page, (request.page - 1) * request.per_page
        order = self.order_sql(base, plan, distance)
        # no words and no place: the whole index, if every document is visible (dictionary)
        whole = plan is None and request.near is None and self.all_visible()
        page_sql = (
            f"FROM search_document WHERE {everything}"
            f" ORDER BY {order} LIMIT {int(page_size)} OFFSET {int(start)}"
        )
        rows: Sequence[Any] = []
        total: int
        if plan is None:
            # browsing: the page comes from the order's index, the total from a count
            if whole and not filters:
                total = self.documents()
            else:
                total = self.count_sql(everything, base.params)
            if total and start < total:
                rows = self.conn.execute(
                    text(f"SELECT doc_id, lat, lon, 0 {page_sql}"),
                    base.params,
                ).all()
        else:
            # the page stops at its last row (an index walk in name order when the score is
            # the same for every match); the total comes with the facet counts or a count
            rows = self.conn.execute(
                text(f"SELECT doc_id, lat, lon, 0 {page_sql}"),
                base.params,
            ).all()
            # a short first page is the whole answer; else -1: counted with the facets when
            # a facet's scope is every match
            total = len(rows) if start == 0 and len(rows) < page_size else -1
        counts, counted = self.facet_counts(base, filters, whole, want_total=total < 0)
        if total < 0:
            total = counted if counted is not None else self.count_sql(everything, base.params)
        ids: list[int] = []
        distances: dict[int, float] = {}
        for doc_id, lat, lon, _total in rows:
            ids.append(int(doc_id))
            if request.near is not None and lat is not None:
                distances[int(doc_id)] = round(haversine_km(request.near, (lat, lon)), 2)
        return SearchResult(ids=ids, total=total, facets=counts, distances=distances)

    def count_sql(self, where: str, params: dict[str, Any]) -> int:
        value = self.conn.execute(
            text(f"SELECT count(*) FROM search_document WHERE {where}"),  # noqa: S608
            params,
        ).scalar()
        return int(value or 0)

    def all_visible(self) -> bool:
        """Every document of the type is public (so every actor sees all of them)."""
        public = (ACL_FIELD, "public")
        found = self.frequencies([public, (DOCUMENTS_FIELD, "")])
        return found[public] == self.documents()

    @staticmethod
    def distance_sql(sql: _Sql, near: tuple[float, float]) -> str:
        """Great-circle distance in km to ``near`` (haversine, as :func:`haversine_km`)."""
        lat = sql.bind(math.radians(near[0]))
        lon = sql.bind(math.radians(near[1]))
        h = (
            f"power(sin((radians(lat) - {lat}) / 2), 2) + cos({lat}) * cos(radians(lat))"
            f" * power(sin((radians(lon) - {lon}) / 2), 2)"
        )
        return f"(2 * {EARTH_RADIUS_KM!r} * asin(least(1.0, sqrt({h}))))"

    def order_sql(self, sql: _Sql, plan: _Plan | None, distance: str) -> str:
        sort = self.request.sort
        by_name = "sort_name, doc_id"
        if sort == "relevance" and plan is not None:
            if constant_score(plan):
                return by_name
            terms: list[str] = []
            for weighted in plan.clauses:
                cases = [
                    f"CASE WHEN terms @@ CAST({sql.bind(w.tsquery)} AS tsquery)"
                    f" THEN CAST({sql.bind(w.weight)} AS float8) ELSE 0 END"
                    for w in weighted
                ]
                if cases:
                    terms.append(f"GREATEST({', '.join(cases)})" if len(cases) > 1 else cases[0])
            if terms:
                # rounded as Whoosh's score levels are, so equal scores tie and sort by name
                return f"round(CAST({' + '.join(terms)} AS numeric), 6) DESC, {by_name}"
            return by_name
        if sort == "distance" and distance:
            return f"{distance}, {by_name}"
        if sort == "newest":
            return "created DESC, doc_id DESC"
        return by_name

    def facet_counts(
        self, base: _Sql, filters: dict[str, str], whole: bool, want_total: bool = False
    ) -> tuple[dict[str, dict[str, int]], int | None]:
        """Per requested facet, value counts over the matches of every other facet's filter.

        With ``whole`` (no words, no place, every document visible), a facet whose scope has
        no other filter counts the whole index: the dictionary holds those counts."""
        wanted = self.request.facets
        if not wanted:
            return {}, None
        counts: dict[str, dict[str, int]] = {f: {} for f in wanted}
        from_dictionary = [f for f in wanted if whole and set(filters) <= {f}]
        if from_dictionary:
            rows = self.conn.execute(
                text(
                    "SELECT field, term, df FROM search_term"
                    " WHERE doc_type = :t AND field = ANY(CAST(:fields AS text[])) AND df > 0"
                ),
                {"t": self.doc_type.name, "fields": [FACET_FIELD + f for f in from_dictionary]},
            ).all()
            for field_name, term, n in rows:
                counts[field_name.removeprefix(FACET_FIELD)][term] = int(n)
        scanned = [f for f in wanted if f not in from_dictionary]
        if not scanned:
            return counts, None
        total: int | None = None
        every_filter = " AND ".join(filters.values())
        by_scope: dict[str, list[str]] = {}
        for facet in scanned:
            scope = " AND ".join(c for other, c in filters.items() if other != facet)
            by_scope.setdefault(scope, []).append(facet)
        for scope, facets in by_scope.items():
            # one statement per scope (at most three with two filters): each one an AND of
            # index conditions, never the OR of every scope that forced a sequential scan
            where = " AND ".join(p for p in (base.where(), scope) if p)
            prefixes = base.bind([f"{f}:" for f in facets])
            mine = f"split_part(v, ':', 1) || ':' = ANY(CAST({prefixes} AS text[]))"
            if want_total and scope == every_filter:
                # this scope is every match: its size in the same pass (the matches are read
                # once for the total and the facet counts)
                sql = (
                    "WITH m AS MATERIALIZED (SELECT facets FROM search_document"  # noqa: S608
                    f" WHERE {where}) SELECT NULL, count(*) FROM m UNION ALL"
                    f" SELECT v, count(*) FROM m, unnest(m.facets) AS v WHERE {mine} GROUP BY v"
                )
            else:
                sql = (
                    "SELECT v, count(*) FROM search_document, unnest(facets) AS v"  # noqa: S608
                    f" WHERE {where} AND {mine} GROUP BY v"
                )
            for value, n in self.conn.execute(text(sql), base.params).all():
                if value is None:
                    total = int(n)
                    continue
                facet, _sep, term = str(value).partition(":")
                if facet in counts:
                    counts[facet][term] = int(n)
        return counts, total

    # did-you-mean

    def suggest(self, q: str, thin: bool) -> str | None:
        """Did-you-mean (:func:`app.search.backends.shared.did_you_mean`, as Whoosh), with the
        dictionary read in two queries for every word."""
        if not self.doc_type.name_fields:
            return None
        words = suggestion_words(q)
        fields = suggestion_fields(self.doc_type)
        looked_up = [(f, w) for w in words if len(w) >= MIN_SUGGEST_CHARS for f in fields]
        found = self.frequencies(looked_up)
        near = self.words_within([(f, w, suggestion_distance(w)) for f, w in looked_up])
        return did_you_mean(
            words,
            fields,
            lambda field_name, word: found[(field_name, word)],
            lambda field_name, word: near[(field_name, word, suggestion_distance(word))],
            thin,
        )


__all__ = ["PostgresBackend"]
