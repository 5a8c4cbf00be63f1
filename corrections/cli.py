"""Operator commands: ``corrections <command>``, or ``flask --app wsgi <command>``."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from importlib import resources
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from corrections.cli_accounts import create_token_command
from corrections.cli_articles import set_moderation_command
from corrections.cli_outbox import outbox_command, send_outbox_command
from corrections.cli_portability import export_command, import_json_command
from corrections.extensions import db
from corrections.models import Article, Role
from corrections.services import articles, auth, users
from corrections.services.applied_fixes import UndoesCorrection
from corrections.services.errors import Conflict, ServiceError
from corrections.text.article_format import (
    MAX_FILE_BYTES,
    ArticleFormatError,
    decode_article_file,
)

DEMO_SLUG = "ashcombe-flood"
DEMO_TITLE = "Flood at Ashcombe: what we know so far"
DEMO_ACCOUNTS = (
    ("moderator@demo.invalid", "Demo Moderator", Role.MODERATOR),
    ("author@demo.invalid", "Demo Author", Role.AUTHOR),
)
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """One line on standard error and exit status 2: the input was refused, nothing written."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="The address of the article: /a/<slug>.")
@click.option("--title", default=None, help="Defaults to the first words of the introduction.")
@click.option("--new-revision", is_flag=True, help="Publish a new revision of an existing slug.")
@click.option("--summary", default=None, help="What changed, shown in the history.")
@click.option(
    "--confirm-undo",
    is_flag=True,
    help="Publish even where the file takes out an accepted correction's words.",
)
@with_appcontext
def import_command(
    file: Path,
    slug: str,
    title: str | None,
    new_revision: bool,
    summary: str | None,
    confirm_undo: bool,
) -> None:
    """Import an article from a plain-text FILE ('-' reads standard input)."""
    try:
        # One byte more than the limit is enough to refuse a file that is too large.
        if str(file) == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with file.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    try:
        text = decode_article_file(data)
        result = articles.import_article(
            db.session,
            text,
            slug=slug,
            title=title,
            new_revision=new_revision,
            summary=summary,
            confirm_undo=confirm_undo,
        )
    except ArticleFormatError as exc:
        fail(f"{file}: {exc}")
    except UndoesCorrection as exc:
        fail(f"{exc.message} (To publish it anyway: --confirm-undo.)")
    except ServiceError as exc:
        fail(exc.message)
    if result.title_derived:
        click.echo(f"No title given; using {result.article.title!r} (change it with --title).")
    click.echo(
        f"Imported /a/{slug} as version {result.revision.number}"
        f" with {len(result.revision.layout)} sections and {result.updates_added} new updates."
    )


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.READER.value)
@click.option("--name", default=None, help="Display name; defaults to the part before the @.")
@with_appcontext
def create_user_command(email: str, role: str, name: str | None) -> None:
    """Create an account. The password comes from CORRECTIONS_PASSWORD, or a prompt."""
    password = os.environ.get("CORRECTIONS_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = users.create_user(
            db.session, email, password, role=Role(role), display_name=name, system=True
        )
    except ServiceError as exc:
        fail(exc.message)
    click.echo(f"Created {user.email} ({user.role.value}).")


def demo_passwords(instance_path: str) -> tuple[dict[str, str], bool]:
    """Demo passwords are random, made once per instance folder and kept there (mode 600).

    Returns the passwords and whether they were made just now."""
    path = Path(instance_path) / "demo-passwords.txt"
    if path.exists():
        pairs = (line.split(" ", 1) for line in path.read_text().splitlines() if " " in line)
        known = dict(pairs)
        if all(email in known for email, _, _ in DEMO_ACCOUNTS):
            return known, False
    passwords = {email: secrets.token_urlsafe(12) for email, _, _ in DEMO_ACCOUNTS}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.writelines(f"{email} {pw}\n" for email, pw in passwords.items())
    return passwords, True


def load_demo(app: Flask, *, if_empty: bool = False) -> list[str]:
    """Load the demo article and accounts if missing; return lines to show the operator.

    With ``if_empty``, a database that already holds articles is left as it is.
    """
    lines: list[str] = []
    text = resources.files("corrections.demo").joinpath("article.txt").read_text("utf-8")
    has_demo = db.session.scalar(db.select(Article.id).where(Article.slug == DEMO_SLUG))
    has_any = db.session.scalar(db.select(Article.id).limit(1))
    if if_empty and has_any and not has_demo:
        return ["The database already holds articles; the demo was not loaded."]
    if has_demo is None:
        articles.import_article(db.session, text, slug=DEMO_SLUG, title=DEMO_TITLE)
        lines.append(f"Loaded the demo article at /a/{DEMO_SLUG}.")
    else:
        lines.append(f"The demo article is at /a/{DEMO_SLUG}.")
    lines.append("Sign in with:")
    passwords, made_now = demo_passwords(app.instance_path)
    for email, name, role in DEMO_ACCOUNTS:
        account = users.find_user(db.session, email)
        if account is None:
            with contextlib.suppress(Conflict):  # made by a concurrent run a moment ago
                users.create_user(
                    db.session, email, passwords[email], role=role, display_name=name, system=True
                )
        elif made_now:
            # The file of passwords was lost: the printed ones must be the ones that work.
            auth.reset_password(db.session, account, passwords[email])
        lines.append(f"  {role.value:<10} {email}  password: {passwords[email]}")
    return lines


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no articles.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo article, a demo moderator and a demo author, and print how to sign in."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for line in load_demo(app, if_empty=if_empty):
        click.echo(line)


COMMANDS = (
    import_command,
    create_user_command,
    create_token_command,
    demo_command,
    send_outbox_command,
    outbox_command,
    export_command,
    import_json_command,
    set_moderation_command,
)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from corrections import create_app
    from corrections.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a setting is missing or malformed: one line, not a traceback
        fail(f"configuration: {exc}")


main = FlaskGroup(create_app=_create_app, help="Operator commands for the corrections service.")
