"""Claiming attempts, starting them, and recovering from workers that died.

An attempt moves queued → claimed (leased to a worker) → started (the contact began) → done.
Each claim is one short transaction: the attempt row is taken atomically (FOR UPDATE SKIP
LOCKED on PostgreSQL, so workers on several hosts never take the same row; on SQLite the UPDATE
itself takes the single writer lock), then the debtor's row is locked while the contact budget
is checked, so two workers holding two attempts for the same debtor are serialised and the
second one sees the first. ``started_at`` is written before a channel touches its peer: an
attempt that may have started is never handed out again (it goes to review instead).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.column_types import UtcDateTime, utc_now
from models.enums import AttemptStatus
from models.outage import database_away
from models.outreach import Attempt

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
MIN_POSTPONEMENT = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class ClaimedAttempt:
    id: int
    case_id: int
    person_id: int | None
    channel: str
    address: str
    template: str
    idempotency_key: str
    lease_expires_at: datetime
    step_code: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the pre-contact checks decided for a claimed attempt."""

    go: bool
    # When not going: postpone until this instant, or cancel (None) with the reason.
    retry_at: datetime | None = None
    reason: str = ""


PreContactCheck = Callable[[AsyncSession, ClaimedAttempt, datetime], Awaitable[Verdict]]


def _take_one_sql(dialect: str) -> str:
    lock = " FOR UPDATE OF q SKIP LOCKED" if dialect == "postgresql" else ""
    return (
        "UPDATE attempt SET status = :claimed, lease_owner = :worker, lease_expires_at = :expires"
        " WHERE id = (SELECT q.id FROM attempt q WHERE q.status = :queued AND q.not_before <= :now"
        " AND q.channel IN :channels AND (q.wave_id IS NULL OR q.wave_id IN :open_waves)"
        " ORDER BY q.not_before, q.id LIMIT 1" + lock + ")"
        " RETURNING id, case_id, person_id, channel, address, template, idempotency_key, step_code"
    )


# A wave's attempts are due only while the wave runs, inside its window, and below its cap of
# concurrent contacts. Open waves are read once per claim, in a read of their own: checked per
# candidate attempt, the planner counted busy attempts for every candidate (0.9 s a claim at
# 2 000 queued), and on SQLite a transaction that reads before it writes can fail on a stale
# snapshot. Under concurrent claims the cap can be passed by at most the number of workers
# minus one; the dialer's per-trunk limit is the hard one.
_OPEN_WAVES = (
    "SELECT w.id FROM wave w WHERE w.status = 'running' AND w.window_start <= :now"
    " AND w.window_end > :now AND (SELECT COUNT(*) FROM attempt busy WHERE busy.wave_id = w.id"
    " AND busy.status IN ('claimed', 'started')) < w.max_concurrent"
)


async def _open_waves(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> list[int]:
    async with sessionmaker() as session:
        statement = text(_OPEN_WAVES).bindparams(bindparam("now", type_=UtcDateTime()))
        return list((await session.execute(statement, {"now": now})).scalars())


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    worker: str,
    channels: Sequence[str],
    check: PreContactCheck,
    *,
    limit: int = 1,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> list[ClaimedAttempt]:
    """Claim up to ``limit`` attempts that pass ``check`` (budget, hours, live paid-check).

    An empty result means nothing is due. Attempts the check sets aside leave the due set
    (postponed past now, or cancelled), so the loop ends without an artificial bound. If the
    database goes away after some attempts were claimed, those are returned (their claims are
    committed); with none claimed yet, the error goes up.
    """
    claimed: list[ClaimedAttempt] = []
    try:
        while len(claimed) < limit:
            moment = now or utc_now()
            open_waves = await _open_waves(sessionmaker, moment)
            async with sessionmaker() as session, session.begin():
                taken = await _take_one(session, worker, channels, open_waves, moment, moment + lease)
                if taken is None:
                    break
                verdict = await check(session, taken, moment)
                if verdict.go:
                    claimed.append(taken)
                else:
                    await _set_aside(session, taken.id, verdict, moment)
    except Exception as exc:
        if not claimed or not database_away(exc):
            raise
        log.warning("database away after %s claims (%s); going on with those", len(claimed), exc)
    return claimed


async def _take_one(
    session: AsyncSession, worker: str, channels: Sequence[str], open_waves: list[int],
    now: datetime, expires: datetime,
) -> ClaimedAttempt | None:
    dialect = session.bind.dialect.name
    # Typed binds: SQLite stores instants as text, so they must be written the way the column is.
    statement = text(_take_one_sql(dialect)).bindparams(
        bindparam("channels", expanding=True), bindparam("open_waves", expanding=True),
        bindparam("now", type_=UtcDateTime()), bindparam("expires", type_=UtcDateTime()))
    row = (await session.execute(statement, {
        "claimed": AttemptStatus.CLAIMED.value, "queued": AttemptStatus.QUEUED.value,
        "worker": worker, "expires": expires, "now": now, "channels": list(channels),
        "open_waves": open_waves,
    })).first()
    if row is None:
        return None
    return ClaimedAttempt(row.id, row.case_id, row.person_id, row.channel, row.address,
                          row.template, row.idempotency_key, expires, row.step_code)


async def _set_aside(session: AsyncSession, attempt_id: int, verdict: Verdict, now: datetime) -> None:
    if verdict.retry_at is None:
        values = {"status": AttemptStatus.CANCELLED.value, "finished_at": now}
    else:
        # A postponement always lies in the future, or the claim loop would take it again.
        values = {"status": AttemptStatus.QUEUED.value,
                  "not_before": max(verdict.retry_at, now + MIN_POSTPONEMENT)}
    await session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
        lease_owner="", lease_expires_at=None, note=verdict.reason, **values))


async def mark_started(session: AsyncSession, attempt_id: int, worker: str,
                       now: datetime | None = None) -> bool:
    """Record that the contact begins. False means the lease was lost: do not contact."""
    result = await session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.status == AttemptStatus.CLAIMED.value,
               Attempt.lease_owner == worker)
        .values(status=AttemptStatus.STARTED.value, started_at=now or utc_now()))
    return result.rowcount == 1


async def extend_lease(session: AsyncSession, attempt_id: int, worker: str,
                       lease: timedelta = DEFAULT_LEASE, now: datetime | None = None) -> bool:
    """A long contact (a call) keeps its lease alive; False if the lease was lost meanwhile."""
    result = await session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.lease_owner == worker,
               Attempt.status.in_([AttemptStatus.CLAIMED.value, AttemptStatus.STARTED.value]))
        .values(lease_expires_at=(now or utc_now()) + lease))
    return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class Recovery:
    requeued: int
    to_review: int


async def recover_expired_leases(session: AsyncSession, now: datetime | None = None) -> Recovery:
    """Return what a dead worker held: unstarted attempts to the queue, started ones to review.

    A started attempt may have reached the debtor (a call rang, an SMS left): repeating it could
    contact someone twice, so a person decides.
    """
    moment = now or utc_now()
    expired = Attempt.lease_expires_at < moment
    requeued = await session.execute(
        update(Attempt).where(Attempt.status == AttemptStatus.CLAIMED.value, expired)
        .values(status=AttemptStatus.QUEUED.value, lease_owner="", lease_expires_at=None))
    to_review = await session.execute(
        update(Attempt).where(Attempt.status == AttemptStatus.STARTED.value, expired)
        .values(status=AttemptStatus.NEEDS_REVIEW.value,
                note="исполнитель пропал после начала контакта: проверьте, состоялся ли он"))
    return Recovery(requeued.rowcount, to_review.rowcount)
