"""Everything that changes accounts. Functions take an explicit actor; none reads the request."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import delete, func, select, update

from app.accounts.avatars import remove_avatar
from app.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    LOCALES,
    SKILL_MAX,
    SKILLS_MAX,
    USERNAME_MAX,
    Credential,
    User,
)
from app.api import ApiError
from app.db import db, for_update, insert_once, utcnow
from app.i18n import is_timezone
from app.notifications.models import Notification
from app.security import hash_password, needs_rehash, new_secret, secret_digest, verify_password
from app.signals import (
    credentials_revoked,
    password_changed,
    presence_withdrawn,
    user_created,
    user_erased,
)
from app.text import clean_name, clean_text, display_name_problem

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PASSWORD_MIN = 8
PASSWORD_MAX = 256


class ValidationFailed(ApiError):
    """422 with a message per field."""

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        super().__init__(
            422, "validation_failed", message or _("Some fields are not valid."), fields
        )


__all__ = ["clean_name", "clean_text"]  # the core's one cleaning (app.text), used here


def _(string: str, **variables: object) -> str:
    """gettext in a request; the English source elsewhere (CLI create-admin, demo data)."""
    if has_request_context():
        return str(gettext(string, **variables))
    return string % variables if variables else string


def username_rule() -> str:
    """The username rule, shown under the field before the first try and as its error."""
    return _(
        "%(min)d to %(max)d characters: Latin letters, digits, “.”, “_” or “-”.",
        min=3,
        max=USERNAME_MAX,
    )


def password_rule() -> str:
    return _("%(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX)


def _validate_account(
    username: str | None,
    email: str | None,
    password: str | None,
    display_name: str | None,
    staff: bool = False,
) -> dict[str, list[str]]:
    """Errors per field; reserved names are for platform administrators (``staff``) only."""
    errors: dict[str, list[str]] = {}
    if username is not None and not USERNAME_RE.match(username):
        errors["username"] = [username_rule()]
    if email is not None and (len(email) > EMAIL_MAX or not EMAIL_RE.match(email)):
        errors["email"] = [_("Enter a valid email address.")]
    if password is not None and not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        errors["password"] = [password_rule()]
    if display_name is not None and not 1 <= len(display_name) <= DISPLAY_NAME_MAX:
        errors["display_name"] = [_("%(min)d to %(max)d characters.", min=1, max=DISPLAY_NAME_MAX)]
    elif display_name is not None and (problem := display_name_problem(display_name)):
        if staff and problem == "reserved":
            return errors
        errors["display_name"] = [
            _("This name is reserved.")
            if problem == "reserved"
            else _("This name mixes look-alike letters of several alphabets.")
        ]
    return errors


def _taken(username: str | None, email: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if username and db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower())
    ):
        errors["username"] = [_("This username is taken.")]
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        errors["email"] = [_("An account already uses this email.")]
    return errors


def register_user(
    username: str,
    email: str,
    password: str,
    display_name: str | None = None,
    locale: str | None = None,
    is_admin: bool = False,
    timezone: str | None = None,
) -> User:
    """Create an account. 422 on invalid fields, 409 when username or email is taken.

    ``timezone`` is what the browser reported at sign-up; an unknown zone is ignored (the
    person gets the platform's zone and can pick theirs in the settings)."""
    username, email = username.strip(), email.strip()
    display_name = clean_name(display_name) if display_name else username
    errors = _validate_account(username, email, password, display_name, staff=is_admin)
    if locale is not None and locale not in LOCALES:
        errors["locale"] = [_("Must be one of: %(choices)s.", choices=", ".join(LOCALES))]
    if errors:
        raise ValidationFailed(errors)
    taken = _taken(username, email)
    if taken:
        raise ApiError(409, "conflict", _("This username or email is already registered."), taken)
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        locale=locale,
        timezone=timezone if is_timezone(timezone) else None,
        is_admin=is_admin,
    )
    if not insert_once(user):  # a concurrent registration won the race
        raise ApiError(409, "conflict", _("This username or email is already registered."))
    # in the same transaction: the verification mail leaves only if the account is kept
    user_created.send(current_app._get_current_object(), user_id=user.id)  # type: ignore[attr-defined]
    return user


def authenticate(login: str, password: str) -> User | None:
    """The active user whose username or email is ``login`` and whose password matches.

    Unknown login and wrong password take the same time and give the same answer.
    """
    login = (login or "").strip()[:EMAIL_MAX]
    user = db.session.scalar(
        select(User).where(
            (func.lower(User.username) == login.lower()) | (func.lower(User.email) == login.lower())
        )
    )
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None:
        return None
    if not user.is_active:
        if user.suspended_at is not None:
            # said only to whoever knows the password: it discloses nothing to others
            raise ApiError(403, "account_suspended", suspended_message())
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def issue_credential(user: User, kind: str, label: str = "") -> tuple[str, Credential]:
    """A new session or token for ``user``; returns the secret (shown once) and the row."""
    cfg = current_app.config["JAM3IA"]
    days = cfg.session_days if kind == "session" else cfg.token_days
    secret = new_secret()
    cred = Credential(
        user=user,
        kind=kind,
        secret_hash=secret_digest(secret),
        label=clean_text(label)[:200],
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    db.session.add(cred)
    db.session.flush()
    return secret, cred


def revoke_credentials(user_id: int, *, only: int | None = None, keep: int | None = None) -> int:
    """Revoke the user's live credentials (just ``only``, or all but ``keep``)."""
    query = select(Credential.id).where(
        Credential.user_id == user_id, Credential.revoked_at.is_(None)
    )
    if only is not None:
        query = query.where(Credential.id == only)
    if keep is not None:
        query = query.where(Credential.id != keep)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(Credential).where(Credential.id.in_(ids)).values(revoked_at=utcnow())
        )
        # the sockets of these credentials are closed once the revocation is committed
        credentials_revoked.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            credential_ids=ids,
            user_id=user_id,
        )
    return len(ids)


def change_password(user: User, current: str, new: str, keep_credential_id: int | None) -> None:
    """Change the password and end every other session and token of the user."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed({"current_password": [_("The current password is wrong.")]})
    errors = _validate_account(None, None, new, None)
    if errors:
        raise ValidationFailed({"new_password": errors["password"]})
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    # in the same transaction: the features' own secrets (calendar feed) are replaced too
    password_changed.send(current_app._get_current_object(), user_id=user.id)  # type: ignore[attr-defined]
    revoke_credentials(user.id, keep=keep_credential_id)


def update_profile(user: User, changes: dict[str, Any]) -> User:
    """Change display name, bio, skills, locale, time zone or presence of ``user`` (the
    caller)."""
    errors: dict[str, list[str]] = {}
    if "display_name" in changes:
        name = clean_name(changes["display_name"] or "")
        errors.update(_validate_account(None, None, None, name, staff=user.is_admin))
        user.display_name = name
    if "bio" in changes:
        bio = clean_text(changes["bio"] or "")
        if len(bio) > BIO_MAX:
            errors["bio"] = [_("At most %(num)s characters.", num=BIO_MAX)]
        user.bio = bio
    if "skills" in changes:
        skills, problem = clean_skills(changes["skills"])
        if problem:
            errors["skills"] = [problem]
        user.skills = skills
    hiding = (
        "hide_presence" in changes and bool(changes["hide_presence"]) and not user.hide_presence
    )
    if "hide_presence" in changes:
        user.hide_presence = bool(changes["hide_presence"])
    if "locale" in changes:
        if changes["locale"] not in (*LOCALES, None):
            errors["locale"] = [_("Must be one of: %(choices)s.", choices=", ".join(LOCALES))]
        user.locale = changes["locale"]
    if "timezone" in changes:
        if changes["timezone"] is not None and not is_timezone(changes["timezone"]):
            errors["timezone"] = [_("Choose a time zone from the list.")]
        else:
            user.timezone = changes["timezone"]
    if errors:  # the edge's transaction rolls back what was set above
        raise ValidationFailed(errors)
    if hiding:  # those who saw the person online hear them go offline
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        presence_withdrawn.send(app, user_id=user.id, from_ids=None)
    return user


def clean_skills(raw: str | list[str] | None) -> tuple[list[str], str | None]:
    """``raw`` (a list, or text with commas or one per line) as a person's skills: trimmed,
    each once whatever its case, in the order given; the second item explains a refusal."""
    items = re.split(r"[,،\n]", raw) if isinstance(raw, str) else list(raw or [])
    skills: list[str] = []
    seen: set[str] = set()
    for item in items:
        skill = clean_name(str(item))
        if not skill or skill.casefold() in seen:
            continue
        if len(skill) > SKILL_MAX:
            return skills, _("Each skill at most %(num)s characters.", num=SKILL_MAX)
        seen.add(skill.casefold())
        skills.append(skill)
    if len(skills) > SKILLS_MAX:
        return skills[:SKILLS_MAX], _("At most %(num)s skills.", num=SKILLS_MAX)
    return skills, None


def make_admin(username: str, email: str, password: str) -> User:
    """Create a platform administrator (``jam3ia create-admin``)."""
    return register_user(username, email, password, is_admin=True)


# ---------------------------------------------------------------- suspension


def platform_admin_ids() -> list[int]:
    """The active platform administrators (who hear of submissions and orphan requests)."""
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.is_admin.is_(True), User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def suspended_message() -> str:
    return _(
        "This account is suspended by the platform's administrators. "
        "Write to them if you think this is a mistake."
    )


def _require_platform_admin(actor: User) -> None:
    if not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only platform administrators can do this."))


def _lock_user(user_id: int) -> User:
    """The user row, locked until the commit (the write lock on SQLite)."""
    found: User | None = db.session.scalar(
        for_update(select(User).where(User.id == user_id)).execution_options(populate_existing=True)
    )
    if found is None or found.deleted_at is not None:
        raise ApiError(404, "not_found", _("Not found."))
    return found


def suspend_user(actor: User, user_id: int) -> User:
    """A platform administrator suspends an account: its sessions, tokens and sockets end at
    once and signing in is refused with :func:`suspended_message`."""
    _require_platform_admin(actor)
    target = _lock_user(user_id)
    if target.id == actor.id:
        raise ApiError(409, "cannot_suspend_self", _("You cannot suspend your own account."))
    if target.suspended_at is None:
        target.is_active = False
        target.suspended_at = utcnow()
    revoke_credentials(target.id)
    return target


def unsuspend_user(actor: User, user_id: int) -> User:
    """Lift a suspension: the person can sign in again."""
    _require_platform_admin(actor)
    target = _lock_user(user_id)
    if target.suspended_at is not None:
        target.is_active = True
        target.suspended_at = None
    return target


# ---------------------------------------------------------------- deletion

#: What an erased account is shown as, next to the content it wrote.
DELETED_NAME = "Deleted user"
#: Not an argon2 hash: no password matches it.
UNUSABLE_PASSWORD = "!"  # noqa: S105


def delete_account(user: User, password: str) -> None:
    """The person deletes their own account, confirming with their password.

    Personal data is erased (email, name, bio, language, password, every session and token,
    notifications; the features erase theirs on ``user_erased``); what they wrote stays,
    signed "Deleted user". The last platform administrator cannot go (409 ``last_admin``),
    nor the last administrator of an association (the directory refuses, 409).
    """
    if not verify_password(user.password_hash, password or ""):
        raise ValidationFailed({"password": [_("The password is wrong.")]})
    target = _lock_user(user.id)  # locks: two admins deleting themselves at once
    if target.is_admin:
        others = db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.is_admin.is_(True), User.is_active.is_(True), User.id != target.id)
        )
        if not others:
            raise ApiError(
                409,
                "last_admin",
                _("You are the last platform administrator: make someone else one first."),
            )
    live = list(
        db.session.scalars(
            select(Credential.id).where(
                Credential.user_id == target.id, Credential.revoked_at.is_(None)
            )
        )
    )
    user_erased.send(current_app._get_current_object(), user_id=target.id)  # type: ignore[attr-defined]
    _erase(target)
    if live:
        credentials_revoked.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            credential_ids=live,
            user_id=user.id,
        )


def _erase(target: User) -> None:
    db.session.execute(delete(Credential).where(Credential.user_id == target.id))
    db.session.execute(delete(Notification).where(Notification.user_id == target.id))
    target.username = f"deleted-{target.id}"
    target.email = f"deleted-{target.id}@deleted.invalid"
    target.display_name = DELETED_NAME
    target.bio = ""
    target.skills = []
    remove_avatar(target)  # the file goes once the erasure is committed
    target.locale = None
    target.password_hash = UNUSABLE_PASSWORD
    target.is_admin = False
    target.is_active = False
    target.suspended_at = None
    target.deleted_at = utcnow()
    target.password_changed_at = target.deleted_at


def visible_profile(viewer: User | None, user: User) -> bool:
    """Active accounts; suspended ones for platform administrators too."""
    if user.is_active:
        return True
    return user.suspended and viewer is not None and viewer.is_admin
