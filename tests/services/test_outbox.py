"""Sending the outbox: through a real SMTP server (aiosmtpd), at least once, never twice,
retried with a growing delay, and never with a password in an error or a log line."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from corrections.config import ConfigError
from corrections.extensions import db
from corrections.models import OutboxMessage
from corrections.services import outbox
from corrections.services.errors import Invalid
from corrections.services.mail import (
    LogTransport,
    MailError,
    SmtpTransport,
    redact,
    transport_from_config,
)
from tests.mailserver import PASSWORD, USER, MailServer, closed_port, make_certificate, running

BODY = "Your correction was accepted: “415 homes”, not 412.\nСпасибо за поправку — редакция."
SUBJECT = "Your correction — «принята»"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    made = make_certificate(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("the openssl tool is needed to make a test certificate")
    return made


def add(session, to="ann@example.org", subject=SUBJECT, body=BODY, count=1):
    messages = [outbox.enqueue(session, to, subject.format(i=i), body) for i in range(count)]
    session.commit()
    return messages


def reload(session, message) -> OutboxMessage:
    session.rollback()
    return session.get(OutboxMessage, message.id)


def plain(port: int) -> SmtpTransport:
    return SmtpTransport.from_url(f"smtp://127.0.0.1:{port}", mail_from="Corrections <news@x.org>")


class Crash(BaseException):
    """The process dying in the middle of a batch."""


class CrashOnSecond:
    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def send(self, to, subject, body):
        self.calls += 1
        if self.calls == 2:
            raise Crash
        self.inner.send(to, subject, body)


class Failing:
    def __init__(self, error: Exception):
        self.error = error

    def send(self, to, subject, body):
        raise self.error


def test_a_due_message_is_delivered_with_subject_recipient_sender_and_utf8_body(session):
    (message,) = add(session)
    server = MailServer()
    with running(server) as smtp:
        report = outbox.send_due(session, plain(smtp.port))
    assert report == outbox.SendReport(sent=1, failed=0, remaining=0)
    (envelope,) = server.envelopes
    assert envelope.mail_from == "news@x.org"
    assert envelope.rcpt_tos == ["ann@example.org"]
    (received,) = server.messages()
    assert received["Subject"] == SUBJECT
    assert received["From"] == "Corrections <news@x.org>"
    assert received["To"] == "ann@example.org"
    assert received["Message-ID"].endswith("@x.org>")
    assert received.get_content_charset() == "utf-8"
    assert received.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert envelope.original_content.isascii()  # no relay on the way needs 8BITMIME
    stored = reload(session, message)
    assert stored.sent_at is not None and stored.attempts == 1 and stored.last_error is None


def test_without_smtp_url_messages_are_written_to_the_mail_log(app, session, caplog):
    caplog.set_level(logging.INFO, logger="corrections.mail")
    (message,) = add(session)
    transport = transport_from_config({**app.config, "SMTP_URL": None})
    assert isinstance(transport, LogTransport)
    assert outbox.send_due(session, transport).sent == 1
    (record,) = [r for r in caplog.records if r.name == "corrections.mail"]
    assert "mail to ann@example.org" in record.getMessage()
    assert SUBJECT in record.getMessage() and BODY in record.getMessage()
    assert reload(session, message).sent_at is not None


def test_smtp_urls_name_the_security_the_default_port_and_the_sender():
    assert transport_from_config(
        {"SMTP_URL": "smtp://mail.example.org", "MAIL_FROM": "a@b.org"}
    ) == SmtpTransport("mail.example.org", 25, "plain", mail_from="a@b.org")
    assert SmtpTransport.from_url("smtps://mx").port == 465
    secure = SmtpTransport.from_url(f"smtp+starttls://{USER}:{quote(PASSWORD, safe='')}@mx:2525")
    assert (secure.security, secure.port) == ("starttls", 2525)
    assert (secure.username, secure.password) == (USER, PASSWORD)
    assert str(secure) == f"smtp+starttls://{USER}:***@mx:2525"
    assert PASSWORD not in repr(secure)
    assert transport_from_config({"SMTP_URL": "smtp://mx"}).mail_from == "corrections@localhost"
    with pytest.raises(ConfigError, match="must start with smtp://"):
        SmtpTransport.from_url("http://u:pw@mx")
    with pytest.raises(ConfigError, match="names no host") as refused:
        SmtpTransport.from_url("smtp://u:hunter2@:25")
    assert "hunter2" not in str(refused.value)


def test_a_refused_connection_keeps_the_message_with_its_error_and_a_retry_time(session):
    (message,) = add(session)
    now = datetime.now(UTC)
    report = outbox.send_due(session, plain(closed_port()), now=now)
    assert report == outbox.SendReport(sent=0, failed=1, remaining=1)
    stored = reload(session, message)
    assert stored.sent_at is None and stored.attempts == 1
    assert "Connection refused" in stored.last_error
    assert stored.send_after == now + timedelta(minutes=1)


def test_a_server_answering_451_delays_the_message_and_a_run_after_the_backoff_sends_it(
    session,
):
    (message,) = add(session)
    server = MailServer()
    server.answer_data = "451 4.3.0 Try again later"
    now = datetime.now(UTC)
    with running(server) as smtp:
        transport = plain(smtp.port)
        assert outbox.send_due(session, transport, now=now).failed == 1
        stored = reload(session, message)
        assert (stored.attempts, stored.sent_at) == (1, None)
        assert stored.last_error == "SMTPDataError: 451 4.3.0 Try again later"
        assert stored.send_after == now + timedelta(minutes=1)
        server.answer_data = None
        early = outbox.send_due(session, transport, now=now + timedelta(seconds=30))
        assert early == outbox.SendReport(sent=0, failed=0, remaining=1)
        later = outbox.send_due(session, transport, now=now + timedelta(seconds=61))
        assert later == outbox.SendReport(sent=1, failed=0, remaining=0)
    assert len(server.envelopes) == 1
    stored = reload(session, message)
    assert stored.sent_at is not None and stored.attempts == 2


def test_a_recipient_refused_with_550_is_kept_unsent_and_retried_later(session):
    (message,) = add(session)
    server = MailServer()
    server.answer_rcpt = "550 5.1.1 No such user here"
    with running(server) as smtp:
        assert outbox.send_due(session, plain(smtp.port)).failed == 1
    stored = reload(session, message)
    assert stored.attempts == 1 and stored.sent_at is None
    assert "550 5.1.1 No such user here" in stored.last_error
    assert stored.send_after > datetime.now(UTC)
    assert server.envelopes == []


def test_nothing_is_sent_twice_across_two_runs(session):
    add(session, subject="message {i}", count=3)
    server = MailServer()
    with running(server) as smtp:
        first = outbox.send_due(session, plain(smtp.port))
        second = outbox.send_due(session, plain(smtp.port))
    assert (first.sent, second.sent) == (3, 0)
    assert sorted(m["Subject"] for m in server.messages()) == [f"message {i}" for i in range(3)]


def test_a_run_sends_at_most_a_batch_and_the_longest_waiting_first(session):
    messages = add(session, subject="message {i}", count=3)
    now = datetime.now(UTC)
    for minutes_ago, message in zip((1, 3, 2), messages, strict=True):
        message.send_after = now - timedelta(minutes=minutes_ago)
    session.commit()
    server = MailServer()
    with running(server) as smtp:
        report = outbox.send_due(session, plain(smtp.port), now=now, batch=2)
    assert report == outbox.SendReport(sent=2, failed=0, remaining=1)
    assert [m["Subject"] for m in server.messages()] == ["message 1", "message 2"]


def test_a_crash_mid_batch_resends_nothing_marked_and_loses_nothing(session):
    add(session, subject="message {i}", count=3)
    server = MailServer()
    now = datetime.now(UTC)
    with running(server) as smtp:
        with pytest.raises(Crash):
            outbox.send_due(session, CrashOnSecond(plain(smtp.port)), now=now)
        session.rollback()
        assert [m["Subject"] for m in server.messages()] == ["message 0"]
        # The message in hand was claimed: nobody takes it until the claim lapses.
        assert outbox.send_due(session, plain(smtp.port), now=now).sent == 1
        after_lease = now + outbox.CLAIM_LEASE + timedelta(seconds=1)
        assert outbox.send_due(session, plain(smtp.port), now=after_lease).sent == 1
    subjects = sorted(m["Subject"] for m in server.messages())
    assert subjects == ["message 0", "message 1", "message 2"]
    attempts = session.scalars(select(OutboxMessage.attempts).order_by(OutboxMessage.id))
    assert list(attempts) == [1, 2, 1]


def test_retry_delays_double_from_one_minute_up_to_six_hours():
    delays = [outbox.retry_delay(n) for n in range(1, 13)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[8] == timedelta(minutes=256)
    assert delays[9:] == [timedelta(hours=6)] * 3
    assert outbox.retry_delay(1000) == timedelta(hours=6)


def test_after_twelve_attempts_a_message_is_given_up_but_kept_until_an_operator_retries(
    session,
):
    (message,) = add(session)
    now = datetime.now(UTC)
    failing = Failing(MailError("SMTPDataError: 451 busy"))
    for _ in range(outbox.MAX_ATTEMPTS):
        assert outbox.send_due(session, failing, now=now).failed == 1
        now = reload(session, message).send_after
    given_up = outbox.send_due(session, failing, now=now + timedelta(days=30))
    assert given_up == outbox.SendReport(sent=0, failed=0, remaining=0, given_up=1)
    stored = reload(session, message)
    assert stored.attempts == 12 and stored.last_error == "SMTPDataError: 451 busy"
    assert outbox.is_given_up(stored)
    assert outbox.unsent_messages(session) == [stored]
    outbox.retry(session, message.id, now=now)
    assert reload(session, message).attempts == 0
    server = MailServer()
    with running(server) as smtp:
        assert outbox.send_due(session, plain(smtp.port), now=now).sent == 1


def test_retry_refuses_a_message_still_being_tried_or_already_sent(session):
    waiting, sent = add(session, count=2)
    sent.sent_at = datetime.now(UTC)
    session.commit()
    with pytest.raises(Invalid, match="still being tried"):
        outbox.retry(session, waiting.id)
    with pytest.raises(Invalid, match="was sent"):
        outbox.retry(session, sent.id)


def test_starttls_and_implicit_tls_deliver_with_the_password_and_check_the_certificate(
    session, certificate
):
    add(session, subject="message {i}", count=2)
    secret = quote(PASSWORD, safe="")
    server = MailServer()
    with running(server, starttls=certificate, password=True) as smtp:
        url = f"smtp+starttls://{USER}:{secret}@127.0.0.1:{smtp.port}"
        untrusted = SmtpTransport.from_url(url)  # the system's CAs do not know this server
        assert outbox.send_due(session, untrusted, batch=1).failed == 1
        trusted = SmtpTransport.from_url(url, ssl_context=certificate.client_context())
        assert outbox.send_due(session, trusted).sent == 1
    with running(server, implicit_tls=certificate, password=True) as smtp:
        url = f"smtps://{USER}:{secret}@127.0.0.1:{smtp.port}"
        trusted = SmtpTransport.from_url(url, ssl_context=certificate.client_context())
        later = datetime.now(UTC) + timedelta(hours=1)
        assert outbox.send_due(session, trusted, now=later).sent == 1
    assert sorted(m["Subject"] for m in server.messages()) == ["message 0", "message 1"]
    assert server.signed_in == [True, True]
    refused = session.scalars(select(OutboxMessage).where(OutboxMessage.attempts == 2)).one()
    assert "CERTIFICATE_VERIFY_FAILED" in refused.last_error


def test_passwords_never_appear_in_last_error_or_logs(session, caplog, certificate):
    caplog.set_level(logging.DEBUG, logger="corrections")
    wrong = "Wr0ng-" + PASSWORD
    messages = add(session, subject="message {i}", count=2)
    server = MailServer()
    with running(server, starttls=certificate, password=True) as smtp:
        url = f"smtp+starttls://{USER}:{quote(wrong, safe='')}@127.0.0.1:{smtp.port}"
        transport = SmtpTransport.from_url(url, ssl_context=certificate.client_context())
        assert outbox.send_due(session, transport, batch=1).failed == 1
    leaky = Failing(RuntimeError(f"cannot reach smtp://{USER}:{wrong}@mx.example.org:25"))
    assert outbox.send_due(session, leaky).failed == 1
    errors = [reload(session, m).last_error for m in messages]
    assert "535" in errors[0]
    assert errors[1] == f"RuntimeError: cannot reach smtp://{USER}:***@mx.example.org:25"
    for text in [*errors, caplog.text, str(transport), repr(transport)]:
        assert wrong not in text and quote(wrong, safe="") not in text
        assert PASSWORD not in text


def test_redact_hides_url_passwords_and_named_secrets():
    assert redact("smtp://u:p%40ss@h:25 and postgresql://a:b@db/x") == (
        "smtp://u:***@h:25 and postgresql://a:***@db/x"
    )
    assert redact("said pa ss/word", secrets=["pa ss/word"]) == "said ***"
    assert redact("said pa%20ss%2Fword", secrets=["pa ss/word"]) == "said ***"
    assert redact("https://example.org/a@b") == "https://example.org/a@b"


def test_two_workers_at_once_send_each_message_exactly_once(app, session):
    add(session, subject="message {i}", count=30)
    server = MailServer(delay=0.02)
    start = threading.Barrier(2)

    def worker(transport):
        with app.app_context():
            try:
                start.wait(timeout=10)
                return outbox.send_due(db.session, transport, batch=100)
            finally:
                db.session.remove()

    with running(server) as smtp, ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(worker, plain(smtp.port)) for _ in range(2)]
        reports = [future.result(timeout=120) for future in futures]
    assert sorted(m["Subject"] for m in server.messages()) == sorted(
        f"message {i}" for i in range(30)
    )
    assert sum(r.sent for r in reports) == 30 and all(r.sent > 0 for r in reports)
    assert all(r.failed == 0 for r in reports)
    assert set(session.scalars(select(OutboxMessage.attempts))) == {1}
    assert outbox.unsent_messages(session) == []
