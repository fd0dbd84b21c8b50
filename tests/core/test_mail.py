"""The mail module: MAIL_URL parsing, SMTP delivery after commit, files in development."""

from __future__ import annotations

import email
import email.policy
import logging
from pathlib import Path

import pytest

from app.config import Config, ConfigError, parse_mail_url
from app.db import db
from app.mail import send_after_commit
from tests.mailbox import Mailbox, mailbox, text_of

__all__ = ["mailbox"]

BASE = "https://jam3ia.example.ma"


@pytest.fixture
def config(tmp_path: Path, database_url: str | None, mailbox: Mailbox) -> Config:
    return Config(
        env="testing",
        instance_path=tmp_path / "instance",
        database_url=database_url,
        secret_key="test-secret-key",
        base_url=BASE,
        mail_url=mailbox.url(),
    )


def _reset_mail(locale: str | None) -> None:
    send_after_commit(
        "password_reset",
        "amina@example.org",
        locale,
        name="Amina",
        link=BASE + "/password-reset/abc",
        home_url=BASE + "/",
    )


def _listen(caplog) -> None:
    # another test in the same worker may have disabled or detached the logger (dictConfig)
    logger = logging.getLogger("jam3ia.mail")
    logger.disabled = False
    logger.propagate = False  # the records reach caplog once, through its own handler
    logger.addHandler(caplog.handler)


# --- MAIL_URL ------------------------------------------------------------------------------


def test_mail_url_with_starttls_and_an_encoded_login():
    settings = parse_mail_url(
        "smtp://user%40example.ma:p%40ss%3Aw%2Frd@mail.example.ma:587?starttls=1"
        "&from=Jam3ia%20%3Cnoreply%40example.ma%3E"
    )
    assert (settings.host, settings.port) == ("mail.example.ma", 587)
    assert settings.starttls and not settings.ssl
    assert settings.username == "user@example.ma"
    assert settings.password == "p@ss:w/rd"
    assert settings.sender == "Jam3ia <noreply@example.ma>"
    assert "p@ss" not in repr(settings) and "p@ss" not in settings.describe()


def test_mail_url_defaults():
    assert parse_mail_url("smtps://mail.example.ma").port == 465
    assert parse_mail_url("smtps://mail.example.ma").ssl
    assert parse_mail_url("smtp://mail.example.ma?starttls=1").port == 587
    plain = parse_mail_url("smtp://localhost")
    assert (plain.port, plain.starttls, plain.username) == (25, False, None)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:hunter2@mail.example.ma", "scheme"),
        ("smtp://user:hunter2@:25", "host"),
        ("smtp://user:hunter2@mail.example.ma:port", "port"),
        ("smtp://user:hunter2@mail.example.ma?starttls=maybe", "starttls"),
        ("smtps://user:hunter2@mail.example.ma?starttls=1", "starttls"),
        ("smtp://user:hunter2@mail.example.ma?tls=1", "unknown"),
        ("smtp://user:hunter2@mail.example.ma?from=nobody", "from="),
    ],
)
def test_a_bad_mail_url_is_explained_without_its_password(url, reason):
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"MAIL_URL": url})
    message = str(caught.value)
    assert "MAIL_URL must look like" in message and reason in message
    assert "hunter2" not in message


def test_the_password_is_not_in_the_described_config():
    cfg = Config.from_env({"MAIL_URL": "smtp://me:hunter2@mail.example.ma:587?starttls=1"})
    assert "hunter2" not in str(cfg.describe())
    assert cfg.mail is not None and cfg.mail.password == "hunter2"


# --- delivery ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "subject", "direction", "greeting"),
    [
        ("fr", "Réinitialisez votre mot de passe jam3ia", "ltr", "Bonjour Amina,"),
        ("ar", "أعد تعيين كلمة مرور jam3ia", "rtl", "مرحبًا Amina،"),
    ],
)
def test_a_mail_arrives_in_the_readers_language_after_commit(
    app, mailbox, locale, subject, direction, greeting
):
    _reset_mail(locale)
    assert mailbox.messages == []  # not before the commit
    db.session.commit()
    [message] = mailbox.wait(1)
    assert message["Subject"] == subject
    assert message["To"] == "amina@example.org"
    assert message["From"] == "jam3ia <noreply@jam3ia.example.ma>"
    text, html = text_of(message, "plain"), text_of(message, "html")
    assert greeting in text and BASE + "/password-reset/abc" in text
    assert f'dir="{direction}"' in html and f'lang="{locale}"' in html
    assert f'href="{BASE}/password-reset/abc"' in html


def test_a_rolled_back_transaction_sends_nothing(app, mailbox):
    _reset_mail("fr")
    db.session.rollback()
    db.session.commit()
    assert mailbox.wait(1, timeout=0.5) == []


def test_a_failed_send_is_logged_and_does_not_break_the_caller(app, caplog):
    _listen(caplog)
    from tests.conftest import free_port

    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(
        mail_url=f"smtp://me:hunter2@127.0.0.1:{free_port()}"
    )
    _reset_mail("fr")
    with caplog.at_level(logging.ERROR, logger="jam3ia.mail"):
        db.session.commit()  # nothing listens on that port: no exception
    assert any("not sent" in r.getMessage() for r in caplog.records)
    assert "hunter2" not in caplog.text


def test_without_mail_url_mails_are_written_as_eml_files(app, caplog):
    _listen(caplog)
    cfg = app.config["JAM3IA"].with_changes(mail_url=None)
    app.config["JAM3IA"] = cfg
    _reset_mail("fr")
    with caplog.at_level(logging.INFO, logger="jam3ia.mail"):
        db.session.commit()
    files = list((cfg.instance_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"MAIL_URL is not set: mail to amina@example.org written to {files[0]}"
    ]
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Réinitialisez votre mot de passe jam3ia"
    assert message["To"] == "amina@example.org"


# --- daily digest --------------------------------------------------------------------------


def _notification(user, text, created_at, read_at=None):
    from app.notifications.models import Notification

    n = Notification(
        user_id=user.id,
        kind="forums.reply",
        subject=f"s{text}",
        text=text,
        url="/forums/topics/1",
        created_at=created_at,
        read_at=read_at,
    )
    db.session.add(n)
    return n


def test_the_daily_digest_sends_unread_notifications_of_the_last_day_once(app, mailbox):
    import datetime as dt

    from app.digest import send_digests
    from tests.factories import UserFactory

    now = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)
    reader = UserFactory(locale="fr", email_digest=True)
    quiet = UserFactory(locale="fr", email_digest=False)  # did not opt in
    UserFactory(locale="ar", email_digest=True)  # opted in, nothing unread: no mail
    _notification(reader, "Nouvelle réponse de Karim", now - dt.timedelta(hours=3))
    _notification(reader, "Mention par Salma", now - dt.timedelta(hours=20))
    _notification(reader, "Déjà lue", now - dt.timedelta(hours=2), read_at=now)
    _notification(reader, "Trop ancienne", now - dt.timedelta(days=2))
    _notification(quiet, "Pour quelqu'un d'autre", now - dt.timedelta(hours=1))
    db.session.commit()

    assert send_digests(now) == 1
    [message] = mailbox.wait(1)
    assert mailbox.recipients == [[reader.email]]
    assert message["Subject"] == "2 notifications non lues sur jam3ia"
    text = text_of(message, "plain")
    assert "Nouvelle réponse de Karim" in text and "Mention par Salma" in text
    assert "Déjà lue" not in text and "Trop ancienne" not in text
    assert f"{BASE}/forums/topics/1" in text and f"{BASE}/notifications" in text

    # the same day again: nothing; the next day, only what is new
    assert send_digests(now + dt.timedelta(hours=1)) == 0
    _notification(reader, "Encore une", now + dt.timedelta(hours=5))
    db.session.commit()
    assert send_digests(now + dt.timedelta(days=1)) == 1
    second = mailbox.wait(2)[1]
    assert second["Subject"] == "1 notification non lue sur jam3ia"
    assert "Nouvelle réponse de Karim" not in text_of(second, "plain")


def test_the_send_digests_command(app, mailbox):
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "0 digest(s) sent" in result.output


def test_a_person_opts_in_to_the_digest_on_the_api_and_the_settings_page(app, api, logged_in):
    from app.accounts.models import User
    from tests.conftest import csrf_token
    from tests.factories import UserFactory

    user = UserFactory()
    response = api(user).put("/api/v1/me/digest", json={"enabled": True})
    assert (response.status_code, response.json) == (200, {"enabled": True})
    assert api(None).put("/api/v1/me/digest", json={"enabled": True}).status_code == 401
    page = logged_in(user)
    response = page.post(
        "/settings/digest", data={"enabled": "0", "csrf_token": csrf_token(page, "/settings")}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_digest is False


# --- email verification --------------------------------------------------------------------


def test_with_verification_on_a_new_account_reads_but_posts_only_once_verified(app, api, mailbox):
    import re

    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(verify_email=True)
    registered = api(None).post(
        "/api/v1/auth/register",
        json={
            "username": "nadia",
            "email": "nadia@example.org",
            "password": "a long enough password 1",
            "locale": "fr",
        },
    )
    assert registered.status_code == 201
    [message] = mailbox.wait(1)
    assert message["Subject"] == "Confirmez votre adresse e-mail pour jam3ia"
    link = re.search(re.escape(BASE) + r"/verify-email/(\S+)", text_of(message, "plain"))
    assert link
    token = (
        api(None)
        .post(
            "/api/v1/auth/tokens",
            json={"login": "nadia", "password": "a long enough password 1"},
        )
        .json["token"]
    )
    from tests.conftest import ApiClient

    nadia = ApiClient(app, token)
    assert nadia.get("/api/v1/me").status_code == 200  # reading is fine
    refused = nadia.post("/api/v1/associations", json={}, headers={"Accept-Language": "fr"})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "email_unverified"

    assert app.test_client().get(f"/verify-email/{link.group(1)}").status_code == 200
    assert nadia.post("/api/v1/associations", json={}).status_code == 422  # on to validation
    assert app.test_client().get("/verify-email/forged").status_code == 400


def test_without_the_setting_nobody_is_asked_to_verify(app, api, mailbox):
    registered = api(None).post(
        "/api/v1/auth/register",
        json={"username": "omar", "email": "omar@example.org", "password": "a long password 1"},
    )
    assert registered.status_code == 201
    assert mailbox.wait(1, timeout=0.5) == []


def test_the_digest_speaks_the_recipient_language_and_zone(app, mailbox):
    import datetime as dt

    from flask_babel import lazy_gettext

    from app.digest import send_digests
    from app.notifications import notify
    from tests.factories import UserFactory

    reader = UserFactory(locale="en", email_digest=True, timezone="America/Toronto")
    [note] = notify(
        [reader.id],
        kind="forum_reply",
        subject="forum_post:1",
        text=lazy_gettext(
            "%(name)s replied in “%(title)s”", name="Youssef Benali", title="جمعيات الأطلس"
        ),
        url="/topics/1",
    )
    note.created_at = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    db.session.commit()
    assert send_digests(dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)) == 1
    [message] = mailbox.wait(1)
    text = text_of(message, "plain")
    assert "Youssef Benali replied in “جمعيات الأطلس”" in text
    assert "4 Dec, 18:30" in text  # Toronto time, not UTC
    html = text_of(message, "html")
    assert "Youssef Benali" in html
