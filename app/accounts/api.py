"""JSON endpoints of accounts: register, tokens, me, profiles."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask.views import MethodView
from flask_babel import gettext as _

from app.accounts import blocks, reset, services
from app.accounts.auth import get_current_user, require_user
from app.accounts.avatars import MAX_BYTES as AVATAR_MAX_BYTES
from app.accounts.avatars import remove_avatar, set_avatar
from app.accounts.export import export_response
from app.accounts.models import User
from app.accounts.schemas import (
    AccountDeleteSchema,
    BlockedListSchema,
    DigestSchema,
    MeSchema,
    PasswordChangeSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    ProfilePatchSchema,
    PublicUserSchema,
    RegisterSchema,
    TokenRequestSchema,
    TokenSchema,
    UserSchema,
)
from app.api import ApiError, make_blueprint, not_found
from app.db import db, transactional
from app.images import read_upload
from app.limits import rate_limit
from app.plugins import registry

blp = make_blueprint("accounts", __name__, "Accounts, tokens and profiles")


@blp.route("/auth/register", methods=["POST"])
@rate_limit("register")
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@transactional
def register(data: dict[str, Any]) -> User:
    """Create an account."""
    return services.register_user(**data)


@blp.route("/auth/tokens", methods=["POST"])
@rate_limit("login")
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@transactional
def create_token(data: dict[str, Any]) -> dict[str, Any]:
    """Exchange a login and password for a bearer token."""
    user = services.authenticate(data["login"], data["password"])  # 403 when suspended
    if user is None:
        raise ApiError(401, "invalid_credentials", "Wrong login or password.")
    secret, cred = services.issue_credential(user, "token", data.get("label", ""))
    return {"token": secret, "expires_at": cred.expires_at, "user": user}


@blp.route("/auth/tokens/current", methods=["DELETE"])
@blp.response(204)
@transactional
def revoke_current_token() -> None:
    """Revoke the token (or session) used for this request."""
    user = require_user()
    services.revoke_credentials(user.id, only=g.credential.id)


def me_payload(user: User) -> dict[str, Any]:
    # Attributes, not a dump: the response schema serializes once.
    data: dict[str, Any] = {name: getattr(user, name) for name in UserSchema().fields}
    data["memberships"] = []
    data["hide_presence"] = user.hide_presence
    for section in registry().me_sections:
        data.update(section(user))
    return data


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self) -> dict[str, Any]:
        """The caller, with memberships."""
        return me_payload(require_user())

    @blp.arguments(ProfilePatchSchema)
    @blp.response(200, MeSchema)
    @transactional
    def patch(self, data: dict[str, Any]) -> dict[str, Any]:
        """Change the caller's display name, bio, skills, language or ``hide_presence``."""
        user = services.update_profile(require_user(), data)
        return me_payload(user)

    @blp.arguments(AccountDeleteSchema)
    @blp.response(204)
    @transactional
    def delete(self, data: dict[str, Any]) -> None:
        """Delete one's account (confirm with the password): personal data is erased, what
        one wrote stays as "Deleted user"; every session, token and socket ends. 409
        ``last_admin`` for the last platform administrator or an association's last one."""
        services.delete_account(require_user(), data["password"])


@blp.route("/me/export")
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/zip")
def export_me() -> Response:
    """One's own data as a zip archive: ``data.json`` (account, sessions, notifications,
    memberships, forum posts, messages, projects) and ``files/``."""
    return export_response(require_user())


@blp.route("/me/blocks")
@blp.response(200, BlockedListSchema)
def list_blocks() -> dict[str, Any]:
    """The people the caller blocked."""
    return {"items": blocks.blocked_people(require_user().id)}


@blp.route("/me/blocks/<int:user_id>", methods=["PUT"])
@blp.response(204)
@transactional
def block_user(user_id: int) -> None:
    """Block someone: no direct messages either way, neither sees the other online, and
    their mentions do not reach the caller."""
    actor = require_user()
    if blocks.block(actor, user_id):
        blocks.withdraw_presence(actor, user_id)


@blp.route("/me/blocks/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@transactional
def unblock_user(user_id: int) -> None:
    """Unblock someone (no error if they were not blocked)."""
    blocks.unblock(require_user(), user_id)


@blp.route("/me/password", methods=["POST"])
@rate_limit("login")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@transactional
def change_password(data: dict[str, Any]) -> None:
    """Change the password; every other session and token of the caller ends."""
    user = require_user()
    services.change_password(user, data["current_password"], data["new_password"], g.credential.id)


@blp.route("/me/avatar", methods=["PUT"])
@rate_limit("avatar")
@blp.response(200, MeSchema)
@transactional
def put_avatar() -> dict[str, Any]:
    """Upload one's picture (multipart ``file``: JPEG, PNG or WebP, at most 8 MB): cut to a
    square of 256 px and re-encoded without metadata (no place or date of the photo kept)."""
    user = require_user()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(
            422, "validation_failed", _("Choose an image file."), {"file": [_("Required.")]}
        )
    data = read_upload(upload, AVATAR_MAX_BYTES)
    return me_payload(set_avatar(user, data))


@blp.route("/me/avatar", methods=["DELETE"])
@rate_limit("avatar")
@blp.response(200, MeSchema)
@transactional
def delete_avatar() -> dict[str, Any]:
    """Remove one's picture (pages show the initials again)."""
    return me_payload(remove_avatar(require_user()))


@blp.route("/users/<int:user_id>")
@blp.response(200, PublicUserSchema)
def get_user(user_id: int) -> User:
    """A public profile."""
    user = db.session.get(User, user_id)
    if user is None or not services.visible_profile(get_current_user(), user):
        raise not_found()
    return user


@blp.route("/users/<int:user_id>/suspend", methods=["POST"])
@blp.response(200, PublicUserSchema)
@transactional
def suspend_user(user_id: int) -> User:
    """Suspend an account (platform administrators): its sessions, tokens and sockets end and
    signing in answers 403 ``account_suspended``."""
    return services.suspend_user(require_user(), user_id)


@blp.route("/users/<int:user_id>/unsuspend", methods=["POST"])
@blp.response(200, PublicUserSchema)
@transactional
def unsuspend_user(user_id: int) -> User:
    """Lift a suspension (platform administrators)."""
    return services.unsuspend_user(require_user(), user_id)


@blp.route("/auth/password-reset", methods=["POST"])
@rate_limit("password_reset")
@blp.arguments(PasswordResetRequestSchema)
@blp.response(202)
@transactional
def request_password_reset(data: dict[str, Any]) -> None:
    """Mail a reset link (valid one hour, single use) if an account uses this address.

    The answer is the same whether it does or not."""
    reset.request_password_reset(data["email"])


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@rate_limit("login")
@blp.arguments(PasswordResetConfirmSchema)
@blp.response(204)
@transactional
def confirm_password_reset(data: dict[str, Any]) -> None:
    """Set a new password with the token of a reset mail; every session and token ends.

    400 ``invalid_token`` when the token is invalid, expired or already used."""
    reset.confirm_password_reset(data["token"], data["password"])


@blp.route("/me/digest", methods=["PUT"])
@blp.arguments(DigestSchema)
@blp.response(200, DigestSchema)
@transactional
def set_digest(data: dict[str, Any]) -> dict[str, bool]:
    """Opt in to or out of the daily mail of unread notifications (``jam3ia send-digests``)."""
    user = require_user()
    user.email_digest = bool(data["enabled"])
    return {"enabled": user.email_digest}
