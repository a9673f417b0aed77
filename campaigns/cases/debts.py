"""The debt snapshot on every open case: what segments of waves are selected by."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.freezes import account_freezes
from models.case import Case
from models.enums import CaseStatus
from models.ledger import iter_account_ledgers

CHUNK_SIZE = 2_000


async def refresh_case_debts(session: AsyncSession, as_of: date, *, chunk_size: int = CHUNK_SIZE) -> int:
    """Write conditional debt and days overdue on ``as_of`` to every open case; commits per chunk."""
    refreshed = 0
    last_id = 0
    while True:
        chunk = (await session.execute(
            select(Case.id, Case.account_id)
            .where(Case.id > last_id, Case.status != CaseStatus.CLOSED.value)
            .order_by(Case.id).limit(chunk_size))).all()
        if not chunk:
            return refreshed
        last_id = chunk[-1].id
        case_of = {account_id: case_id for case_id, account_id in chunk}
        freezes = await account_freezes(session, list(case_of), as_of)
        values = [
            {"id": case_of[account_id], "current_debt": ledger.conditional_debt,
             "days_overdue": ledger.max_days_overdue, "debt_as_of": as_of}
            async for account_id, ledger in iter_account_ledgers(
                session, as_of, account_ids=list(case_of), freezes=freezes, chunk_size=chunk_size)
        ]
        await session.execute(update(Case), values)
        refreshed += len(values)
        await session.commit()
