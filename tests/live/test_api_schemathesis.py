"""Schemathesis against the live API: every operation of ``/api/v1/openapi.json``, over HTTP.

The server is gunicorn (2 workers, production settings) on a free loopback port, on
PostgreSQL (a database of this run's own) when ``TEST_DATABASE_URL`` names one, on SQLite
otherwise; the demo article is loaded, with five pending corrections and five held comments
so that the decision operations have something to decide on. Authenticated operations get
``Authorization: Bearer`` with a token made by ``services.tokens.create_token``: the demo
author's for the draft operations (authors only), the demo moderator's for the rest.

What this proves, for the generated requests (valid and invalid, by Schemathesis'
examples, coverage and fuzzing phases) of every operation:

- ``not_a_server_error``: no request gets a 5xx;
- ``response_schema_conformance``: every answer, errors included, matches the schema the
  document declares for its status (``ErrorSchema`` for errors);
- ``status_code_conformance``: every status is declared. Kept because it costs nothing, but
  it is weak here: flask-smorest declares a ``default`` response on every operation, so
  only the *body* of an undeclared status is checked (against ``ErrorSchema``).

Bounded for CI on 2 cores: ``SCHEMATHESIS_MAX_EXAMPLES`` (default 20) examples per operation
in the fuzzing phase, derandomized; the whole test takes a few minutes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from corrections.text.article_format import parse_article
from tests.live.conftest import (
    DEMO_SLUG,
    ON_POSTGRES,
    ROOT,
    TEST_DATABASE_URL,
    WEB_TIMEOUT,
    LiveServer,
    Seeded,
    own_postgres_database,
    prepare_database,
    running_server,
)

pytestmark = pytest.mark.live

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))


SEEN: defaultdict[str, Counter[int]] = defaultdict(Counter)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def seed_decisions(server: LiveServer, seeded: Seeded) -> None:
    """Five pending corrections and five held comments (ids 1-5), for the moderators' API."""
    api = server.url(f"/api/v1/articles/{seeded.slug}")
    for n in range(5):
        correction = requests.post(
            f"{api}/corrections",
            json={
                "section": "introduction",
                "quote": {"exact": "412 homes"},
                "kind": "correction",
                "proposed_text": f"41{n} homes",
                "explanation": "The council revised the figure.",
                "links": [f"https://example.org/report/{n}"],
                "reporter_name": f"Reporter {n}",
            },
            timeout=WEB_TIMEOUT,
        )
        assert correction.status_code == 202, correction.text
        comment = requests.post(
            f"{api}/sections/introduction/comments",
            json={"body": f"Seed comment {n}", "author_name": f"Guest {n}"},
            timeout=WEB_TIMEOUT,
        )
        assert comment.status_code in (201, 202), comment.text


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[LiveServer, Seeded]]:
    folder = Path(tempfile.mkdtemp(prefix="corrections-schemathesis-"))
    try:
        database = (
            own_postgres_database(TEST_DATABASE_URL, "schemathesis")
            if ON_POSTGRES
            else contextlib.nullcontext(f"sqlite:///{folder / 'api.db'}")
        )
        with database as url:
            seeded = prepare_database(url, folder / "instance")
            with running_server(url, seeded.instance_path, seeded.secret, workers=2) as server:
                seed_decisions(server, seeded)
                yield server, seeded
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def generated_document() -> dict:
    """The OpenAPI document as the code generates it (the same code the server runs; the
    test below checks that the live server serves exactly this)."""
    from corrections import create_app

    folder = tempfile.mkdtemp(prefix="corrections-openapi-")
    try:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "openapi", "TESTING": True},
            instance_path=folder,
        )
        return app.test_client().get("/api/v1/openapi.json").get_json()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


DEMO_KEYS = [
    section.key
    for section in parse_article(
        (ROOT / "corrections" / "demo" / "article.txt").read_text("utf-8")
    ).sections
]

# Loaded at collection from the code rather than from the live server with
# ``schemathesis.pytest.from_fixture``: that lazy loader sets ``Node._nodeid``, which pytest
# 9.2 no longer has (schemathesis 4.32.5).
DOCUMENT = generated_document()
schema = schemathesis.openapi.from_dict(
    DOCUMENT,
    config=schemathesis.Config.from_dict(
        {
            "seed": 20240325,
            "request-timeout": WEB_TIMEOUT + 5,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
            # Random slugs, keys and ids would nearly all be 404s; most requests name the
            # demo article and what ``seed_decisions`` made, the rest stay random.
            "dictionaries": {
                "slugs": {"values": [DEMO_SLUG]},
                "keys": {"values": DEMO_KEYS},
                "ids": {"values": [1, 2, 3, 4, 5]},
                "versions": {"values": [1, 2]},
            },
            "parameters": {
                "path.slug": {"dictionary": "slugs", "probability": 0.8},
                "path.key": {"dictionary": "keys", "probability": 0.8},
                "body.section": {"dictionary": "keys", "probability": 0.8},
                "path.comment_id": {"dictionary": "ids", "probability": 0.8},
                "path.correction_id": {"dictionary": "ids", "probability": 0.8},
                "path.number": {"dictionary": "versions", "probability": 0.8},
                "query.from": {"dictionary": "versions", "probability": 0.8},
                "query.to": {"dictionary": "versions", "probability": 0.8},
                "body.expected_version": {"dictionary": "versions", "probability": 0.5},
            },
        }
    ),
)


def test_the_live_server_serves_the_document_the_tests_use(api) -> None:
    server, _ = api
    served = requests.get(server.url("/api/v1/openapi.json"), timeout=WEB_TIMEOUT)
    assert served.status_code == 200
    assert served.json() == DOCUMENT


@schema.parametrize()
def test_every_operation_conforms_and_never_fails_on_the_server(case, api) -> None:
    server, seeded = api
    who = (
        "author"
        if case.path.endswith(("/draft", "/draft/rebase", "/draft/publish"))
        else ("moderator")
    )
    headers = seeded.bearer(who) if case.operation.definition.raw.get("security") else {}
    response = case.call_and_validate(
        base_url=server.base_url,
        headers=headers,
        checks=CHECKS,
        timeout=WEB_TIMEOUT + 5,
    )
    if case.method.upper() == case.operation.method.upper():  # not a wrong-method probe
        SEEN[f"{case.method.upper()} {case.path}"][response.status_code] += 1


def test_the_generated_requests_reached_past_validation() -> None:
    """Not vacuous: most operations were answered 2xx at least once (runs after the above)."""
    if not SEEN:
        pytest.skip("the Schemathesis test did not run in this session")
    summary = {op: dict(sorted(codes.items())) for op, codes in sorted(SEEN.items())}
    print("\nstatus codes per operation:", *(f"{k}: {v}" for k, v in summary.items()), sep="\n")
    succeeded = {op for op, codes in SEEN.items() if any(200 <= c < 300 for c in codes)}
    assert len(succeeded) >= len(SEEN) // 2, summary
