"""Loading the signed-in user for Flask-Login, refusing cookies from revoked sessions."""

from __future__ import annotations

from flask import Flask

from corrections.extensions import db, login_manager
from corrections.models import User


def load_user(session_id: str) -> User | None:
    # The cookie holds "<user id>:<session version>"; bumping the version signs out everywhere.
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def register(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.session_protection = "basic"
