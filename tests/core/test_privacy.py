"""Personal data plumbing: encrypted fields, key rotation, keyed tokens, the access log and
retention rules (``app.privacy``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import Integer, String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import create_app
from app.api import ApiError
from app.config import Config, ConfigError
from app.db import UTCDateTime, db
from app.jobs import run_due_jobs
from app.privacy import (
    ArchiveInactive,
    DecryptionError,
    DeleteOlderThan,
    EncryptedText,
    EraseFieldsAfter,
    PersonalDataAccess,
    name_token,
    national_id_token,
    normalize_phone,
    phone_token,
    read_personal,
    register_retention,
    rotate_data_key,
)
from tests.conftest import PRODUCTION_DATA_KEY

PHONE = "0661234567"
NAME = "Khadija Benali"
T0 = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)


class PrivateBase(DeclarativeBase):
    """A separate metadata: the test model never joins the application's tables."""


class Person(PrivateBase):
    __tablename__ = "privacy_test_people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(40), default="x")
    name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_token: Mapped[str | None] = mapped_column(String(64))
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=lambda: T0)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


@pytest.fixture
def people(app: Flask) -> Iterator[type[Person]]:
    PrivateBase.metadata.create_all(db.engine)
    yield Person
    db.session.rollback()
    PrivateBase.metadata.drop_all(db.engine)


def _add(**values: object) -> Person:
    person = Person(**values)
    db.session.add(person)
    db.session.commit()
    return person


def _raw_rows() -> list[str]:
    """Every stored row as plain text, as a dump would show it."""
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT t::text FROM privacy_test_people t ORDER BY id"
        return [row[0] for row in db.session.execute(text(sql))]
    rows = db.session.execute(text("SELECT * FROM privacy_test_people ORDER BY id")).all()
    return [" ".join(str(v) for v in row) for row in rows]


def _raw_phone(person_id: int) -> str:
    sql = text("SELECT phone FROM privacy_test_people WHERE id = :id")
    return str(db.session.execute(sql, {"id": person_id}).scalar_one())


def test_encrypted_fields_round_trip_and_are_never_stored_in_clear(app, people, config):
    person = _add(name=NAME, phone=PHONE, phone_token=phone_token(PHONE))
    db.session.expire_all()
    again = db.session.get(Person, person.id)
    assert (again.name, again.phone) == (NAME, PHONE)
    dump = "\n".join(_raw_rows())
    assert PHONE not in dump and "Khadija" not in dump and "Benali" not in dump
    # two encryptions of one value differ: nothing to compare in SQL
    other = _add(phone=PHONE)
    assert _raw_phone(other.id) != _raw_phone(person.id)
    if db.engine.dialect.name == "sqlite":
        files = Path(config.instance_path).glob("jam3ia.db*")  # the file, its WAL and SHM
        data = b"".join(path.read_bytes() for path in files)
        assert PHONE.encode() not in data and NAME.encode() not in data


def test_an_encrypted_column_refuses_sql_comparisons(app, people):
    _add(phone=PHONE, phone_token=phone_token(PHONE))
    for compare in (
        lambda: Person.phone == PHONE,
        lambda: Person.phone.in_([PHONE]),
        lambda: Person.phone.like("06%"),
        lambda: Person.phone.desc(),
    ):
        with pytest.raises(TypeError, match="keyed token"):
            compare()
    assert db.session.scalars(select(Person).where(Person.phone.is_not(None))).one()
    assert db.session.scalars(select(Person).where(Person.phone == None)).all() == []  # noqa: E711
    found = select(Person).where(Person.phone_token == phone_token("+212 661-23-45-67"))
    assert db.session.scalars(found).one().phone == PHONE


def test_a_tampered_value_is_refused_clearly(app, people):
    person = _add(phone=PHONE)
    token = _raw_phone(person.id)
    middle = len(token) // 2
    forged = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    db.session.execute(
        text("UPDATE privacy_test_people SET phone = :p WHERE id = :id"),
        {"p": forged, "id": person.id},
    )
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(DecryptionError, match="failed authentication"):
        db.session.get(Person, person.id)


def test_rotation_re_encrypts_with_the_first_key_and_old_rows_read_throughout(app, people):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["JAM3IA_DATA_KEYS"] = (old,)
    first = _add(phone=PHONE, name=NAME)
    second = _add(phone="0700000000")
    assert Fernet(old).decrypt(_raw_phone(first.id).encode()).decode() == PHONE

    app.config["JAM3IA_DATA_KEYS"] = (new, old)  # the new key encrypts, both decrypt
    db.session.expire_all()
    assert db.session.get(Person, first.id).phone == PHONE
    third = _add(phone="0522000000")
    assert Fernet(new).decrypt(_raw_phone(third.id).encode()).decode() == "0522000000"

    done = rotate_data_key(models=[Person], batch_size=2)  # two batches, and a last empty one
    assert done == {"privacy_test_people": 3}
    for row in (first, second, third):
        Fernet(new).decrypt(_raw_phone(row.id).encode())  # all under the new key now

    app.config["JAM3IA_DATA_KEYS"] = (new,)  # the old key removed
    db.session.expire_all()
    assert db.session.get(Person, first.id).name == NAME
    assert db.session.get(Person, second.id).phone == "0700000000"
    app.config["JAM3IA_DATA_KEYS"] = (old,)  # and the old key alone opens nothing
    db.session.expire_all()
    with pytest.raises(DecryptionError):
        db.session.get(Person, first.id)


def test_rotate_data_key_command(app, people, monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["JAM3IA_DATA_KEYS"] = (old,)
    person = _add(phone=PHONE)
    app.config["JAM3IA_DATA_KEYS"] = (new, old)
    monkeypatch.setattr("app.privacy.encrypted_models", lambda: [Person])
    result = app.test_cli_runner().invoke(args=["rotate-data-key", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "privacy_test_people: 1 rows re-encrypted" in result.output
    assert Fernet(new).decrypt(_raw_phone(person.id).encode()).decode() == PHONE


def test_keys_come_from_the_environment_or_a_development_file(tmp_path):
    key = Fernet.generate_key().decode()
    cfg = Config.from_env(
        {
            "JAM3IA_INSTANCE_PATH": str(tmp_path),
            "JAM3IA_DATA_KEY": f"{key}, {PRODUCTION_DATA_KEY}",
            "JAM3IA_TOKEN_KEY": "t" * 40,
        }
    )
    assert cfg.resolve_data_keys() == (key, PRODUCTION_DATA_KEY)
    assert cfg.describe()["data_key"] == "***" and cfg.describe()["token_key"] == "***"
    dev = Config(env="development", instance_path=tmp_path / "dev")
    keys = dev.resolve_data_keys()
    assert keys == dev.resolve_data_keys()  # kept in the instance folder
    assert ((tmp_path / "dev" / "dev-data-key").stat().st_mode & 0o777) == 0o600
    dev.resolve_token_key()
    assert ((tmp_path / "dev" / "dev-token-key").stat().st_mode & 0o777) == 0o600
    with pytest.raises(ConfigError, match="Fernet keys"):
        Config(instance_path=tmp_path, data_key="not-a-key").resolve_data_keys()
    with pytest.raises(ConfigError, match="at least 32"):
        Config(instance_path=tmp_path, token_key="short").resolve_token_key()


@pytest.mark.parametrize(
    ("missing", "setting"), [("data_key", "JAM3IA_DATA_KEY"), ("token_key", "JAM3IA_TOKEN_KEY")]
)
def test_production_refuses_to_start_without_its_keys(tmp_path, missing, setting):
    values = {
        "env": "production",
        "instance_path": tmp_path,
        "secret_key": "s",
        "base_url": "https://jam3ia.example.ma",
        "data_key": PRODUCTION_DATA_KEY,
        "token_key": "p" * 40,
        missing: None,
    }
    with pytest.raises(ConfigError, match=setting):
        create_app(Config(**values))  # type: ignore[arg-type]
    assert not (tmp_path / "dev-data-key").exists() and not (tmp_path / "dev-token-key").exists()


@pytest.mark.parametrize(
    "spelling",
    [
        "0661234567",
        "06 61 23 45 67",
        "06.61.23.45.67",
        "06-61-23-45-67",
        "+212 661234567",
        "+212 6 61 23 45 67",
        "+212 (0)6 61 23 45 67",
        "00212661234567",
        "00 212 661-234-567",
        "212661234567",
        "212 0661 23 45 67",
        "٠٦٦١٢٣٤٥٦٧",
        "+٢١٢ ٦٦١ ٢٣ ٤٥ ٦٧",
        "۰۶۶۱۲۳۴۵۶۷",
    ],
)
def test_every_spelling_of_a_phone_gives_one_token(app, spelling):
    assert normalize_phone(spelling) == "+212661234567"
    assert phone_token(spelling) == phone_token("0661234567")


def test_tokens_differ_across_keys_kinds_and_values(app):
    assert phone_token(PHONE, key="a" * 40) != phone_token(PHONE, key="b" * 40)
    assert phone_token(PHONE) != phone_token("0661234568")
    assert phone_token(PHONE) == phone_token(PHONE, key=app.config["JAM3IA_TOKEN_KEY"])
    assert PHONE not in phone_token(PHONE) and len(phone_token(PHONE)) == 64
    assert national_id_token("ab 123 456") == national_id_token("AB123456")
    assert national_id_token("AB123456") != national_id_token("AB123457")
    for wrong in ("", "12", "06 12", "+212 6123", "phone"):
        with pytest.raises(ValueError, match=r"phone number|9 digits"):
            normalize_phone(wrong)
    assert normalize_phone("+33 6 12 34 56 78") == "+33612345678"


def test_name_tokens_meet_across_scripts_and_separate_by_birth_year(app):
    assert name_token("Khadija Benali") == name_token("خديجة بنعلي") == name_token("benali khadija")
    assert name_token("Fatima Zahra") == name_token("فاطمة الزهراء")
    assert name_token("Mohamed Alami", 1980) == name_token("محمد العلمي", 1980)
    assert name_token("Mohamed Alami", 1980) != name_token("Mohamed Alami", 1981)
    assert name_token("Mohamed Alami", 1980, "Fès") != name_token("Mohamed Alami", 1980, "Rabat")
    assert name_token("Mohamed Alami") != name_token("Mohamed Bennani")


def test_every_read_of_personal_fields_is_logged_with_its_purpose(app, people, user):
    person = _add(name=NAME, phone=PHONE)
    values = read_personal(user, person, ["phone", "name"], "call about the food basket")
    assert values == {"phone": PHONE, "name": NAME}
    db.session.commit()
    with app.test_request_context("/api/v1/households/1"):
        read_personal(user, person, ["phone"], "delivery")
    with app.test_request_context("/households/1"):
        read_personal(user, person, ["name"], "home visit")
    with app.test_request_context("/socket.io/"):
        from flask import request

        request.namespace = "/aid"  # type: ignore[attr-defined]  # as Flask-SocketIO sets it
        read_personal(user, person, ["name"], "chat with the household")
    read_personal(None, person, ["name"], "export for the ministry", face="job")
    db.session.commit()
    rows = db.session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id)).all()
    assert [(r.actor_id, r.fields, r.purpose, r.face) for r in rows] == [
        (user.id, ["phone", "name"], "call about the food basket", "cli"),
        (user.id, ["phone"], "delivery", "api"),
        (user.id, ["name"], "home visit", "page"),
        (user.id, ["name"], "chat with the household", "socket"),
        (None, ["name"], "export for the ministry", "job"),
    ]
    assert {(r.model, r.row_id) for r in rows} == {("privacy_test_people", str(person.id))}
    assert rows[0].actor_name == user.username and rows[0].at is not None


def test_a_read_without_purpose_is_refused_and_nothing_is_logged(app, people, user):
    person = _add(phone=PHONE)
    for purpose in ("", "   "):
        with pytest.raises(ApiError) as refused:
            read_personal(user, person, ["phone"], purpose)
        assert refused.value.code == 400 and refused.value.error_code == "purpose_required"
        assert "purpose" in refused.value.fields
    with pytest.raises(ValueError, match="not personal fields"):
        read_personal(user, person, ["label"], "curiosity")  # not a personal field
    with pytest.raises(ValueError, match="not personal fields"):
        read_personal(user, person, [], "nothing")
    db.session.commit()
    assert db.session.scalars(select(PersonalDataAccess)).all() == []


def test_a_rolled_back_read_leaves_no_log(app, people, user):
    person = _add(phone=PHONE)
    read_personal(user, person, ["phone"], "check")
    db.session.rollback()
    assert db.session.scalars(select(PersonalDataAccess)).all() == []


def test_retention_rules_fire_at_the_right_time(app, people):
    register_retention(app, Person, EraseFieldsAfter(days=30, since="seen_at", fields=("phone",)))
    register_retention(app, Person, DeleteOlderThan(days=365, since="seen_at"))
    register_retention(
        app, Person, ArchiveInactive(days=15, last_active="seen_at", archived="archived_at")
    )
    fresh = _add(phone=PHONE, seen_at=T0)
    old = _add(phone="0700000000", seen_at=T0 - dt.timedelta(days=20))
    ancient = _add(phone="0511111111", seen_at=T0 - dt.timedelta(days=350))
    ancient_id = ancient.id

    def state() -> dict[int, str | None]:
        db.session.expire_all()
        return {p.id: p.phone for p in db.session.scalars(select(Person))}

    def archived() -> dict[int, dt.datetime | None]:
        return {p.id: p.archived_at for p in db.session.scalars(select(Person))}

    assert [o.name for o in run_due_jobs(T0, only="retention")] == ["retention"]
    assert state() == {fresh.id: PHONE, old.id: "0700000000", ancient.id: None}
    assert archived() == {fresh.id: None, old.id: T0, ancient.id: T0}
    # within the day: not due; 11 days later: due, and the 20-day-old phone is now 31
    assert run_due_jobs(T0 + dt.timedelta(hours=23), only="retention") == []
    assert state()[old.id] == "0700000000"
    outcome = run_due_jobs(T0 + dt.timedelta(days=11), only="retention")
    assert outcome[0].ok, outcome
    assert state() == {fresh.id: PHONE, old.id: None, ancient.id: None}
    assert archived() == {fresh.id: None, old.id: T0, ancient.id: T0}  # archived once
    run_due_jobs(T0 + dt.timedelta(days=16), only="retention")
    assert ancient_id not in state()  # over 365 days old: deleted


def test_processes_starting_together_share_one_development_key(tmp_path, caplog, monkeypatch):
    import threading
    import time

    generate = Fernet.generate_key

    def slow_generate() -> bytes:
        time.sleep(0.05)  # others start meanwhile: none may read a half-made key file
        return generate()

    monkeypatch.setattr(Fernet, "generate_key", staticmethod(slow_generate))

    dev = Config(env="development", instance_path=tmp_path / "race")
    start = threading.Barrier(6)
    found: list[tuple[str, ...]] = []
    errors: list[BaseException] = []

    def resolve() -> None:
        start.wait()
        try:
            found.append(dev.resolve_data_keys())
        except BaseException as error:  # reported below
            errors.append(error)

    with caplog.at_level("WARNING", logger="jam3ia"):
        threads = [threading.Thread(target=resolve) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert errors == []
    assert len(found) == 6 and len(set(found)) == 1
    assert sorted(p.name for p in (tmp_path / "race").iterdir()) == ["dev-data-key"]
    warnings = [r for r in caplog.records if "JAM3IA_DATA_KEY is not set" in r.getMessage()]
    assert len(warnings) == 1


def test_rotation_never_overwrites_a_value_written_meanwhile(app, people):
    from sqlalchemy import event, update

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["JAM3IA_DATA_KEYS"] = (old,)
    first, second = _add(phone=PHONE), _add(phone="0700000000")
    app.config["JAM3IA_DATA_KEYS"] = (new, old)
    edited = {"done": False}

    def edit_meanwhile(state) -> None:
        # a person edits the first row after the rotation read it, before it is rewritten
        if state.is_update and not edited["done"]:
            edited["done"] = True
            with db.engine.begin() as other:
                other.execute(
                    update(Person.__table__)
                    .where(Person.__table__.c.id == first.id)
                    .values(phone="0611111111")
                )

    event.listen(db.session, "do_orm_execute", edit_meanwhile)
    try:
        done = rotate_data_key(models=[Person])
    finally:
        event.remove(db.session, "do_orm_execute", edit_meanwhile)
    assert edited["done"] and done == {"privacy_test_people": 1}
    app.config["JAM3IA_DATA_KEYS"] = (new,)
    db.session.expire_all()
    assert db.session.get(Person, first.id).phone == "0611111111"  # the edit survived
    assert db.session.get(Person, second.id).phone == "0700000000"
