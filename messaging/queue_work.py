"""What the SMS and email workers share: claiming and starting attempts, and reporting outcomes."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes import OutcomeKind, OutcomeRejected, OutcomeReport, record_outcome
from campaigns.queue.claims import ClaimedAttempt, PreContactCheck, claim, extend_lease, mark_started
from messaging.templating.context import MessageContext, load_context
from models.column_types import utc_now
from models.enums import AttemptStatus
from models.outage import until_stored
from models.outreach import Attempt

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One attempt's outcome to report; ``message_id``: the peer took the message under it."""

    attempt_id: int
    kind: OutcomeKind
    note: str = ""
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class StartedAttempt:
    attempt: ClaimedAttempt
    context: MessageContext


async def claim_and_start(
    sessionmaker: async_sessionmaker[AsyncSession], worker: str, channel: str,
    check: PreContactCheck, limit: int,
) -> list[StartedAttempt]:
    """Claim due attempts of ``channel``, mark them started and load what their templates say.

    Started is written before anything is sent: an attempt this worker may have sent is never
    handed to another worker. Once claimed, starting waits out a database outage, so that the
    claimed attempts are not left leased to a worker that forgot them.
    """
    claimed = await claim(sessionmaker, worker, [channel], check, limit=limit)
    if not claimed:
        return []

    async def start() -> list[StartedAttempt]:
        now = utc_now()
        started: list[StartedAttempt] = []
        async with sessionmaker() as session, session.begin():
            for attempt in claimed:
                if await mark_started(session, attempt.id, worker, now=now):
                    context = await load_context(session, attempt.case_id, attempt.person_id, now)
                    started.append(StartedAttempt(attempt, context))
        return started

    return await until_stored(start, f"starting {len(claimed)} {channel} attempts")


async def keep_leases(sessionmaker: async_sessionmaker[AsyncSession], worker: str,
                      attempt_ids: Sequence[int], lease: timedelta) -> None:
    """Extend the leases of attempts still being sent (an SMSC down for minutes must not make
    the scheduler send them to review while they wait here to be re-sent)."""
    if not attempt_ids:
        return
    async with sessionmaker() as session, session.begin():
        for attempt_id in attempt_ids:
            await extend_lease(session, attempt_id, worker, lease)


async def release_sent(session: AsyncSession, attempt_id: int, message_id: str) -> None:
    """The peer took the message: keep its id and drop the lease, the attempt now waits for a
    receipt (hours, sometimes) and must not be sent to review when the lease would run out."""
    await session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.status == AttemptStatus.STARTED.value)
        .values(message_id=message_id, lease_owner="", lease_expires_at=None))


async def report(sessionmaker: async_sessionmaker[AsyncSession], attempt_id: int,
                 kind: OutcomeKind, note: str = "", message_id: str = "") -> bool:
    """Report through campaigns' one door, in a transaction of its own (waiting out a database
    outage: the outcome is known only now); False if not applied. ``message_id``, the peer's id
    of what it took, is stored in the same transaction: a worker dying in between must not leave
    a sent attempt with neither its lease nor its outcome."""
    async def store() -> bool:
        async with sessionmaker() as session, session.begin():
            if message_id:
                await release_sent(session, attempt_id, message_id)
            try:
                result = await record_outcome(session, attempt_id, OutcomeReport(kind=kind, note=note))
            except (LookupError, OutcomeRejected):
                log.exception("outcome %s for attempt %s refused", kind, attempt_id)
                return False
        return result.applied

    return await until_stored(store, f"reporting attempt {attempt_id}")


async def report_all(sessionmaker: async_sessionmaker[AsyncSession], outcomes: Sequence[Outcome]) -> None:
    """Report many outcomes in one transaction, cases locked in id order, waiting out a
    database outage like ``report``.

    A transaction per outcome cost more than the sending itself at thousands of messages a
    second. The fixed order keeps two workers' batches from waiting on each other's case locks;
    should the batch fail for another reason all the same, each outcome is reported again on its
    own. No savepoint per outcome: the refusals caught here come before anything is written, and
    on SQLite a savepoint opens a read transaction that cannot become a writing one once another
    connection has written ("database is locked").
    """
    if not outcomes:
        return

    async def store() -> None:
        async with sessionmaker() as session, session.begin():
            cases = dict((await session.execute(select(Attempt.id, Attempt.case_id).where(
                Attempt.id.in_([o.attempt_id for o in outcomes])))).all())
            for outcome in sorted(outcomes, key=lambda o: (cases.get(o.attempt_id, 0), o.attempt_id)):
                await _report_in(session, outcome)

    try:
        await until_stored(store, f"reporting {len(outcomes)} outcomes")
    except Exception:
        log.exception("%s outcomes not stored together; one at a time", len(outcomes))
        for outcome in outcomes:
            await report(sessionmaker, outcome.attempt_id, outcome.kind, outcome.note,
                         outcome.message_id)


async def _report_in(session: AsyncSession, outcome: Outcome) -> None:
    try:
        if outcome.message_id:
            await release_sent(session, outcome.attempt_id, outcome.message_id)
        await record_outcome(session, outcome.attempt_id,
                             OutcomeReport(kind=outcome.kind, note=outcome.note))
    except (LookupError, OutcomeRejected):
        log.exception("outcome %s for attempt %s refused", outcome.kind, outcome.attempt_id)


async def requeue_unsent(sessionmaker: async_sessionmaker[AsyncSession], attempt_id: int,
                         retry_at: datetime, reason: str) -> None:
    """Give back a started attempt whose peer refused it for now and took nothing (an SMTP 4xx).

    Unlike a lease that ran out, here the peer's answer proves nothing reached the debtor, so
    the attempt may be claimed again later; it no longer counts as a contact.
    """
    async def store() -> None:
        async with sessionmaker() as session, session.begin():
            await session.execute(
                update(Attempt).where(Attempt.id == attempt_id, Attempt.status == AttemptStatus.STARTED.value)
                .values(status=AttemptStatus.QUEUED.value, started_at=None, lease_owner="",
                        lease_expires_at=None, not_before=retry_at, note=reason))

    await until_stored(store, f"requeueing attempt {attempt_id}")
