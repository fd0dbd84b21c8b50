"""Request and response schemas of the accounts API."""

from __future__ import annotations

import marshmallow as ma

from app.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    LOCALES,
    SKILL_MAX,
    SKILLS_MAX,
    USERNAME_MAX,
)
from app.accounts.services import PASSWORD_MAX

V = ma.validate


class RegisterSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=V.Length(min=1, max=USERNAME_MAX))
    email = ma.fields.String(required=True, validate=V.Length(min=1, max=EMAIL_MAX))
    password = ma.fields.String(required=True, load_only=True, validate=V.Length(max=PASSWORD_MAX))
    display_name = ma.fields.String(validate=V.Length(max=DISPLAY_NAME_MAX))
    locale = ma.fields.String(validate=V.OneOf(LOCALES))
    timezone = ma.fields.String(
        validate=V.Length(max=64),
        metadata={"description": "IANA zone, e.g. Africa/Casablanca (unknown ones are ignored)"},
    )


class TokenRequestSchema(ma.Schema):
    login = ma.fields.String(
        required=True,
        validate=V.Length(min=1, max=EMAIL_MAX),
        metadata={"description": "username or email"},
    )
    password = ma.fields.String(required=True, load_only=True, validate=V.Length(max=PASSWORD_MAX))
    label = ma.fields.String(validate=V.Length(max=200), metadata={"description": "e.g. device"})


class PublicUserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    bio = ma.fields.String()
    skills = ma.fields.List(ma.fields.String())
    avatar_url = ma.fields.String(
        allow_none=True,
        metadata={"description": "the uploaded picture, or null (show the initials)"},
    )
    is_admin = ma.fields.Boolean()
    suspended = ma.fields.Boolean(
        metadata={"description": "suspended by a platform administrator (only they see it)"}
    )
    created_at = ma.fields.DateTime()


class UserSchema(PublicUserSchema):
    email = ma.fields.String()
    locale = ma.fields.String(allow_none=True)
    timezone = ma.fields.String(
        allow_none=True, metadata={"description": "IANA zone; null: the platform's zone"}
    )


class MeSchema(UserSchema):
    hide_presence = ma.fields.Boolean(
        metadata={"description": "others never see whether the caller is online"}
    )
    memberships = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "{association_id, association_name, role} per association"},
    )


class TokenSchema(ma.Schema):
    token = ma.fields.String(metadata={"description": "shown once; send as Bearer"})
    expires_at = ma.fields.DateTime()
    user = ma.fields.Nested(UserSchema)


class ProfilePatchSchema(ma.Schema):
    display_name = ma.fields.String(validate=V.Length(min=1, max=DISPLAY_NAME_MAX))
    bio = ma.fields.String(validate=V.Length(max=BIO_MAX))
    skills = ma.fields.List(
        ma.fields.String(validate=V.Length(max=SKILL_MAX)),
        validate=V.Length(max=SKILLS_MAX),
        metadata={"description": f"at most {SKILLS_MAX}, each at most {SKILL_MAX} characters"},
    )
    locale = ma.fields.String(allow_none=True, validate=V.OneOf(LOCALES))
    timezone = ma.fields.String(allow_none=True, validate=V.Length(max=64))
    hide_presence = ma.fields.Boolean()


class BlockedListSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(PublicUserSchema), metadata={"description": "people the caller blocked"}
    )


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True)


class AccountDeleteSchema(ma.Schema):
    password = ma.fields.String(
        required=True,
        load_only=True,
        validate=V.Length(max=PASSWORD_MAX),
        metadata={"description": "the current password, to confirm"},
    )


class PasswordResetRequestSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(max=254))


class PasswordResetConfirmSchema(ma.Schema):
    token = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=500))
    password = ma.fields.String(required=True, load_only=True)


class DigestSchema(ma.Schema):
    enabled = ma.fields.Boolean(required=True)
