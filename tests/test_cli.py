"""Operator commands, run as an operator would through the Flask CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from corrections.models import Article, Role, User
from corrections.services import articles


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_reads_a_file_and_says_what_it_made(runner, session, tmp_path, demo_text):
    path = tmp_path / "a.txt"
    path.write_text(demo_text, "utf-8")
    result = runner.invoke(args=["import", str(path), "--slug", "flood"])
    assert result.exit_code == 0, result.output
    assert "No title given; using 'Heavy rain over the Ashcombe" in result.output
    assert "Imported /a/flood as version 1 with 6 sections" in result.output
    assert articles.read_article(session, "flood").revision.number == 1


def test_import_with_new_revision_publishes_version_two(runner, session, tmp_path, demo_text):
    path = tmp_path / "a.txt"
    path.write_text(demo_text, "utf-8")
    runner.invoke(args=["import", str(path), "--slug", "flood", "--title", "Flood"])
    path.write_text(demo_text.replace("412", "415"), "utf-8")
    refused = runner.invoke(args=["import", str(path), "--slug", "flood"])
    assert refused.exit_code == 2 and "--new-revision" in refused.output
    result = runner.invoke(args=["import", str(path), "--slug", "flood", "--new-revision"])
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output


def test_bad_files_exit_2_with_one_line_and_write_nothing(runner, session, tmp_path):
    cases = {
        "empty.txt": b"",
        "latin1.txt": "Café\n\nUPDATE\n".encode("latin-1"),
        "big.txt": b"word " * 210_000,
        "binary.bin": b"\x00\x01\x02",
        "headings.txt": b"WHAT\n\nUPDATE\n",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(args=["import", str(path), "--slug", "x"])
        assert result.exit_code == 2, (name, result.output)
        lines = [line for line in result.output.splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, result.output)
    missing = runner.invoke(args=["import", str(tmp_path / "missing.txt"), "--slug", "x"])
    assert missing.exit_code == 2 and "cannot read" in missing.output
    assert count(session, Article) == 0


def test_create_user_takes_the_password_from_the_environment(runner, session, monkeypatch):
    monkeypatch.setenv("CORRECTIONS_PASSWORD", "a long enough password")
    result = runner.invoke(args=["create-user", "Mod@Example.org", "--role", "moderator"])
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert (user.email, user.role) == ("mod@example.org", Role.MODERATOR)
    assert "a long enough password" not in user.password_hash
    again = runner.invoke(args=["create-user", "mod@example.org"])
    assert again.exit_code == 2 and "exists already" in again.output


def test_create_user_refuses_a_short_password(runner, session, monkeypatch):
    monkeypatch.setenv("CORRECTIONS_PASSWORD", "short")
    result = runner.invoke(args=["create-user", "a@example.org"])
    assert result.exit_code == 2 and "at least 10 characters" in result.output
    assert count(session, User) == 0


def test_demo_loads_the_article_and_prints_sign_in_details_every_time(runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo article at /a/ashcombe-flood" in first.output
    assert "moderator@demo.invalid  password: " in first.output
    assert "author@demo.invalid  password: " in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "The demo article is at /a/ashcombe-flood" in second.output
    password_line = [line for line in first.output.splitlines() if "moderator@" in line]
    assert password_line[0] in second.output  # the same password, shown again
    roles = dict(session.execute(select(User.email, User.role)).all())
    assert roles == {"moderator@demo.invalid": Role.MODERATOR, "author@demo.invalid": Role.AUTHOR}


def test_demo_if_empty_leaves_a_database_with_articles_alone(runner, session, demo_text):
    articles.import_article(session, demo_text, slug="mine")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already holds articles" in result.output
    assert count(session, Article) == 1


def test_create_token_prints_a_working_token_once_and_stores_its_hash(runner, session, make_user):
    from corrections.models import ApiToken
    from corrections.services import tokens

    user = make_user("Bot@Example.org")
    result = runner.invoke(args=["create-token", "bot@example.org", "--name", "importer"])
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.strip()
    assert plaintext.startswith("cor_") and "\n" not in plaintext
    assert tokens.user_for_token(session, plaintext) is user
    stored = session.scalars(select(ApiToken)).one()
    assert stored.name == "importer" and stored.token_hash != plaintext


def test_create_token_for_an_unknown_email_exits_2_with_one_line(runner, session):
    from corrections.models import ApiToken

    result = runner.invoke(args=["create-token", "nobody@example.org"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert lines == ["error: there is no account for nobody@example.org"]
    assert count(session, ApiToken) == 0


def test_new_revision_of_an_unknown_slug_is_refused(runner, session, tmp_path, demo_text):
    path = tmp_path / "a.txt"
    path.write_text(demo_text, "utf-8")
    result = runner.invoke(args=["import", str(path), "--slug", "flod", "--new-revision"])
    assert result.exit_code == 2
    assert "no article with the slug 'flod' to revise" in result.output
    assert count(session, Article) == 0


def test_demo_passwords_work_again_after_their_file_is_lost(app, runner, session):
    from pathlib import Path

    from corrections.services import auth

    runner.invoke(args=["demo"])
    (Path(app.instance_path) / "demo-passwords.txt").unlink()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    line = next(line for line in again.output.splitlines() if "moderator@" in line)
    password = line.split("password: ")[1].strip()
    user = auth.authenticate(
        session, "moderator@demo.invalid", password, client_address="127.0.0.1", secret="s"
    )
    assert user.email == "moderator@demo.invalid"


def test_a_bad_setting_stops_the_command_line_with_one_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "CORRECTIONS_ENV": "production",
        "CORRECTIONS_INSTANCE_PATH": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "corrections"), "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: configuration: "), done.stderr
    assert "SECRET_KEY" in lines[0]


def test_a_file_that_would_undo_an_accepted_fix_needs_confirm_undo(
    runner, session, tmp_path, make_user, make_correction, demo_text
):
    from corrections.services import decisions

    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()  # "412 homes" in the demo article, fixed to "415 homes"
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=True,
        expected_version=correction.version,
    )
    path = tmp_path / "a.txt"
    path.write_text(demo_text, "utf-8")  # still says "412 homes"
    refused = runner.invoke(args=["import", str(path), "--slug", "demo", "--new-revision"])
    assert refused.exit_code == 2 and len(refused.output.strip().splitlines()) == 1
    assert "would undo an accepted correction" in refused.output
    assert "--confirm-undo" in refused.output
    assert articles.read_article(session, "demo").revision.number == 2
    args = ["import", str(path), "--slug", "demo", "--new-revision", "--confirm-undo"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "as version 3" in result.output
