"""The daily run of cases, in the one order that is safe: what ``vozvrat cases open`` does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.advance import PromiseVerdicts, advance_stages, resolve_promises, resume_suspended
from campaigns.cases.closing import close_paid_cases
from campaigns.cases.debts import refresh_case_debts
from campaigns.cases.opening import OpeningReport, open_cases
from campaigns.cases.steps import StepsReport, queue_due_steps


@dataclass(frozen=True)
class DayReport:
    closed: int
    promises: PromiseVerdicts
    resumed: int
    advanced: int
    opening: OpeningReport
    refreshed: int
    steps: StepsReport


async def run_day(session: AsyncSession, as_of: date, now: datetime) -> DayReport:
    """Close paid cases, judge promises, resume, advance stages, open cases, refresh the debt
    snapshot, then queue the plan steps due. Each part commits as it goes."""
    # Paid cases first: nothing below may move or contact a debtor who has paid.
    closed = await close_paid_cases(session, as_of)
    promises = await resolve_promises(session, as_of)
    resumed = await resume_suspended(session, as_of)
    advanced = await advance_stages(session, as_of, now)
    opening = await open_cases(session, as_of, now=now)
    refreshed = await refresh_case_debts(session, as_of)
    # Last: the steps read the stages just entered and the debt just refreshed.
    steps = await queue_due_steps(session, as_of, now)
    await session.commit()
    return DayReport(closed, promises, resumed, advanced, opening, refreshed, steps)
