"""HTML forms of accounts (Flask-WTF: CSRF token included)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    SKILL_MAX,
    SKILLS_MAX,
    USERNAME_MAX,
)


class LoginForm(FlaskForm):
    login = StringField(_l("Username or email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class RegisterForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=USERNAME_MAX)])
    display_name = StringField(_l("Display name"), validators=[Length(max=DISPLAY_NAME_MAX)])
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    #: filled in by the browser (static/js/ui.js): the person's time zone, kept at sign-up
    timezone = HiddenField(render_kw={"data-browser-timezone": ""})


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=DISPLAY_NAME_MAX)]
    )
    bio = TextAreaField(_l("About you"), validators=[Length(max=BIO_MAX)])
    #: the skills as text, separated by commas (``services.clean_skills`` checks them)
    skills = StringField(_l("Skills"), validators=[Length(max=SKILLS_MAX * (SKILL_MAX + 2))])
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", "—"),
            SelectChoice("ar", "العربية", {"lang": "ar"}),
            SelectChoice("fr", "Français", {"lang": "fr"}),
            SelectChoice("en", "English", {"lang": "en"}),
        ],
    )
    #: choices in the reader's language: set by the page (app.i18n.timezone_choices)
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    hide_presence = BooleanField(_l("Hide when I am online"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (log out, revoke, language switch)."""


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
