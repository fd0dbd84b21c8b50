"""Outgoing mail: one module, sent after commit, rendered in the reader's language.

- :func:`send_after_commit` renders a mail (subject, plain text and HTML from
  ``templates/mail/<name>.subject.txt``, ``.txt`` and ``.html``) in the recipient's language
  (Arabic HTML is right-to-left) and queues it on the database session: it leaves only if and
  when the transaction commits, and is dropped on rollback.
- Over SMTP when ``MAIL_URL`` is set (see :func:`app.config.parse_mail_url`); otherwise each
  mail is written as an ``.eml`` file under ``instance/mail/`` and the log says where.
- A failed send is logged and never breaks the request that caused it.

Links in mails are built with :func:`app.urls.public_url` (the configured public address),
never from the request's host. The library is the standard one (``smtplib`` and
``email.message``): nothing more is needed for plain SMTP with STARTTLS or TLS.
"""

from __future__ import annotations

import functools
import logging
import secrets
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from app.config import Config, MailSettings
from app.db import after_commit, utcnow
from app.i18n import DEFAULT_LOCALE, LANGUAGES, reading_as, text_direction

log = logging.getLogger("jam3ia.mail")


def render_mail(
    template: str, to: str, locale: str | None, zone: str | None = None, **context: Any
) -> EmailMessage:
    """The mail ``template`` for address ``to``, in language ``locale`` (Arabic by default),
    with its dates in time zone ``zone`` (the platform's when ``None``)."""
    lang = locale if locale in LANGUAGES else DEFAULT_LOCALE
    with reading_as(lang, zone):
        ctx = {"mail_locale": lang, "mail_dir": text_direction(lang), **context}
        subject = render_template(f"mail/{template}.subject.txt", **ctx).strip()
        text = render_template(f"mail/{template}.txt", **ctx)
        html = render_template(f"mail/{template}.html", **ctx)
    cfg: Config = current_app.config["JAM3IA"]
    settings = cfg.mail
    msg = EmailMessage()
    msg["Subject"] = " ".join(subject.split())  # one line, whatever the template did
    msg["From"] = settings.sender if settings else "jam3ia <noreply@localhost>"
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="jam3ia")
    msg["Content-Language"] = lang
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send_after_commit(
    template: str, to: str, locale: str | None, zone: str | None = None, **context: Any
) -> None:
    """Render now, send once the current transaction commits (never after a rollback)."""
    message = render_mail(template, to, locale, zone, **context)
    after_commit(functools.partial(send_now, message, current_app.config["JAM3IA"]))


def send_now(message: EmailMessage, config: Config) -> bool:
    """Deliver one mail (SMTP, or a file without ``MAIL_URL``); ``False`` if it failed."""
    settings = config.mail
    try:
        if settings is None:
            path = _write_file(message, config.instance_path / "mail")
            log.info("MAIL_URL is not set: mail to %s written to %s", message["To"], path)
        else:
            _send_smtp(message, settings)
    except Exception:
        where = settings.describe() if settings else str(config.instance_path / "mail")
        log.exception("mail to %s not sent (%s)", message["To"], where)
        return False
    return True


def _write_file(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    return path


def _send_smtp(message: EmailMessage, settings: MailSettings) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.ssl:
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.starttls:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


__all__ = ["render_mail", "send_after_commit", "send_now"]
