"""The command line, configuration, health check, OpenAPI document and migrations."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app import create_app
from app.accounts.models import User
from app.config import Config, ConfigError
from app.db import db


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config(env="production", instance_path=tmp_path))


def test_environment_is_read(tmp_path):
    cfg = Config.from_env(
        {
            "DATABASE_URL": "postgres://u@db/x",
            "JAM3IA_INSTANCE_PATH": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "SECRET_KEY": "s",
        }
    )
    assert cfg.sqlalchemy_url == "postgresql+psycopg://u@db/x"
    assert cfg.effective_search_backend == "postgres"
    assert cfg.instance_path == tmp_path
    assert cfg.flask_settings()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    default = Config.from_env({"JAM3IA_INSTANCE_PATH": str(tmp_path)})
    assert default.sqlalchemy_url == f"sqlite:///{tmp_path / 'jam3ia.db'}"
    assert default.effective_search_backend == "whoosh"


def test_the_blood_radius_is_a_typed_setting(tmp_path):
    assert Config().offers_blood_radius_km == 50
    cfg = Config.from_env(
        {"JAM3IA_INSTANCE_PATH": str(tmp_path), "JAM3IA_OFFERS_BLOOD_RADIUS_KM": "80"}
    )
    assert cfg.offers_blood_radius_km == 80
    assert cfg.flask_settings()["OFFERS_BLOOD_RADIUS_KM"] == 80


@pytest.mark.parametrize(
    "environ",
    [
        {"JAM3IA_ENV": "staging"},
        {"SEARCH_BACKEND": "solr"},
        {"JAM3IA_ASYNC_MODE": "eventlet"},
        {"JAM3IA_OFFERS_BLOOD_RADIUS_KM": "near"},
        {"JAM3IA_OFFERS_BLOOD_RADIUS_KM": "0"},
    ],
)
def test_bad_environment_is_explained(environ):
    with pytest.raises(ConfigError):
        Config.from_env(environ)


def test_development_secret_is_kept_in_the_instance(tmp_path):
    cfg = Config(instance_path=tmp_path)
    assert cfg.resolve_secret() == cfg.resolve_secret()
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o777 == 0o600


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_openapi_document_is_generated(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/auth/register",
        "/api/v1/auth/tokens",
        "/api/v1/me",
        "/api/v1/users/{user_id}",
    ):
        assert path in paths
    register = paths["/api/v1/auth/register"]["post"]
    assert "requestBody" in register and "201" in register["responses"]


def test_create_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "root",
            "--email",
            "root@example.org",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.username == "root"))
    assert admin.is_admin
    again = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "root",
            "--email",
            "x@example.org",
            "--password",
            "long enough pw",
        ]
    )
    assert again.exit_code != 0
    assert "taken" in again.output


def test_create_admin_rejects_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--username",
            "root",
            "--email",
            "root@example.org",
            "--password",
            "x",
        ]
    )
    assert result.exit_code != 0
    assert "password" in result.output


def test_seed_demo_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--once"])
    assert first.exit_code == 0, first.output
    db.session.expire_all()
    count = len(db.session.scalars(select(User)).all())
    assert count >= 8
    second = runner.invoke(args=["seed-demo", "--once"])
    assert "already loaded" in second.output
    assert len(db.session.scalars(select(User)).all()) == count


def _fresh_app(tmp_path: Path, database_url: str | None):
    return create_app(
        Config(
            env="testing",
            instance_path=tmp_path / "migrations",
            database_url=database_url,
            secret_key="s",
        )
    )


def test_migrations_go_up_and_down_and_match_the_models(tmp_path, database_url):
    application = _fresh_app(tmp_path, database_url)
    with application.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "credentials", "alembic_version"} <= tables
        with db.engine.connect() as conn, warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        # Expression indexes (lower(username)) cannot be compared by autogenerate.
        diff = [
            d for d in diff if not (d[0] in ("add_index", "remove_index") and "lower" in d[1].name)
        ]
        assert diff == [], diff
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_an_unreachable_redis_is_named_without_its_password():
    from app.realtime import check_redis

    with pytest.raises(ConfigError) as caught:
        check_redis("redis://:s3cret-pass@127.0.0.1:1/0")
    assert "s3cret-pass" not in str(caught.value)
    assert "127.0.0.1:1" in str(caught.value)
