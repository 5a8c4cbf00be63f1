"""Languages: every marked string has its German, pages follow the reader's choice, the API's
messages follow Accept-Language (its codes never change), caches key on the language, and what
is stored or mailed is in the site's language whoever asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from corrections.config import LOCALES
from corrections.models import OutboxMessage, Role
from corrections.services import decisions
from corrections.services.abuse import Submitter
from tests.conftest import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "translations" / "{locale}" / "LC_MESSAGES" / "messages.po"
# As the Makefile extracts (BABEL_KEYWORDS): gettext's own keywords, and _l / lazy_gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*")
SECOND = [code for code in LOCALES if code != "en"]
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message marked in the code and the templates, as ``make messages`` finds them:
    its id and where it is used."""
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, tuple[str, ...]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if Path(filename).parts[0] in {".venv", "node_modules", "bench", "tests"}:
            continue
        key = message if isinstance(message, str) else message[0]
        found[key] = (*found.get(key, ()), filename)
    return found


@pytest.fixture(scope="module")
def marked() -> dict[str, tuple[str, ...]]:
    messages = extracted()
    assert len(messages) > 500, "the extraction found too little: is babel.cfg read?"
    return messages


def catalog(locale: str):
    with Path(str(CATALOG).format(locale=locale)).open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", SECOND)
def test_every_marked_string_is_translated_in_the_catalog(marked, locale):
    translations = catalog(locale)
    problems = []
    for message_id, where in sorted(marked.items()):
        entry = translations.get(message_id)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or not all(s.strip() for s in strings):
            problems.append(f"untranslated ({where[0]}): {message_id!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy, needs a look ({where[0]}): {message_id!r}")
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", SECOND)
def test_translations_keep_every_placeholder_and_tag(locale):
    problems = []
    for entry in catalog(locale):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        tags = sorted(TAG.findall(ids[0]))
        for index, text in enumerate(strings):
            got = set(PLACEHOLDER.findall(text))
            # A singular may leave out the count ("eine Minute"), never add one.
            if got - wanted or (got != wanted and not (entry.pluralizable and index == 0)):
                problems.append(f"placeholders {sorted(got)} != {sorted(wanted)}: {ids[0]!r}")
            if sorted(TAG.findall(text)) != tags:
                problems.append(f"tags differ: {ids[0]!r}")
    assert not problems, "\n".join(problems)


def test_the_catalog_holds_nothing_the_code_no_longer_marks(marked):
    """Stale entries mislead translators; `make messages` drops them (--ignore-obsolete)."""
    for locale in SECOND:
        stale = [entry.id for entry in catalog(locale) if entry.id and _key(entry) not in marked]
        assert not stale, f"{locale}: entries no longer in the code: {stale[:10]}"


def _key(entry) -> str:
    return entry.id if isinstance(entry.id, str) else entry.id[0]


# -- pages in the reader's language ----------------------------------------------------------

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def english_left_in(html: str, locale: str = "de") -> list[str]:
    """Sentences of our own English (catalog messages of four words or more, without markup
    or placeholders, whose translation differs) that still show on a page."""
    text = visible_text(html)
    left = []
    for entry in catalog(locale):
        if not isinstance(entry.id, str) or not entry.id or entry.string == entry.id:
            continue
        if "%" in entry.id or "<" in entry.id or len(entry.id.split()) < 4:
            continue
        if entry.id in text:
            left.append(entry.id)
    return left


def test_accept_language_chooses_german_for_the_whole_article_page(client, demo_article):
    page = client.get("/a/demo", headers=GERMAN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="de"' in html
    assert "Version 1, aktualisiert am" in html or "Version 1, aktualisiert" in html
    assert "Korrektur vorschlagen" in html
    assert english_left_in(html) == []
    # The article itself is the author's text, never translated.
    assert "“coming up through the floorboards" in html
    english = client.get("/a/demo").get_data(as_text=True)
    assert '<html lang="en"' in english and "Suggest a correction" in english
    assert english_left_in(english) != []  # the check sees our English when it is there


def test_dates_and_numbers_follow_the_reader(client, session, demo_text):
    from corrections.services import articles

    text = demo_text + "\nUpdate 1, 16 October 2025: The toll is 4.\n"
    articles.import_article(session, text, slug="flood")
    assert "16 October 2025" in client.get("/a/flood").get_data(as_text=True)
    german = client.get("/a/flood", headers=GERMAN).get_data(as_text=True)
    assert "16. Oktober 2025" in german and "Aktualisierung 1" in german


@pytest.mark.parametrize(
    "path",
    ["/", "/a/demo/v/1", "/a/demo/history", "/a/demo/corrections", "/signin", "/a/nothing-here"],
)
def test_reader_pages_leave_no_english_behind(client, demo_article, path):
    page = client.get(path, headers=GERMAN)
    assert page.status_code in (200, 404)
    html = page.get_data(as_text=True)
    assert '<html lang="de"' in html
    assert english_left_in(html) == []


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        (Role.MODERATOR, ["/moderate", "/moderate?tab=comments", "/moderate/log"]),
        (Role.AUTHOR, ["/author/demo", "/account"]),
        (Role.ADMIN, ["/admin/users"]),
    ],
)
def test_staff_pages_leave_no_english_behind(client, demo_article, make_user, login, role, paths):
    make_user("staff@example.org", role)
    assert login(client, "staff@example.org").status_code == 302
    client.set_cookie("lang", "de")
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert '<html lang="de"' in html, path
        assert english_left_in(html) == [], path


def test_the_switch_remembers_the_choice_and_comes_back_to_the_page(client, demo_article):
    page = client.get("/a/demo/history").get_data(as_text=True)
    assert 'name="lang" value="de"' in page and 'lang="de">Deutsch</button>' in page
    answer = client.post(
        "/language", data={"lang": "de", "next": "/a/demo/history"}, headers=SAME_ORIGIN
    )
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/a/demo/history")
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("lang=de;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The cookie wins over Accept-Language, and the switch now offers English.
    again = client.get("/a/demo/history", headers={"Accept-Language": "en"})
    html = again.get_data(as_text=True)
    assert '<html lang="de"' in html and 'lang="en">English</button>' in html


def test_the_switch_refuses_other_sites_and_unknown_languages(client, demo_article):
    forged = client.post("/language", data={"lang": "de"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403 and "Set-Cookie" not in forged.headers
    assert "did not come from this site" in forged.get_data(as_text=True)
    no_origin = client.post("/language", data={"lang": "de"})
    assert no_origin.status_code == 403
    other = client.post(
        "/language", data={"lang": "de"}, headers={"Origin": "https://evil.example"}
    )
    assert other.status_code == 403
    unknown = client.post("/language", data={"lang": "xx"}, headers=SAME_ORIGIN)
    assert unknown.status_code == 422 and "Set-Cookie" not in unknown.headers
    # Never sent elsewhere: the way back is this site's own.
    away = client.post(
        "/language", data={"lang": "de", "next": "https://evil.example/"}, headers=SAME_ORIGIN
    )
    assert away.status_code == 303 and "evil.example" not in away.headers["Location"]


def test_the_validator_differs_by_language_and_caches_are_told(client, demo_article):
    english = client.get("/a/demo")
    german = client.get("/a/demo", headers=GERMAN)
    assert english.headers["ETag"] != german.headers["ETag"]
    for response in (english, german):
        assert {"Accept-Language", "Cookie"} <= set(response.vary)
    # The English validator does not answer 304 for a German reader, and vice versa.
    crossed = client.get("/a/demo", headers={**GERMAN, "If-None-Match": english.headers["ETag"]})
    assert crossed.status_code == 200
    same = client.get("/a/demo", headers={**GERMAN, "If-None-Match": german.headers["ETag"]})
    assert same.status_code == 304


def test_api_messages_follow_accept_language_and_their_codes_never_change(client, demo_article):
    english = client.get("/api/v1/articles/nothing-here")
    german = client.get("/api/v1/articles/nothing-here", headers=GERMAN)
    assert english.status_code == german.status_code == 404
    assert english.get_json()["error"]["code"] == german.get_json()["error"]["code"]
    assert english.get_json()["error"]["message"] != german.get_json()["error"]["message"]
    assert "Accept-Language" in german.vary
    # The API reads no cookies: the switch's choice does not reach it.
    client.set_cookie("lang", "de")
    assert client.get("/api/v1/articles/nothing-here").get_json() == english.get_json()
    invalid = client.post(
        "/api/v1/articles/demo/sections/what-happened/comments",
        json={"body": "", "author_name": "", "extra": 1},
        headers=GERMAN,
    )
    error = invalid.get_json()["error"]
    assert invalid.status_code == 422 and error["code"] == "invalid"
    # marshmallow's own English is read through the catalog too (api/field_messages.py).
    assert error["fields"] == {
        "author_name": ["Die Länge muss zwischen 1 und 80 liegen."],
        "body": ["Die Länge muss zwischen 1 und 10000 liegen."],
        "extra": ["Unbekanntes Feld."],
    }
    assert english_left_in(str(error)) == []
    same = client.post(
        "/api/v1/articles/demo/sections/what-happened/comments", json={"extra": 1}
    ).get_json()["error"]
    assert same["fields"]["extra"] == ["Unknown field."]


def test_html_errors_are_in_the_readers_language(client):
    page = client.get("/a/nothing-here", headers=GERMAN).get_data(as_text=True)
    assert "There is nothing here" not in page


# -- what is stored or mailed is in the site's language ---------------------------------------


def accept_with_german_reader(app, session, make_user, make_correction):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    submitter = Submitter(secret=app.config["SECRET_KEY"], name="Ann", email="ann@example.org")
    correction, _token = make_correction(submitter=submitter)
    with app.test_request_context("/", headers=GERMAN):
        decisions.accept(
            session,
            moderator,
            correction.id,
            update_text="An earlier version said 412 homes; it was 415.",
            apply_text=False,
            expected_version=correction.version,
        )
    return session.scalars(select(OutboxMessage)).one()


def test_mail_is_in_the_sites_language_whoever_decided(app, session, make_user, make_correction):
    message = accept_with_german_reader(app, session, make_user, make_correction)
    assert "Update 1 in version 2" in message.body  # English: the site's default


def test_a_german_site_mails_in_german(app, session, make_user, make_correction):
    app.config["CORRECTIONS_DEFAULT_LOCALE"] = "de"
    message = accept_with_german_reader(app, session, make_user, make_correction)
    assert "Aktualisierung 1" in message.body and "Update 1 in version 2" not in message.body
    assert english_left_in(message.body) == []
