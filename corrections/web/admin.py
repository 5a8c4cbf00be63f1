"""Managing accounts: the list of users, their roles, disabling and enabling. Admins only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from corrections.db import database_int
from corrections.extensions import db, login_manager
from corrections.i18n import _, _l
from corrections.models import Role
from corrections.services import admin
from corrections.services.errors import Invalid
from corrections.services.users import require_role
from corrections.web.auth import me
from corrections.web.vocabulary import ROLE_WORDS

bp = Blueprint("admin", __name__, url_prefix="/admin")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[r.value for r in Role])


class DisableForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


@bp.before_request
def admins_only() -> ResponseReturnValue | None:
    """Signed out: to the sign-in page. Signed in without the admin role: 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_role(me(), Role.ADMIN)  # the services check again; this keeps forms from non-admins
    return None


def page_after() -> int | None:
    """The page of the list the admin is on (``?after=<id>``); the first for anything else."""
    return request.args.get("after", type=database_int)


def back_to_list() -> ResponseReturnValue:
    """To the same page of the list the form was sent from."""
    return redirect(url_for("admin.users", after=page_after()))


@bp.get("/users")
def users() -> ResponseReturnValue:
    after = page_after()
    page = admin.list_users(db.session, me(), after=after)
    return render_template("admin/users.html", page=page, after=after, roles=Role)


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int) -> ResponseReturnValue:
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "error")
        return back_to_list()
    try:
        user = admin.set_role(db.session, me(), user_id, form.role.data or "")
    except Invalid as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(email)s is now %(role)s.", email=user.email, role=ROLE_WORDS[user.role]), "info")
    return back_to_list()


@bp.post("/users/<int:user_id>/disable")
def disable(user_id: int) -> ResponseReturnValue:
    form = DisableForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long (%(count)s characters at most).", count=500), "error")
        return back_to_list()
    try:
        user = admin.disable_user(db.session, me(), user_id, reason=form.reason.data)
    except Invalid as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(email)s is disabled and signed out everywhere.", email=user.email), "info")
    return back_to_list()


@bp.post("/users/<int:user_id>/enable")
def enable(user_id: int) -> ResponseReturnValue:
    user = admin.enable_user(db.session, me(), user_id)
    flash(_("%(email)s can sign in again.", email=user.email), "info")
    return back_to_list()
