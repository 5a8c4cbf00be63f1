"""``corrections export SLUG`` and ``corrections import-json FILE``: an article's whole
record as JSON, for backups and moves between databases."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from corrections.extensions import db
from corrections.services import portability
from corrections.services.errors import ServiceError

EXIT_BAD_INPUT = 2


@click.command("export")
@click.argument("slug")
@click.option(
    "--with-private",
    is_flag=True,
    help="Include emails, hashed secrets and account details (keep the file private).",
)
@with_appcontext
def export_command(slug: str, with_private: bool) -> None:
    """Write the article SLUG with its whole record as JSON to standard output."""
    try:
        document = portability.export_article(db.session, slug, with_private=with_private)
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True))


@click.command("import-json")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_json_command(file: Path) -> None:
    """Restore an article exported with `corrections export` (FILE, or - for stdin)."""
    try:
        raw = sys.stdin.read() if str(file) == "-" else file.read_text("utf-8")
        document = json.loads(raw)
        article = portability.import_article(db.session, document)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"error: cannot read {file}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"Restored /a/{article.slug} at version {article.current_revision.number}.")
