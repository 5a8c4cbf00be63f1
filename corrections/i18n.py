"""Languages: which locale a request is served in, and formatting for it.

The locale is the reader's own choice first (the ``lang`` cookie, set by the switch on every
page), then the best match of ``Accept-Language``, then the site's default
(``CORRECTIONS_DEFAULT_LOCALE``). The API ignores cookies, so only ``Accept-Language`` picks
its messages' language; its error codes never change.

Messages are marked with ``_`` (``gettext``), ``_l`` (``lazy_gettext``, for text defined at
import time: form labels, choices, constants) and ``ngettext``, always with named
placeholders: ``_("There is no article called %(slug)s.", slug=slug)``. Catalogs live in
``translations/<locale>/LC_MESSAGES/messages.po``; ``make messages`` re-extracts them and the
build compiles them to ``.mo`` (``compile_catalogs``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, current_app, has_app_context, has_request_context, request
from flask_babel import force_locale, get_locale, gettext, lazy_gettext, ngettext

from corrections.config import LOCALES, ConfigError

__all__ = ["_", "_l", "ngettext", "LOCALES", "COOKIE", "site_locale", "long_date"]

log = logging.getLogger(__name__)

_ = gettext
_l = lazy_gettext

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# Each language's name in itself, as the switch offers it.
NAMES = {"en": "English", "de": "Deutsch"}
# Dates as newsrooms write them: "25 March 2024" (Babel's English "long" is American,
# "March 25, 2024"); other languages use their own long form ("25. März 2024").
DATE_PATTERNS = {"en": "d MMMM y"}


def default_locale() -> str:
    """The site's language; English outside an app (text code used on its own)."""
    return current_app.config["CORRECTIONS_DEFAULT_LOCALE"] if has_app_context() else "en"


def chosen_locale() -> str | None:
    """The reader's explicit choice (the switch's cookie), if it names a language we have."""
    if not has_request_context() or request.path.startswith("/api/"):
        return None
    value = request.cookies.get(COOKIE)
    return value if value in LOCALES else None


def select_locale() -> str:
    """Flask-Babel's locale selector: the choice, then Accept-Language, then the default."""
    if not has_request_context():
        return default_locale()
    return chosen_locale() or request.accept_languages.best_match(LOCALES) or default_locale()


def current_locale() -> str:
    """The language of this request (or of a ``site_locale`` block), as a code: "en", "de"."""
    locale = get_locale()
    return str(locale.language) if locale is not None else default_locale()


@contextmanager
def site_locale() -> Iterator[None]:
    """Text made inside (emails in the outbox) is in the site's default language, whoever's
    request made it: the outbox sends later, to people whose language is not known."""
    with force_locale(default_locale()):
        yield


@cache
def babel_locale(code: str) -> Locale:
    """Babel's data for a language, parsed once: given the code, Babel parses it again for
    every date and number (fifty dates, and more numbers, on a page of the queue)."""
    return Locale.parse(code)


def long_date(value: datetime | date) -> str:
    """A date for people, in the request's language: "25 March 2024", "25. März 2024"."""
    locale = current_locale()
    # The date as stored (UTC), as the article file dates its updates.
    return dates.format_date(value, DATE_PATTERNS.get(locale, "long"), locale=babel_locale(locale))


def number(value: int) -> str:
    """A whole number grouped for the reader: "1,000" in English, "1.000" in German."""
    return numbers.format_decimal(value, locale=babel_locale(current_locale()))


def add_vary(response: Response) -> Response:
    """Pages differ by language: a cache must key them on what chose it."""
    if request.endpoint == "static":
        return response
    if request.path.startswith("/api/"):
        if response.status_code >= 400:  # only errors carry sentences in the API
            response.vary.add("Accept-Language")
        return response
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def compile_catalogs(root: Path = TRANSLATIONS) -> list[Path]:
    """Compile every ``messages.po`` under ``root`` whose ``.mo`` is missing or older; the
    ``.mo`` is written whole under another name and moved into place (no reader sees half).
    Returns the files written. ``pybabel compile -d translations`` does the same."""
    written = []
    for po in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        draft = mo.with_name(f".{mo.name}.{os.getpid()}")
        with draft.open("wb") as handle:
            write_mo(handle, catalog)
        os.replace(draft, mo)
        written.append(mo)
    return written


def check_catalogs(root: Path = TRANSLATIONS) -> None:
    """Refuse to start without a compiled catalog for every language but English: the
    pages would silently be English for everyone."""
    for code in LOCALES:
        if code == "en":
            continue
        po = root / code / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.exists():
            raise ConfigError(
                f"The catalog of {code!r} ({NAMES[code]}) is not compiled: {mo} is missing. "
                "Run `make catalogs` (or `pybabel compile -d translations`)."
            )
        if po.exists() and mo.stat().st_mtime < po.stat().st_mtime:
            log.warning("%s is older than %s: run `make catalogs`", mo, po)


def register(app: Flask) -> None:
    """Templates get ``locale`` (``<html lang>``) and the other languages for the switch;
    ``_`` and ``ngettext`` come from Flask-Babel, dates and numbers from ``web.filters``."""
    check_catalogs()
    # {% trans %} blocks read as one line, as the catalog holds them (babel.cfg: trimmed).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.after_request(add_vary)

    @app.context_processor
    def _languages() -> dict[str, object]:
        here = current_locale()
        return {
            "locale": here,
            "other_languages": [(code, NAMES[code]) for code in LOCALES if code != here],
        }
