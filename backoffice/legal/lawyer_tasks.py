"""Refused documents become lawyer tasks in the open case's history, so the lawyer queue shows
what to fix (a missing identifier, an address no court table matches) instead of a guess."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.documents.fields import MissingFields
from campaigns.cases.history import EventKind, record_event
from models.case import Case
from models.enums import CaseStatus


async def record_lawyer_tasks(
    session: AsyncSession, account_id: int, refusals: Iterable[MissingFields]
) -> int:
    """Add one lawyer task per refusal to the account's open case; the count added (0 when the
    account has no open case: the command's own output is then the only report)."""
    refusals = list(refusals)
    if not refusals:
        return 0
    case = (await session.scalars(
        select(Case).where(Case.account_id == account_id, Case.status != CaseStatus.CLOSED.value)
    )).first()
    if case is None:
        return 0
    for refusal in refusals:
        record_event(session, case, EventKind.LAWYER_TASK, str(refusal), actor="legal",
                     data={"document": refusal.document, "debtor": refusal.debtor,
                           "missing": refusal.fields})
    await session.commit()
    return len(refusals)
