"""Personal data: encrypted fields, keyed tokens, the access log and retention rules.

The solidarity features (aid, volunteering, campaigns, library) keep names, phones, addresses
and national IDs of beneficiaries and volunteers. This module is the one way they do it:

- :class:`EncryptedText`, a column type: the database (and its dumps and backups) holds only
  Fernet tokens (AES-128-CBC + HMAC-SHA256, authenticated), keyed by ``JAM3IA_DATA_KEY``.
  Several comma-separated keys rotate: the first encrypts, all decrypt;
  ``jam3ia rotate-data-key`` (:func:`rotate_data_key`) re-encrypts every encrypted column of
  every model with the first key, after which an old key can be removed.
- Keyed tokens (:func:`phone_token`, :func:`national_id_token`, :func:`name_token`): an
  HMAC-SHA256 under a separate key (``JAM3IA_TOKEN_KEY``) of a normalised value, stored beside
  the encrypted field to find duplicates ("is this household already registered?") without a
  clear value in the database.
- :func:`read_personal`: the only way code reads personal fields. It refuses an empty purpose
  and writes a :class:`PersonalDataAccess` row in the same transaction. Lists, search
  documents, API list endpoints and exports never include personal fields.
- :func:`register_retention`: rules per model (archive after N days inactive, erase fields
  after N days, delete rows older than N days), run daily by the ``retention`` periodic job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    inspect,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from app.api import ApiError
from app.db import Base, Model, db, utcnow
from app.plugins import registry
from app.search.skeleton import skeleton_tokens
from app.search.tokenizer import tokenize

__all__ = [
    "FACES",
    "ArchiveInactive",
    "DecryptionError",
    "DeleteOlderThan",
    "EncryptedText",
    "EraseFieldsAfter",
    "PersonalDataAccess",
    "encrypted_models",
    "keyed_token",
    "name_key",
    "name_keys",
    "name_token",
    "name_tokens",
    "national_id_token",
    "normalize_national_id",
    "normalize_phone",
    "personal_fields",
    "phone_near_tokens",
    "phone_token",
    "read_personal",
    "register_retention",
    "rotate_data_key",
    "run_retention",
]

#: Where a read of personal data came from.
FACES = ("page", "api", "socket", "cli", "job")
ROTATE_BATCH = 500


class DecryptionError(RuntimeError):
    """A stored value failed authentication: tampered, or encrypted under a key not in
    ``JAM3IA_DATA_KEY``."""


# ------------------------------------------------------------------ encryption


def _fernet(app: Flask | None = None) -> MultiFernet:
    target = app or current_app
    keys = tuple(target.config["JAM3IA_DATA_KEYS"])
    cached: tuple[tuple[str, ...], MultiFernet] | None = target.extensions.get("jam3ia_fernet")
    if cached is None or cached[0] != keys:
        cached = (keys, MultiFernet([Fernet(key) for key in keys]))
        target.extensions["jam3ia_fernet"] = cached
    return cached[1]


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted (Fernet) under ``JAM3IA_DATA_KEY``.

    ``phone: Mapped[str | None] = mapped_column(EncryptedText)``. The column cannot be searched,
    sorted or compared in SQL (each encryption differs): store a keyed token beside it to match.
    Reading a value that fails authentication raises :class:`DecryptionError`.
    """

    impl = Text
    cache_ok = True

    class Comparator(TypeDecorator.Comparator[str]):
        """Refuse SQL comparisons: each encryption differs, so ``phone == x`` would silently
        match nothing. Only ``IS NULL`` / ``IS NOT NULL`` make sense."""

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            null_test = op in (operators.is_, operators.is_not) or (
                op in (operators.eq, operators.ne) and other and other[0] is None
            )
            if not null_test:
                raise TypeError(
                    "an encrypted column cannot be compared or sorted in SQL: store and "
                    "compare its keyed token (app.privacy.phone_token, name_token...)"
                )
            return super().operate(op, *other, **kwargs)

    comparator_factory = Comparator

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:  # noqa: ARG002
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError("EncryptedText stores str values")
        return _fernet().encrypt(value.encode("utf-8")).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:  # noqa: ARG002
        if value is None:
            return None
        try:
            return _fernet().decrypt(value.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptionError(
                "an encrypted personal field failed authentication: the stored value was "
                "altered, or was encrypted with a key that is not in JAM3IA_DATA_KEY"
            ) from exc


def _encrypted_columns(mapper: Mapper[Any]) -> list[str]:
    return [
        column.key
        for column in mapper.local_table.columns
        if isinstance(column.type, EncryptedText)
    ]


def encrypted_models() -> list[type]:
    """Every mapped model with at least one :class:`EncryptedText` column."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if _encrypted_columns(m)),
        key=lambda cls: cls.__name__,
    )


def personal_fields(model: type) -> list[str]:
    """The personal fields of ``model``: its encrypted columns and those marked
    ``info={"personal": True}``."""
    mapper: Mapper[Any] = inspect(model)
    return [
        attr.key
        for attr in mapper.column_attrs
        if isinstance(attr.columns[0].type, EncryptedText) or attr.columns[0].info.get("personal")
    ]


def rotate_data_key(
    models: Iterable[type] | None = None,
    batch_size: int = ROTATE_BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt every encrypted column with the first key of ``JAM3IA_DATA_KEY``.

    Works in batches of ``batch_size`` rows, each committed, on the raw ciphertext (no model is
    loaded, no ``updated_at`` moves); a row changed since its batch was read is left as written
    (its new values are under the first key already). Safe to interrupt and run again, and to
    run while serving. Returns the number of rows rewritten per table. A value that no key
    opens stops it with :class:`DecryptionError`.
    """
    fernet = _fernet()
    done: dict[str, int] = {}
    for model in encrypted_models() if models is None else models:
        mapper: Mapper[Any] = inspect(model)
        table: Any = mapper.local_table
        if len(mapper.primary_key) != 1:
            raise ValueError(f"{model.__name__}: rotation needs a single-column primary key")
        pk = mapper.primary_key[0]
        columns = [table.c[name] for name in _encrypted_columns(mapper)]
        raw = [type_coerce(col, Text()) for col in columns]  # the stored ciphertext
        last: Any = None
        count = 0
        while True:
            stmt = select(pk, *raw).order_by(pk).limit(batch_size)
            if last is not None:
                stmt = stmt.where(pk > last)
            rows = db.session.execute(stmt).all()
            if not rows:
                break
            for row in rows:
                values = {}
                # Only if unchanged since read: a value written meanwhile (already under the
                # first key) is never overwritten by the re-encrypted old one.
                unchanged = [pk == row[0]]
                for column, token in zip(columns, row[1:], strict=True):
                    stored = type_coerce(column, Text())
                    unchanged.append(
                        stored.is_(None) if token is None else stored == literal(token, Text())
                    )
                    if token is not None:
                        try:
                            fresh = fernet.rotate(token.encode("ascii")).decode("ascii")
                        except InvalidToken as exc:
                            raise DecryptionError(
                                f"{table.name} row {row[0]}, {column.name}: no key of "
                                "JAM3IA_DATA_KEY opens this value (altered, or its key was "
                                "removed before rotation)"
                            ) from exc
                        values[column.name] = literal(fresh, Text())
                if values:
                    result = db.session.execute(update(table).where(*unchanged).values(values))
                    count += int(getattr(result, "rowcount", 0) or 0)
            last = rows[-1][0]
            db.session.commit()
            if progress is not None:
                progress(table.name, count)
        done[str(table.name)] = count
    return done


# ------------------------------------------------------------------ keyed tokens

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()\u200e\u200f\u202a-\u202e]+")


def normalize_phone(raw: str) -> str:
    """One canonical form (``+212XXXXXXXXX``) of a phone number as people write it.

    Moroccan forms ``06 12 34 56 78``, ``+212 6-12-34-56-78``, ``00212612345678``,
    ``+212 (0)6...``, ``212612345678``, with Arabic-Indic digits or not, all give
    ``+212612345678``; other international numbers keep ``+`` and their digits. Raises
    ``ValueError`` for anything that is not a phone number.
    """
    text = _PHONE_SEPARATORS.sub("", raw.translate(_DIGITS))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("212") and (len(text) == 12 or text.startswith("2120")):
        digits = text
    elif text.startswith("0") and len(text) == 10:
        digits = "212" + text[1:]
    else:
        digits = ""
    if digits.startswith("2120"):  # "+212 (0)6 ..." written with the national prefix
        digits = "212" + digits[4:]
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ValueError(f"not a phone number: {raw!r}")
    if digits.startswith("212") and len(digits) != 12:
        raise ValueError(f"a Moroccan number has 9 digits after +212: {raw!r}")
    return "+" + digits


def normalize_national_id(raw: str) -> str:
    """A national ID (CIN) uppercase, without spaces or separators: ``ab 123 456`` ->
    ``AB123456``."""
    value = _PHONE_SEPARATORS.sub("", raw.translate(_DIGITS)).upper()
    if not value or not value.isalnum():
        raise ValueError(f"not a national ID: {raw!r}")
    return value


def name_key(name: str, birth_year: int | None = None, province: str | int | None = None) -> str:
    """A cross-script key of a person's name (and birth year and province when given).

    Each word becomes its shortest skeleton (``app.search.skeleton``: "Fatima Zahra",
    "fatima ezzahra" and "فاطمة الزهراء" meet), the words are sorted (order does not count).
    """
    words: list[str] = []
    for key in _word_keys(name):
        words.append(key)
    if not words:
        raise ValueError(f"no usable name in {name!r}")
    parts = [" ".join(sorted(words))]
    parts.append("" if birth_year is None else str(int(birth_year)))
    parts.append("" if province is None else str(province).strip().casefold())
    return "|".join(parts)


def _word_keys(name: str) -> list[str]:
    keys = []
    for token in tokenize(name):
        found = skeleton_tokens(token)
        if found:
            keys.append(min(found, key=lambda k: (len(k), k)))
    return keys


def keyed_token(kind: str, value: str, key: str | None = None) -> str:
    """HMAC-SHA256 (hex) of an already normalised ``value`` under ``JAM3IA_TOKEN_KEY``.

    ``kind`` separates the spaces ("phone", "national_id", "name") so equal strings of
    different kinds never match.
    """
    secret = key if key is not None else current_app.config["JAM3IA_TOKEN_KEY"]
    message = f"{kind}\x1f{value}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def phone_token(raw: str, key: str | None = None) -> str:
    """The keyed token of a phone number, equal for every spelling of it."""
    return keyed_token("phone", normalize_phone(raw), key)


def national_id_token(raw: str, key: str | None = None) -> str:
    """The keyed token of a national ID."""
    return keyed_token("national_id", normalize_national_id(raw), key)


def name_token(
    name: str,
    birth_year: int | None = None,
    province: str | int | None = None,
    key: str | None = None,
) -> str:
    """The keyed token of a person's :func:`name_key`."""
    return keyed_token("name", name_key(name, birth_year, province), key)


#: the most keys of one name :func:`name_keys` gives (a long name stops adding combinations)
MAX_NAME_KEYS = 64
_SON_OF = {"ben", "bin", "ibn", "بن", "ابن"}
_ALLAH = {"الله", "اللّه", "allah", "lah", "llah", "ellah", "ullah", "oullah"}


def _word_key_set(token: str) -> list[str]:
    """Every skeleton key of one word of a name, with the readings people swap: without a
    leading vowel ("Ibrahim"/"Brahim", "Idriss"/"Driss") and without a final y ("ليلى" read
    "lyly", "Laila" "lyl")."""
    if token.casefold() in _ALLAH:
        return ["lh"]
    if token.casefold() in _SON_OF:  # "Ben Ali" / "بنعلي" / "Benali"
        return ["bn"]
    keys: dict[str, None] = {}
    for found in skeleton_tokens(token):
        keys[found] = None
        if len(found) >= 4 and found[0] == "a":
            keys[found[1:]] = None
        if len(found) >= 4 and found[-1] in "yh":  # "Aminah"/"Amina"
            keys[found[:-1]] = None
        if found.startswith("abdl") and len(found) >= 6:  # "Abdelrahim"/"Abderrahim"
            keys["abd" + found[4:]] = None
    return list(keys)


def name_keys(
    name: str, birth_year: int | None = None, province: str | int | None = None
) -> list[str]:
    """All the cross-script keys of a person's name (with birth year and province), for a
    match on any shared key. Unlike :func:`name_key` (one key), each word keeps all its
    skeletons, and two neighbouring words are also read as one: a compound name written in
    one word or two ("عبد القادر"/"Abdelkader"/"Abdel Kader", "نور الدين"/"Noureddine"),
    an article kept as an ``l`` ("abd" + "alkdr" -> "abdlkdr"). Raises ``ValueError`` when
    the name has no usable word."""
    words = [keys for keys in (_word_key_set(t) for t in tokenize(name)) if keys]
    if not words:
        raise ValueError(f"no usable name in {name!r}")
    readings = [words]
    for i in range(len(words) - 1):
        joined: dict[str, None] = {}
        for left in words[i]:
            for right in words[i + 1]:
                joined[left + right] = None
                if right.startswith("al"):
                    joined[left + right[1:]] = None
        readings.append([*words[:i], list(joined), *words[i + 2 :]])
    tail = ("" if birth_year is None else str(int(birth_year))) + "|"
    tail += "" if province is None else str(province).strip().casefold()
    found: dict[str, None] = {}
    for reading in readings:
        combos: list[list[str]] = [[]]
        for keys in reading:
            combos = [[*c, k] for c in combos for k in keys][:MAX_NAME_KEYS]
        for combo in combos:
            found[" ".join(sorted(combo)) + "|" + tail] = None
            if len(found) >= MAX_NAME_KEYS:
                return list(found)
    return list(found)


def phone_near_tokens(raw: str, key: str | None = None) -> list[str]:
    """Keyed tokens of a phone number with each digit in turn masked: two numbers one digit
    apart (a typo) share one, equal numbers share all. Raises ``ValueError`` like
    :func:`normalize_phone`."""
    phone = normalize_phone(raw)
    start = 4 if phone.startswith("+212") else 1
    return [
        keyed_token("phone_near", phone[:i] + "_" + phone[i + 1 :], key)
        for i in range(start, len(phone))
    ]


def name_tokens(
    name: str,
    birth_year: int | None = None,
    province: str | int | None = None,
    key: str | None = None,
) -> list[str]:
    """The keyed tokens of a person's :func:`name_keys`."""
    return [keyed_token("name", k, key) for k in name_keys(name, birth_year, province)]


# ------------------------------------------------------------------ access log


class PersonalDataAccess(Model):
    """One read of personal fields: who, when, what, why, from which face."""

    __tablename__ = "personal_data_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The actor's username at the time (kept when the account is deleted), or the face.
    actor_name: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(80))
    row_id: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(200))
    face: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_personal_data_access_object", "model", "row_id"),
        {"sqlite_autoincrement": True},
    )


def _face() -> str:
    if not has_request_context():
        return "cli"
    if getattr(request, "namespace", None) is not None or getattr(request, "sid", None):
        return "socket"
    return "api" if request.path.startswith("/api/") else "page"


MAX_PURPOSE = 200


def read_personal(
    actor: Any, obj: Any, fields: Sequence[str], purpose: str, *, face: str | None = None
) -> dict[str, Any]:
    """Read personal ``fields`` of ``obj`` for ``purpose``, logging the read.

    The only way to read personal fields: the access-control check (``access_*``) comes
    first, then this. ``actor`` is the user (``None`` for the command line and jobs). The log
    row joins the caller's transaction (flushed, not committed), so a read that is rolled back
    leaves no log and no read goes unlogged. An empty purpose is a 400 ``purpose_required``.
    """
    why = (purpose or "").strip()
    if not why:
        raise ApiError(
            400,
            "purpose_required",
            _("Say why you need these personal details."),
            {"purpose": [_("A purpose is required to read personal data.")]},
        )
    if len(why) > MAX_PURPOSE:
        raise ApiError(
            400,
            "validation_failed",
            _("The purpose is too long."),
            {"purpose": [_("At most %(n)d characters.", n=MAX_PURPOSE)]},
        )
    allowed = set(personal_fields(type(obj)))
    wanted = list(dict.fromkeys(fields))
    unknown = [name for name in wanted if name not in allowed]
    if not wanted or unknown:
        raise ValueError(f"not personal fields of {type(obj).__name__}: {unknown or 'none'}")
    where = face or _face()
    if where not in FACES:
        raise ValueError(f"face must be one of {FACES}")
    mapper: Mapper[Any] = inspect(type(obj))
    identity = mapper.primary_key_from_instance(obj)
    if any(part is None for part in identity):
        raise ValueError("read_personal needs a stored object (flush it first)")
    values = {name: getattr(obj, name) for name in wanted}
    db.session.add(
        PersonalDataAccess(
            at=utcnow(),
            actor_id=getattr(actor, "id", None),
            actor_name=str(getattr(actor, "username", None) or where)[:80],
            model=str(getattr(mapper.local_table, "name", type(obj).__name__)),
            row_id=":".join(str(part) for part in identity)[:64],
            fields=wanted,
            purpose=why,
            face=where,
        )
    )
    db.session.flush()
    return values


# ------------------------------------------------------------------ retention


@dataclass(frozen=True)
class ArchiveInactive:
    """Set ``archived`` to now on rows whose ``last_active`` is older than ``days``."""

    days: int
    last_active: str
    archived: str

    def __call__(self, model: type, now: dt.datetime) -> int:
        cutoff = now - dt.timedelta(days=self.days)
        col = getattr(model, self.last_active)
        stmt = (
            update(model)
            .where(col < cutoff, getattr(model, self.archived).is_(None))
            .values({self.archived: now})
            .execution_options(synchronize_session=False)
        )
        return _rowcount(stmt)


@dataclass(frozen=True)
class EraseFieldsAfter:
    """Set ``fields`` to NULL on rows whose ``since`` column is older than ``days``."""

    days: int
    since: str
    fields: tuple[str, ...]

    def __call__(self, model: type, now: dt.datetime) -> int:
        cutoff = now - dt.timedelta(days=self.days)
        holding = [getattr(model, name).is_not(None) for name in self.fields]
        stmt = (
            update(model)
            .where(getattr(model, self.since) < cutoff, or_(*holding))
            .values(dict.fromkeys(self.fields))
            .execution_options(synchronize_session=False)
        )
        return _rowcount(stmt)


@dataclass(frozen=True)
class DeleteOlderThan:
    """Delete rows whose ``since`` column is older than ``days``."""

    days: int
    since: str

    def __call__(self, model: type, now: dt.datetime) -> int:
        cutoff = now - dt.timedelta(days=self.days)
        stmt = (
            delete(model)
            .where(getattr(model, self.since) < cutoff)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(stmt)


def _rowcount(stmt: Any) -> int:
    result = db.session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


RetentionRule = Callable[[type, dt.datetime], int]


def register_retention(app: Flask, model: type, rule: RetentionRule) -> None:
    """Declare a retention rule of ``model`` (from a feature's ``register(app)``).

    ``rule(model, now)`` changes the rows due at ``now`` and returns how many it changed:
    :class:`ArchiveInactive`, :class:`EraseFieldsAfter`, :class:`DeleteOlderThan` or any
    function of that shape. The daily ``retention`` job runs them all.
    """
    registry(app).retention.append((model, rule))


def run_retention(now: dt.datetime) -> dict[str, int]:
    """Apply every registered retention rule as of ``now`` (the caller commits).

    Returns rows changed per ``Model: rule``.
    """
    changed: dict[str, int] = {}
    for model, rule in registry().retention:
        label = f"{model.__name__}: {getattr(rule, '__name__', type(rule).__name__)}"
        changed[label] = changed.get(label, 0) + rule(model, now)
    return changed
