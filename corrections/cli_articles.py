"""``corrections set-moderation SLUG MODE|default``: an article's own moderation mode."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from corrections.config import MODERATION_MODES
from corrections.extensions import db
from corrections.services import article_settings
from corrections.services.errors import ServiceError

EXIT_BAD_INPUT = 2


@click.command("set-moderation")
@click.argument("slug")
@click.argument("mode", metavar=f"{'|'.join(MODERATION_MODES)}|default")
@with_appcontext
def set_moderation_command(slug: str, mode: str) -> None:
    """How new comments on the article SLUG are moderated; 'default' follows the site's
    CORRECTIONS_MODERATION_MODE. Logged in the moderation log."""
    try:
        chosen = article_settings.parse_mode(mode)
        article = article_settings.set_moderation_mode(db.session, None, slug, chosen, system=True)
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    site = current_app.config["CORRECTIONS_MODERATION_MODE"]
    effective = article.moderation_mode or site
    source = "its own setting" if article.moderation_mode else "the site's setting"
    click.echo(
        f"/a/{article.slug}: {effective} ({source}): {article_settings.describe(effective)}."
    )
