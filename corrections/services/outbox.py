"""The notification outbox: messages written in the same transaction as the event.

``enqueue`` only adds a row (the caller commits with its own change); sending happens later,
after commit, from ``corrections send-outbox`` or its ``--watch`` worker loop, through
``send_due``.

Delivery is at least once. ``send_due`` takes one due message at a time in a short
transaction of its own and *claims* it: one more attempt is counted and ``send_after`` moves
``CLAIM_LEASE`` ahead, so no other worker picks it up while it is being sent (PostgreSQL skips
rows another worker is claiming with ``FOR UPDATE SKIP LOCKED``; SQLite serialises the claim
with ``BEGIN IMMEDIATE``). The message is then handed to the transport with no transaction
open, and the outcome is written in a second short transaction: ``sent_at`` on success; on
failure ``last_error`` and a retry time ``retry_delay(attempts)`` ahead (1 minute, 2, 4, ...
at most 6 hours). A message marked sent is never sent again. A crash between the server's
"accepted" and that commit sends it once more after the lease; a crash before sending loses
nothing either: it is retried after the lease, counted as an attempt.

After ``MAX_ATTEMPTS`` attempts (about 20 hours) a message is left alone: it stays unsent with
its last error, listed by ``corrections outbox`` until an operator retries it. No message is
ever deleted here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.models import OutboxMessage
from corrections.services.errors import Invalid, NotFound
from corrections.services.mail import MailError, Transport, redact, short_error

log = logging.getLogger(__name__)

MAX_SUBJECT_CHARS = 200
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# Longer than the slowest send can take: each of an SMTP session's steps may use the
# transport's 10-second timeout.
CLAIM_LEASE = timedelta(minutes=5)


def enqueue(
    session: Session, to_email: str | None, subject: str, body: str
) -> OutboxMessage | None:
    """Add a message for ``to_email``; nothing when there is no address."""
    if not to_email:
        return None
    message = OutboxMessage(to_email=to_email, subject=subject[:MAX_SUBJECT_CHARS], body=body)
    session.add(message)
    return message


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    remaining: int  # unsent and still to be tried, now or later
    given_up: int = 0  # unsent after MAX_ATTEMPTS; see ``unsent_messages``


@dataclass(frozen=True)
class _Claim:
    id: int
    to_email: str
    subject: str
    body: str
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1 min, 2, 4, ... at most 6 hours."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_RETRY)


def send_due(
    session: Session,
    transport: Transport,
    *,
    now: datetime | None = None,
    batch: int = 50,
    stop: Callable[[], bool] | None = None,
) -> SendReport:
    """Send up to ``batch`` due messages, oldest due first, one transaction per step.

    Runs its own transactions: call it with nothing pending in ``session``. ``now`` fixes the
    clock (tests); ``stop`` is asked before each message and ends the run early when true,
    so a worker told to stop finishes the message in hand and no more.
    """
    sent = failed = 0
    for _ in range(batch):
        if stop is not None and stop():
            break
        claim = _claim_next(session, now or utcnow())
        if claim is None:
            break
        try:
            transport.send(claim.to_email, claim.subject, claim.body)
        except Exception as exc:
            error = redact(str(exc)) if isinstance(exc, MailError) else short_error(exc)
            failed_at = now or utcnow()
            last = claim.attempts >= MAX_ATTEMPTS
            # A message given up is due (but not tried), which tells it from one in flight.
            retry_at = failed_at if last else failed_at + retry_delay(claim.attempts)
            _record(session, claim.id, last_error=error, send_after=retry_at)
            failed += 1
            log.warning(
                "outbox message %d not sent (attempt %d of %d%s): %s",
                claim.id,
                claim.attempts,
                MAX_ATTEMPTS,
                "; giving up" if last else f", next at {retry_at:%Y-%m-%d %H:%M:%S} UTC",
                error,
            )
        else:
            _record(session, claim.id, sent_at=now or utcnow())
            sent += 1
            log.info("outbox message %d sent", claim.id)
    remaining, given_up = unsent_counts(session)
    session.rollback()  # end the read transaction: a worker sleeps next
    return SendReport(sent=sent, failed=failed, remaining=remaining, given_up=given_up)


def _claim_next(session: Session, now: datetime) -> _Claim | None:
    begin_write(session)
    try:
        message = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.send_after <= now,
                OutboxMessage.attempts < MAX_ATTEMPTS,
            )
            .order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if message is None:
            session.rollback()
            return None
        message.attempts += 1
        message.send_after = now + CLAIM_LEASE
        claim = _Claim(
            message.id, message.to_email, message.subject, message.body, message.attempts
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return claim


def _record(session: Session, message_id: int, **values: object) -> None:
    begin_write(session)
    try:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
            .values(**values)
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def unsent_counts(session: Session) -> tuple[int, int]:
    """How many unsent messages are (still to be tried, given up)."""
    given_up = OutboxMessage.attempts >= MAX_ATTEMPTS
    rows = session.execute(
        select(given_up, func.count()).where(OutboxMessage.sent_at.is_(None)).group_by(given_up)
    ).all()
    counts = {bool(flag): number for flag, number in rows}
    return counts.get(False, 0), counts.get(True, 0)


def unsent_messages(session: Session, *, limit: int = 100) -> list[OutboxMessage]:
    """Messages not sent yet, those that have waited longest first (for operators)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def is_given_up(message: OutboxMessage) -> bool:
    return message.sent_at is None and message.attempts >= MAX_ATTEMPTS


def retry(session: Session, message_id: int, *, now: datetime | None = None) -> OutboxMessage:
    """Give a message that was given up a fresh count of attempts, due now (error kept).

    Only given-up messages: any other unsent one is retried on its own, and may be in a
    worker's hands at this moment, so making it due again could send it twice.
    """
    at = now or utcnow()
    begin_write(session)
    try:
        message = session.get(OutboxMessage, message_id, with_for_update=True)
        if message is None:
            raise NotFound(f"there is no outbox message {message_id}")
        if message.sent_at is not None:
            raise Invalid(f"outbox message {message_id} was sent at {message.sent_at:%c} UTC")
        if message.attempts < MAX_ATTEMPTS or message.send_after > at:
            raise Invalid(
                f"outbox message {message_id} is still being tried"
                f" (attempt {message.attempts} of {MAX_ATTEMPTS}); no need to retry it"
            )
        message.attempts = 0
        message.send_after = at
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return message
