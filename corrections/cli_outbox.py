"""Operator commands for the notification outbox: ``corrections send-outbox`` (once, or as a
``--watch`` worker) and ``corrections outbox`` (what is waiting, and why)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from corrections.config import ConfigError
from corrections.extensions import db
from corrections.services import outbox
from corrections.services.errors import ServiceError
from corrections.services.mail import transport_from_config

EXIT_BAD_INPUT = 2
NAP_SECONDS = 0.2  # how often a waiting worker looks whether it was told to stop


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def log_to_stderr() -> None:
    """Show INFO lines (sent messages; the log transport's mail) unless logging is set up."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


class StopSignals:
    """While entered, SIGTERM and SIGINT ask the worker to stop instead of killing it.

    The handler only sets a flag (calling into locks from a handler can deadlock); the
    worker checks it between messages and while it waits. A second signal stops at once.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def sleep(self, seconds: float) -> None:
        """Wait up to ``seconds``, less when a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self.requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(NAP_SECONDS, left))


def summary(report: outbox.SendReport) -> str:
    line = f"sent {report.sent}, failed {report.failed}, waiting {report.remaining}"
    if report.given_up:
        line += f"; {report.given_up} given up (see: corrections outbox)"
    return line


@click.command("send-outbox")
@click.option("--watch", is_flag=True, help="Keep running as a worker until SIGTERM or Ctrl+C.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.01),
    default=10.0,
    show_default=True,
    help="With --watch: seconds to wait when the outbox has nothing due.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Messages to send before reporting (and, once, before exiting).",
)
@click.option("--max-rounds", type=click.IntRange(min=1), default=None, hidden=True)
@with_appcontext
def send_outbox_command(watch: bool, interval: float, batch: int, max_rounds: int | None) -> None:
    """Send the notification messages that are due, through SMTP_URL or the log.

    Once: prints "sent N, failed M, waiting K" and exits 0; failed messages are retried
    later. With --watch: a worker loop; SIGTERM or Ctrl+C lets it finish the message in
    hand and exit 0.
    """
    log_to_stderr()
    try:
        transport = transport_from_config(current_app.config)
    except ConfigError as exc:
        fail(str(exc))
    if not watch:
        click.echo(summary(outbox.send_due(db.session, transport, batch=batch)))
        return
    click.echo(f"Sending through {transport} (SIGTERM or Ctrl+C stops).", err=True)
    with StopSignals() as stop:
        rounds = 0
        while not stop():
            report = outbox.send_due(db.session, transport, batch=batch, stop=stop)
            if report.sent or report.failed:
                click.echo(summary(report))
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                break
            if report.sent + report.failed < batch:  # caught up: nothing more is due now
                stop.sleep(interval)
    click.echo("Stopped.", err=True)


@click.command("outbox")
@click.option(
    "--retry",
    "retry_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="Try a message that was given up again, from its first attempt (repeatable).",
)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@with_appcontext
def outbox_command(retry_ids: tuple[int, ...], limit: int) -> None:
    """List the messages not sent yet, with their attempts and last error."""
    for message_id in retry_ids:
        try:
            outbox.retry(db.session, message_id)
        except ServiceError as exc:
            fail(exc.message)
        click.echo(f"Message {message_id} will be sent by the next send-outbox.")
    waiting, given_up = outbox.unsent_counts(db.session)
    if not waiting + given_up:
        click.echo("Every message has been sent.")
        return
    click.echo(f"{waiting + given_up} unsent: {waiting} waiting, {given_up} given up.")
    click.echo(f"{'id':>6}  {'attempts':<8}  {'next try (UTC)':<16}  {'to':<30}  subject")
    for message in outbox.unsent_messages(db.session, limit=limit):
        attempts = f"{message.attempts}/{outbox.MAX_ATTEMPTS}"
        when = "given up" if outbox.is_given_up(message) else f"{message.send_after:%Y-%m-%d %H:%M}"
        click.echo(
            f"{message.id:>6}  {attempts:<8}  {when:<16}  {message.to_email:<30}  {message.subject}"
        )
        if message.last_error:
            click.echo(f"{'':>6}  last error: {message.last_error}")
    if waiting + given_up > limit:
        click.echo(f"... and {waiting + given_up - limit} more (--limit).")
