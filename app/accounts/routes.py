"""Account pages: register, log in, log out, profile, settings, language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import avatars, blocks, reset, services, verify
from app.accounts.auth import SESSION_KEY, get_current_user, login_required, require_user
from app.accounts.devices import device_label
from app.accounts.export import export_response
from app.accounts.forms import (
    DeleteAccountForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.accounts.models import LOCALES, Credential, User
from app.api import ApiError
from app.db import db, transaction
from app.edge import attempt, form_action, form_status, submit
from app.i18n import timezone_choices
from app.images import read_upload
from app.limits import rate_limit
from app.plugins import registry

bp = Blueprint("accounts", __name__)


def _safe_next(default: str) -> str:
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _start_session(user: User) -> None:
    secret, _cred = services.issue_credential(user, "session", request.user_agent.string)
    session.clear()
    session[SESSION_KEY] = secret
    session.permanent = True
    if user.locale:
        session["locale"] = user.locale


@bp.route("/register", methods=["GET", "POST"])
@rate_limit("register", methods=["POST"])
def register() -> ResponseReturnValue:
    if get_current_user() is not None:  # signed in already: nobody to create
        return redirect(_safe_next(url_for("core.home")))
    form = RegisterForm()

    def register_and_sign_in() -> None:
        user = services.register_user(
            form.username.data or "",
            form.email.data or "",
            form.password.data or "",
            display_name=form.display_name.data or None,
            locale=session.get("locale"),
            timezone=form.timezone.data or None,
        )
        _start_session(user)

    registered = submit(form, register_and_sign_in)
    if registered and registered.ok:
        flash(_("Welcome to jam3ia!"), "success")
        return redirect(_safe_next(url_for("core.home")))
    status = form_status(form, registered)
    rules = {"username": services.username_rule(), "password": services.password_rule()}
    return render_template("accounts/register.html", form=form, rules=rules), status


@bp.route("/login", methods=["GET", "POST"])
@rate_limit("login", methods=["POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET" and get_current_user() is not None:
        return redirect(_safe_next(url_for("core.home")))
    form = LoginForm()
    if form.validate_on_submit():

        def sign_in() -> bool:
            user = services.authenticate(form.login.data or "", form.password.data or "")
            if user is not None:
                _start_session(user)
            return user is not None

        outcome = attempt(sign_in)
        if outcome.error is not None:  # suspended: said to whoever knows the password
            form.login.errors = [outcome.error.message or _("Wrong login or password.")]
        elif outcome.value:
            return redirect(_safe_next(url_for("core.home")))
        else:
            form.login.errors = [_("Wrong login or password.")]
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    EmptyForm().validate_on_submit()  # CSRF is checked globally before we get here
    if g.get("credential") is not None:
        with transaction():
            services.revoke_credentials(g.credential.user_id, only=g.credential.id)
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    return redirect(url_for("core.home"))


@bp.route("/users/<int:user_id>")
def profile(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    viewer = get_current_user()
    if user is None or not services.visible_profile(viewer, user):
        abort(404)
    blocking = viewer is not None and blocks.is_blocking(viewer.id, user.id)
    reg = registry()
    actions = [
        a
        for _o, make in sorted(reg.profile_actions, key=lambda e: e[0])
        if (a := make(user, viewer))
    ]
    sections = [
        s
        for _o, make in sorted(reg.profile_sections, key=lambda e: e[0])
        if (s := make(user, viewer))
    ]
    return render_template(
        "accounts/profile.html",
        user=user,
        blocking=blocking,
        actions=[] if blocking else actions,
        sections=sections,
        block_form=EmptyForm(),
        moderation_form=EmptyForm() if viewer is not None and viewer.is_admin else None,
    )


@bp.route("/users/<int:user_id>/avatar/<name>")
def avatar(user_id: int, name: str) -> ResponseReturnValue:
    """A person's picture, to whoever may see their profile; the name changes with each
    upload, so browsers keep it."""
    user = db.session.get(User, user_id)
    if user is None or user.avatar != name:
        abort(404)
    if not services.visible_profile(get_current_user(), user):
        abort(404)
    response = send_from_directory(
        avatars.folder(), name, mimetype="image/jpeg", max_age=365 * 24 * 3600
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/settings/avatar", methods=["POST"])
@login_required
@rate_limit("avatar")
def upload_avatar() -> ResponseReturnValue:
    user = require_user()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose an image file."), "error")
    else:
        data = read_upload(upload, avatars.MAX_BYTES)
        form_action(lambda: avatars.set_avatar(user, data), _("Your picture was saved."))
    return redirect(url_for("accounts.settings"))


@bp.route("/settings/avatar/delete", methods=["POST"])
@login_required
@rate_limit("avatar")
def delete_avatar() -> ResponseReturnValue:
    user = require_user()
    form_action(lambda: avatars.remove_avatar(user), _("Your picture was removed."))
    return redirect(url_for("accounts.settings"))


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
@login_required
def suspend(user_id: int) -> ResponseReturnValue:
    """A platform administrator suspends an account (sessions, tokens, sockets end)."""
    with transaction():
        services.suspend_user(require_user(), user_id)
    flash(_("The account is suspended; its sessions were ended."), "success")
    return redirect(url_for("accounts.profile", user_id=user_id))


@bp.route("/users/<int:user_id>/unsuspend", methods=["POST"])
@login_required
def unsuspend(user_id: int) -> ResponseReturnValue:
    with transaction():
        services.unsuspend_user(require_user(), user_id)
    flash(_("The suspension is lifted."), "success")
    return redirect(url_for("accounts.profile", user_id=user_id))


@bp.route("/settings/export")
@login_required
def export() -> ResponseReturnValue:
    """Download one's own data (zip: data.json and files)."""
    return export_response(require_user())


@bp.route("/settings/delete", methods=["POST"])
@login_required
def delete_account() -> ResponseReturnValue:
    """Delete one's account after confirming the password."""
    user = require_user()
    delete_form = DeleteAccountForm(prefix="del")
    deleted = submit(
        delete_form, lambda: services.delete_account(user, delete_form.password.data or "")
    )
    if deleted and deleted.ok:
        locale = session.get("locale")
        session.clear()
        if locale:
            session["locale"] = locale
        flash(_("Your account was deleted. Goodbye."), "success")
        return redirect(url_for("core.home"))
    return _settings_page(user, delete_form=delete_form, status=form_status(delete_form, deleted))


@bp.route("/users/<int:user_id>/block", methods=["POST"])
@login_required
def block_user(user_id: int) -> ResponseReturnValue:
    """Block someone (see ``app.accounts.blocks``)."""
    actor = require_user()
    with transaction():
        if blocks.block(actor, user_id):
            blocks.withdraw_presence(actor, user_id)
    flash(_("Blocked. You will not hear from each other."), "success")
    return redirect(url_for("accounts.profile", user_id=user_id))


@bp.route("/users/<int:user_id>/unblock", methods=["POST"])
@login_required
def unblock_user(user_id: int) -> ResponseReturnValue:
    with transaction():
        blocks.unblock(require_user(), user_id)
    flash(_("Unblocked."), "success")
    return redirect(url_for("accounts.profile", user_id=user_id))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    user = require_user()
    form = ProfileForm(obj=user if request.method == "GET" else None)
    form.timezone.choices = timezone_choices(user.timezone)
    if request.method == "GET":
        form.skills.data = ", ".join(user.skills or [])
        form.locale.data = user.locale or ""
        form.timezone.data = user.timezone or current_app.config["JAM3IA"].timezone
    password_form = PasswordForm(prefix="pw")
    status = 200
    if request.form.get("action") == "profile":

        def save_profile() -> None:
            services.update_profile(
                user,
                {
                    "display_name": form.display_name.data,
                    "bio": form.bio.data,
                    "skills": form.skills.data or "",
                    "locale": form.locale.data or None,
                    "timezone": form.timezone.data or None,
                    "hide_presence": bool(form.hide_presence.data),
                },
            )

        saved = submit(form, save_profile)
        if saved and saved.ok:
            if user.locale:
                session["locale"] = user.locale
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("accounts.settings"))
        status = form_status(form, saved)
    elif request.form.get("action") == "password":
        changed = submit(
            password_form,
            lambda: services.change_password(
                user,
                password_form.current_password.data or "",
                password_form.new_password.data or "",
                g.credential.id,
            ),
        )
        if changed and changed.ok:
            flash(_("Password changed. Your other sessions were signed out."), "success")
            return redirect(url_for("accounts.settings"))
        status = form_status(password_form, changed)
    return _settings_page(user, form=form, password_form=password_form, status=status)


def _settings_page(
    user: User,
    *,
    form: ProfileForm | None = None,
    password_form: PasswordForm | None = None,
    delete_form: DeleteAccountForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if form is None:
        form = ProfileForm(obj=user, formdata=None)
        form.skills.data = ", ".join(user.skills or [])
        form.locale.data = user.locale or ""
    credentials = db.session.scalars(
        select(Credential)
        .where(Credential.user_id == user.id, Credential.revoked_at.is_(None))
        .order_by(Credential.last_used_at.desc())
    ).all()
    return render_template(
        "accounts/settings.html",
        form=form,
        password_form=password_form or PasswordForm(prefix="pw", formdata=None),
        delete_form=delete_form or DeleteAccountForm(prefix="del", formdata=None),
        credentials=[c for c in credentials if c.is_live()],
        device_label=device_label,
        revoke_form=EmptyForm(),
    ), status


@bp.route("/settings/credentials/<int:credential_id>/revoke", methods=["POST"])
@login_required
def revoke(credential_id: int) -> ResponseReturnValue:
    user = require_user()
    with transaction():
        services.revoke_credentials(user.id, only=credential_id)
    flash(_("Signed out that session."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400)
    session["locale"] = locale
    user = get_current_user()
    if user is not None:
        with transaction():
            services.update_profile(user, {"locale": locale})
    return redirect(_safe_next(url_for("core.home")))


@bp.route("/password-reset", methods=["GET", "POST"])
@rate_limit("password_reset", methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset mail; the same answer whether an account uses the address or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with transaction():
            reset.request_password_reset(form.email.data or "")
        flash(
            _(
                "If an account uses this address, a mail with a link to choose a new password "
                "is on its way. The link works for one hour."
            ),
            "success",
        )
        return redirect(url_for("accounts.forgot_password"))
    status = 422 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@rate_limit("login", methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from a reset link; every session of the account ends."""
    try:
        reset.user_for_token(token)
    except ApiError as error:
        flash(error.message or _("Something went wrong."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    changed = submit(
        form,
        lambda: reset.confirm_password_reset(token, form.password.data or ""),
        whole="password",
    )
    if changed and changed.ok:
        session.clear()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), form_status(form, changed)


@bp.route("/settings/digest", methods=["POST"])
@login_required
def set_digest() -> ResponseReturnValue:
    """Opt in to (``enabled=1``) or out of the daily mail of unread notifications."""
    user = require_user()
    if EmptyForm().validate_on_submit():
        with transaction():
            user.email_digest = request.form.get("enabled") == "1"
        flash(_("Your settings were saved."), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/verify-email/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    """The link of the verification mail: a page that says what happened (opened from a mail
    app, a bare redirect would leave the person wondering)."""
    with transaction():
        confirmed = verify.verify(token) is not None
    return render_template("accounts/verified.html", confirmed=confirmed), (
        200 if confirmed else 400
    )
