"""Operator commands for accounts: ``corrections create-token EMAIL``."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from corrections.extensions import db
from corrections.services import tokens, users
from corrections.services.errors import ServiceError

EXIT_BAD_INPUT = 2


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
@with_appcontext
def create_token_command(email: str, name: str) -> None:
    """Create an API token for the account EMAIL and print it (it is shown only once)."""
    user = users.find_user(db.session, email)
    try:
        if user is None:
            raise ServiceError(f"there is no account for {email.strip().lower()}")
        _token, plaintext = tokens.create_token(db.session, user, name)
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(plaintext)
    click.echo(
        f"API token {name!r} for {user.email} ({user.role.value}); it is not shown again.",
        err=True,
    )
