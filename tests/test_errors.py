"""The central error handlers when the database fails: a clean 503 with Retry-After, never a
500, wherever the connection error is raised (loading the signed-in user, a query, the
commit), and nothing half-written."""

from __future__ import annotations

import contextlib
import itertools
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from corrections import create_app
from corrections.extensions import db
from corrections.models import Comment, Correction, CorrectionStatus, Revision, Role, Update
from corrections.services import articles, decisions, tokens, users
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import submit_correction
from tests.conftest import BACKEND, DEMO_ARTICLE, TEST_PASSWORD, csrf_token_in


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_app(tmp_path: Path) -> Flask:
    """The app pointed at a PostgreSQL address where nothing listens: every query fails."""
    return create_app(
        {
            "TESTING": True,  # an error raised inside an error handler reaches the test
            "SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:{closed_port()}/gone",
            "SECRET_KEY": "test",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path / "instance"),
    )


@pytest.fixture
def own_contexts_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the test database with the demo article, and no app context kept pushed
    (unlike ``app``): each request ends its session at teardown, as under gunicorn."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        articles.import_article(db.session, DEMO_ARTICLE.read_text("utf-8"), slug="demo")
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def lost_connection() -> OperationalError:
    return OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))


def test_pages_and_the_api_answer_503_with_retry_after_when_the_database_is_down(
    unreachable_app,
):
    client = unreachable_app.test_client()
    page = client.get("/a/demo")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "briefly unavailable" in page.get_data(as_text=True)
    api = client.get("/api/v1/articles/demo")
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "unavailable"


def test_a_signed_in_visitor_gets_the_503_page_when_their_account_cannot_be_loaded(
    unreachable_app,
):
    """Flask-Login's user loader fails first, and the error page must not ask it again."""
    client = unreachable_app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1:1"
    for path in ("/", "/moderate", "/account"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "5"
        assert "briefly unavailable" in response.get_data(as_text=True)


def test_a_post_whose_commit_loses_the_connection_is_a_503_and_its_retry_posts_once(
    client, demo_article, monkeypatch
):
    real_commit = Session.commit
    failures = iter([lost_connection()])

    def commit_failing_once(self: Session) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        real_commit(self)

    monkeypatch.setattr(Session, "commit", commit_failing_once)
    body = {"body": "Retried after a lost connection.", "author_name": "Ann"}
    headers = {"Idempotency-Key": "lost-commit-1"}
    url = "/api/v1/articles/demo/sections/introduction/comments"
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 503 and first.headers["Retry-After"] == "5"
    assert first.get_json()["error"]["code"] == "unavailable"
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    again = client.post(url, json=body, headers=headers)
    assert again.status_code in (201, 202)
    assert client.post(url, json=body, headers=headers).status_code in (201, 202)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_a_signed_in_moderator_whose_request_fails_midway_gets_the_503_page(
    client, demo_article, make_user, login, monkeypatch
):
    """The rollback expires the loaded account; the page must not load it again."""
    make_user("mod@example.org", Role.MODERATOR)
    assert login(client, "mod@example.org").status_code == 302

    def queue_fails(*_args, **_kwargs):
        raise lost_connection()

    monkeypatch.setattr("corrections.services.moderation_queue.queue_screen", queue_fails)
    response = client.get("/moderate")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"


def test_a_connection_lost_after_the_answer_was_made_leaves_the_answer_as_it_was(
    own_contexts_app,
):
    """A read leaves its transaction open until the session ends at teardown; when the
    server has gone by then (a restart), the rollback fails, and must not turn the answer
    into a 500 from outside the app. The next request gets a new connection."""
    app = own_contexts_app
    lose = {"now": False}

    @app.after_request
    def server_goes_away(response):
        if lose["now"]:
            db.session.connection().connection.dbapi_connection.close()
        return response

    client = app.test_client()
    lose["now"] = True
    response = client.get("/api/v1/articles/demo")
    assert response.status_code == 200 and response.get_json()["slug"] == "demo"
    lose["now"] = False
    assert client.get("/api/v1/articles/demo").status_code == 200


def test_an_error_page_that_cannot_be_drawn_is_answered_plainly(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the template is broken")

    monkeypatch.setattr("corrections.errors.render_template", broken)
    response = client.get("/a/no-such-article")
    assert response.status_code == 404
    assert "There is no article" in response.get_data(as_text=True)


@pytest.mark.skipif(BACKEND != "postgresql", reason="terminates a PostgreSQL backend")
def test_an_accept_whose_connection_is_killed_midway_leaves_nothing_and_the_next_works(
    client, session, make_user, make_correction, monkeypatch
):
    """The server ends the connection after the accept has written its rows, before the
    commit: 503, the correction is still pending with no update and no new revision, and
    the next request gets a fresh connection from the pool."""
    correction, _ = make_correction()
    moderator = make_user("mod@example.org", Role.MODERATOR)
    headers = {"Authorization": f"Bearer {tokens.create_token(session, moderator, 't')[1]}"}
    revisions = session.scalar(select(func.count()).select_from(Revision))
    real_notify = decisions.notifications.correction_decided

    def killed_before_commit(db_session, *args, **kwargs):
        db_session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    monkeypatch.setattr(decisions.notifications, "correction_decided", killed_before_commit)
    url = f"/api/v1/moderation/corrections/{correction.id}/accept"
    body = {"update_text": "Fixed.", "expected_version": 1}
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"

    session.expire_all()
    assert session.get(Correction, correction.id).status == CorrectionStatus.PENDING
    assert session.scalar(select(func.count()).select_from(Update)) == 0
    assert session.scalar(select(func.count()).select_from(Revision)) == revisions

    monkeypatch.setattr(decisions.notifications, "correction_decided", real_notify)
    assert client.post(url, json=body, headers=headers).status_code == 200
    session.expire_all()
    accepted = session.get(Correction, correction.id)
    assert accepted.status == CorrectionStatus.ACCEPTED and accepted.update_id is not None


# -- the database gone from each statement of a request on, in turn --------------------------


@contextlib.contextmanager
def database_gone_from(app: Flask, n: int | None) -> Iterator[list[str]]:
    """From the request's statement number ``n`` on (None: never), every statement finds
    its connection closed, as when the server goes away: the one in use fails, and so does
    every new one. Yields the statements seen."""
    seen: list[str] = []

    def before(_conn, cursor, statement, *_args) -> None:
        seen.append(statement.split("\n")[0][:60])
        if n is not None and len(seen) - 1 >= n:
            cursor.connection.close()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def sweep(app: Flask, send, prepare=lambda: None) -> list[tuple[int, str, int]]:
    """``send(prepare())`` once to count its statements, then once with the database gone
    from each on; every answer must be a 503 with Retry-After, or the full answer when what
    failed was only decoration (the queue count in the header). Returns a list of
    (prepared, statement, status)."""
    with database_gone_from(app, None) as statements:
        assert send(prepare()).status_code < 400
    answers = []
    for n in range(len(statements)):
        prepared = prepare()
        with database_gone_from(app, n):
            response = send(prepared)
        assert response.status_code in (200, 201, 202, 503), (n, statements[n], response.data)
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "5"
        answers.append((prepared, statements[n], response.status_code))
    assert any(status == 503 for _, _, status in answers)
    return answers


def signed_in_moderator(app: Flask):
    with app.app_context():
        user = users.create_user(
            db.session, "mod@example.org", TEST_PASSWORD, role=Role.MODERATOR, system=True
        )
        plaintext = tokens.create_token(db.session, user, "t")[1]
        db.session.remove()
    client = app.test_client()
    token = csrf_token_in(client.get("/signin").get_data(as_text=True))
    signed = client.post(
        "/signin",
        data={"email": "mod@example.org", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert signed.status_code == 302
    return client, {"Authorization": f"Bearer {plaintext}"}


def test_the_database_gone_at_any_statement_of_a_signed_in_page_is_a_503(own_contexts_app):
    app = own_contexts_app
    client, _ = signed_in_moderator(app)
    for path in ("/moderate?tab=comments", "/a/demo", "/account"):
        sweep(app, lambda _n, path=path: client.get(path))


def test_the_database_gone_at_any_statement_of_a_comment_is_a_503_and_a_retry_posts_once(
    own_contexts_app,
):
    app = own_contexts_app
    client = app.test_client()
    url = "/api/v1/articles/demo/sections/introduction/comments"
    numbers = itertools.count()

    def send(n: int):
        body = {"body": f"Comment number {n}.", "author_name": "Ann"}
        return client.post(url, json=body, headers={"Idempotency-Key": f"k{n}"})

    answers = sweep(app, send, lambda: next(numbers))
    for n, _, _ in answers:  # the database is back: the client sends each again
        assert send(n).status_code in (201, 202)
    with app.app_context():
        bodies = db.session.scalars(select(Comment.body_source)).all()
    # One comment for the counting run and one for each loss, none twice.
    assert sorted(bodies) == sorted(f"Comment number {n}." for n in range(len(answers) + 1))


def test_the_database_gone_at_any_statement_of_an_accept_is_a_503_leaving_nothing_half_done(
    own_contexts_app,
):
    app = own_contexts_app
    client, bearer = signed_in_moderator(app)

    def prepare() -> int:
        with app.app_context():
            correction = submit_correction(
                db.session,
                slug="demo",
                section_key="introduction",
                quote=QuoteInput("412 homes"),
                kind="correction",
                proposed_text="415 homes",
                explanation="The council revised it.",
                links=["https://example.org/report"],
                submitter=Submitter(secret=app.config["SECRET_KEY"], name="Ann"),
                idempotency_key=None,
            ).correction.id
            db.session.remove()
        return correction

    def send(correction: int):
        return client.post(
            f"/api/v1/moderation/corrections/{correction}/accept",
            json={"update_text": "Fixed.", "expected_version": 1},
            headers=bearer,
        )

    answers = sweep(app, send, prepare)
    with app.app_context():
        accepted = db.session.scalars(
            select(Correction).where(Correction.status == CorrectionStatus.ACCEPTED)
        ).all()
        assert len(accepted) == 1 + sum(1 for *_, status in answers if status == 200)
        assert all(c.update_id is not None for c in accepted)
        pending = db.session.scalars(
            select(Correction).where(Correction.status == CorrectionStatus.PENDING)
        ).all()
        assert all(c.update_id is None for c in pending)
        updates = db.session.scalar(select(func.count()).select_from(Update))
        revisions = db.session.scalar(select(func.count()).select_from(Revision))
    assert updates == len(accepted) and revisions == 1 + len(accepted)
