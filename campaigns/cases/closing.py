"""Closing a case once its real debt is gone, and cancelling every contact still queued for it.

No robot may call a debtor who has paid (DOMAIN.md): the cancelling UPDATE only touches attempts
still queued or claimed, so it races safely with a worker that is about to start one.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.history import EventKind, record_event
from campaigns.queue.cancelling import cancel_queued_attempts
from models.case import Case, Promise
from models.column_types import utc_now
from models.enums import CaseStatus
from models.ledger import account_ledger_for, iter_account_ledgers

PAID_REASON = "ДОЛГ ПОГАШЕН"
CANCELLED_NOTE = "долг погашен, дело закрыто"

# Cases per round trip and per transaction.
CHUNK_SIZE = 2_000

async def close_if_paid(session: AsyncSession, case: Case, as_of: date) -> bool:
    """Close ``case`` if its account's real debt on ``as_of`` is zero; the caller commits."""
    if case.status == CaseStatus.CLOSED.value:
        return False
    ledger = await account_ledger_for(session, case.account_id, as_of)
    if ledger.real_debt:
        return False
    await _close_paid(session, case, utc_now())
    return True


async def close_paid_cases(session: AsyncSession, as_of: date, *, chunk_size: int = CHUNK_SIZE) -> int:
    """Close every open case whose real debt is zero; commits after every chunk of cases."""
    closed = 0
    last_id = 0
    while True:
        cases = list(await session.scalars(
            select(Case).where(Case.id > last_id, Case.status != CaseStatus.CLOSED.value)
            .order_by(Case.id).limit(chunk_size)))
        if not cases:
            return closed
        last_id = cases[-1].id
        by_account = {case.account_id: case for case in cases}
        now = utc_now()
        async for account_id, ledger in iter_account_ledgers(
            session, as_of, account_ids=by_account, chunk_size=chunk_size
        ):
            if not ledger.real_debt:
                await _close_paid(session, by_account[account_id], now)
                closed += 1
        await session.commit()


async def _close_paid(session: AsyncSession, case: Case, now: datetime) -> None:
    cancelled = await cancel_queued_attempts(session, case, CANCELLED_NOTE, now=now)
    # Paying everything keeps whatever was promised.
    kept = list(await session.scalars(
        update(Promise).where(Promise.case_id == case.id, Promise.status == "open")
        .values(status="kept").returning(Promise.id)
        .execution_options(synchronize_session=False)))
    for promise_id in sorted(kept):
        record_event(session, case, EventKind.OUTCOME, "Обещание оплаты выполнено: долг погашен",
                     data={"promise_id": promise_id, "promise": "kept"})
    case.status = CaseStatus.CLOSED.value
    case.status_reason = PAID_REASON
    case.closed_at = now
    case.suspended_until = None
    record_event(session, case, EventKind.CLOSED, f"Дело закрыто: {PAID_REASON}",
                 data={"reason": PAID_REASON, "cancelled_attempts": cancelled})
