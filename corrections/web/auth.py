"""Signing in and out, and the account page: password and API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from corrections.errors import error_response
from corrections.extensions import db, login_manager
from corrections.i18n import _, _l
from corrections.models import User
from corrections.services import auth, tokens
from corrections.services.errors import Invalid, ServiceError
from corrections.services.users import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_CHARS, max=MAX_PASSWORD_CHARS)],
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


class TokenForm(FlaskForm):
    name = StringField(_l("What is it for?"), validators=[DataRequired(), Length(max=80)])


@bp.record_once
def _configure(_state) -> None:
    login_manager.login_view = "auth.signin"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the lazy message, in the request's language


@bp.app_template_test("endpoint")
def is_endpoint(name: str) -> bool:
    """``{% if "moderation.queue" is endpoint %}``: link only to pages that exist."""
    return name in current_app.view_functions


def me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def safe_next(target: str | None) -> str | None:
    """A local path to go to after signing in, or None: never another site."""
    if not target or not target.isprintable() or not target.startswith("/"):
        return None
    if target[1:2] in ("/", "\\"):  # "//host" and "/\host" are other sites to a browser
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def show_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's messages beside the fields they are about."""
    for name, messages in error.fields.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    if not error.fields:
        form.form_errors.append(error.message)


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> ResponseReturnValue:
    form, next_path = SignInForm(), safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = auth.authenticate(
                db.session,
                form.email.data or "",
                form.password.data or "",
                client_address=request.remote_addr,
                secret=current_app.config["SECRET_KEY"],
            )
        except auth.TooManyAttempts as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            return error_response(429, exc.message, code=exc.code, headers=headers)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            login_user(user)
            flash(_("Signed in as %(name)s.", name=user.display_name), "info")
            return redirect(next_path or url_for("reader.index"))
    status = 422 if form.errors else 200
    return render_template("auth/signin.html", form=form, next_path=next_path), status


@bp.post("/signout")
def signout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        auth.sign_out_everywhere(db.session, me())
    logout_user()
    flash(_("You are signed out, on this device and every other."), "info")
    return redirect(url_for("reader.index"))


def render_account(
    password_form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    *,
    new_token: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        "auth/account.html",
        password_form=password_form or PasswordForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None),
        tokens=tokens.list_tokens(db.session, me()),
        new_token=new_token,
    )
    # A page showing a new token must not be kept by any cache.
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = auth.change_password(
                db.session, me(), form.current_password.data or "", form.new_password.data or ""
            )
        except Invalid as exc:
            show_errors(form, exc)
        else:
            login_user(user)  # this session carries on with the new session version
            flash(_("Your password is changed; every other session is signed out."), "info")
            return redirect(url_for("auth.account"))
    return render_account(password_form=form, status=422 if form.errors else 200)


@bp.post("/account/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    form = TokenForm()
    if not form.validate_on_submit():
        return render_account(token_form=form, status=422)
    try:
        _token, plaintext = tokens.create_token(db.session, me(), form.name.data or "")
    except Invalid as exc:
        show_errors(form, exc)
        return render_account(token_form=form, status=422)
    return render_account(new_token=plaintext)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    token = tokens.revoke_token(db.session, me(), token_id)
    flash(
        _("The token “%(name)s” is revoked; programs using it are refused now.", name=token.name),
        "info",
    )
    return redirect(url_for("auth.account"))
