"""``corrections send-outbox`` (once and as a --watch worker) and ``corrections outbox``,
run as an operator would, against a real SMTP server."""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from corrections import cli_outbox
from corrections.models import OutboxMessage
from corrections.services import mail, outbox
from tests.mailserver import PASSWORD, USER, MailServer, closed_port, running


def add(session, count=1):
    for i in range(count):
        outbox.enqueue(session, f"reader{i}@example.org", f"message {i}", "Спасибо — “thanks”.")
    session.commit()


def stored(session) -> list[OutboxMessage]:
    session.rollback()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class SignalWhileSending:
    """Delivers through ``inner``, but a signal arrives as the first message is in hand."""

    def __init__(self, inner, signum, times=1):
        self.inner, self.signum, self.times, self.sends = inner, signum, times, 0

    def __str__(self) -> str:
        return str(self.inner)

    def send(self, to, subject, body):
        self.sends += 1
        if self.sends == 1:
            for _ in range(self.times):
                signal.raise_signal(self.signum)
        self.inner.send(to, subject, body)


def test_send_outbox_delivers_what_is_due_and_prints_the_counts(app, runner, session):
    add(session, count=2)
    server = MailServer()
    with running(server) as smtp:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        app.config["MAIL_FROM"] = "desk@news.example"
        result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent 2, failed 0, waiting 0\n"
    assert [e.mail_from for e in server.envelopes] == ["desk@news.example"] * 2
    assert all(m.sent_at is not None for m in stored(session))


def test_send_outbox_without_smtp_url_writes_the_mail_to_the_log(app, runner, session, caplog):
    caplog.set_level(logging.INFO, logger="corrections.mail")
    app.config["SMTP_URL"] = None
    add(session)
    result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent 1, failed 0, waiting 0\n"
    assert "mail to reader0@example.org" in caplog.text and "Спасибо" in caplog.text


def test_send_outbox_counts_a_failure_as_waiting_and_never_shows_the_password(
    app, runner, session, caplog
):
    caplog.set_level(logging.DEBUG, logger="corrections")
    add(session)
    app.config["SMTP_URL"] = f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{closed_port()}"
    result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent 0, failed 1, waiting 1\n"
    (message,) = stored(session)
    assert message.attempts == 1 and "Connection refused" in message.last_error
    listing = runner.invoke(args=["outbox"])
    worker = runner.invoke(args=["send-outbox", "--watch", "--max-rounds", "1"])
    assert f"Sending through smtp://{USER}:***@127.0.0.1:" in worker.stderr
    texts = (result.output, listing.output, worker.output, caplog.text, message.last_error)
    for text in texts:
        assert PASSWORD not in text and quote(PASSWORD, safe="") not in text


def test_send_outbox_refuses_a_malformed_smtp_url_without_echoing_it(app, runner, session):
    app.config["SMTP_URL"] = "http://mailer:hunter2@mx.example.org"
    result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 2
    assert result.output.startswith("error: SMTP_URL must start with smtp://")
    assert "hunter2" not in result.output


def test_watch_keeps_sending_until_its_rounds_are_done(app, runner, session):
    add(session, count=3)
    server = MailServer()
    with running(server) as smtp:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        result = runner.invoke(
            args=["send-outbox", "--watch", "--interval", "0.05", "--batch", "2"]
            + ["--max-rounds", "3"]
        )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "sent 2, failed 0, waiting 1",
        "sent 1, failed 0, waiting 0",
    ]
    assert result.stderr.startswith(f"Sending through smtp://127.0.0.1:{smtp.port} ")
    assert result.stderr.endswith("Stopped.\n")
    assert len(server.envelopes) == 3


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_lets_the_worker_finish_the_message_in_hand_then_exit_0(
    app, runner, session, monkeypatch, signum
):
    add(session, count=3)
    before = signal.getsignal(signum)
    server = MailServer()
    with running(server) as smtp:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        worker = SignalWhileSending(mail.transport_from_config(app.config), signum)
        monkeypatch.setattr(cli_outbox, "transport_from_config", lambda _config: worker)
        result = runner.invoke(args=["send-outbox", "--watch", "--interval", "30"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent 1, failed 0, waiting 2\n"
    assert result.stderr.endswith("Stopped.\n")
    assert [m["Subject"] for m in server.messages()] == ["message 0"]
    assert [m.sent_at is not None for m in stored(session)] == [True, False, False]
    assert [m.attempts for m in stored(session)] == [1, 0, 0]
    assert signal.getsignal(signum) is before


def test_a_second_signal_stops_the_worker_at_once_and_the_message_is_retried_later(
    app, runner, session, monkeypatch
):
    add(session)
    server = MailServer()
    with running(server) as smtp:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        worker = SignalWhileSending(mail.transport_from_config(app.config), signal.SIGTERM, 2)
        monkeypatch.setattr(cli_outbox, "transport_from_config", lambda _config: worker)
        result = runner.invoke(args=["send-outbox", "--watch"])
    assert result.exit_code == 1  # click's "Aborted!"
    assert server.envelopes == []
    (message,) = stored(session)
    assert message.sent_at is None and message.attempts == 1
    assert message.send_after > datetime.now(UTC) + timedelta(minutes=4)


def test_outbox_lists_unsent_messages_with_attempts_and_last_error(app, runner, session):
    assert runner.invoke(args=["outbox"]).output == "Every message has been sent.\n"
    add(session, count=2)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{closed_port()}"
    runner.invoke(args=["send-outbox", "--batch", "1"])
    result = runner.invoke(args=["outbox"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 unsent: 2 waiting, 0 given up."
    assert "1/12" in lines[2] and "reader0@example.org" in lines[2] and "message 0" in lines[2]
    assert lines[3].strip().startswith("last error: ConnectionRefusedError")
    assert "0/12" in lines[4] and "message 1" in lines[4]
    assert len(lines) == 5


def test_outbox_retry_gives_a_given_up_message_a_fresh_start(app, runner, session):
    add(session, count=2)
    given_up, waiting = stored(session)
    given_up.attempts, given_up.last_error = outbox.MAX_ATTEMPTS, "SMTPDataError: 451 busy"
    session.commit()
    listing = runner.invoke(args=["outbox"])
    assert "12/12" in listing.output and "given up" in listing.output
    result = runner.invoke(args=["outbox", "--retry", str(given_up.id)])
    assert result.exit_code == 0, result.output
    assert f"Message {given_up.id} will be sent by the next send-outbox." in result.output
    assert stored(session)[0].attempts == 0
    refused = runner.invoke(args=["outbox", "--retry", str(waiting.id)])
    assert refused.exit_code == 2 and "still being tried" in refused.output
    missing = runner.invoke(args=["outbox", "--retry", "999"])
    assert missing.exit_code == 2 and "no outbox message 999" in missing.output
