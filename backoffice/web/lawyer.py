"""The lawyers' queue: escalated cases and cases with a lawyer task (a document the pack could not
fill, an address no court table matches), oldest first, with the reason and how long it waits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.web.keys import SESSIONMAKER
from backoffice.web.pack_batches import MAX_ACCOUNTS, batch_of
from campaigns.cases.history import EventKind
from models.column_types import utc_now
from models.entities import Account, Building, Case, CaseEvent
from models.enums import CaseStatus

QUEUE_SHOWN = 200


@dataclass(frozen=True, slots=True)
class QueueRow:
    case_id: int
    account_number: str
    address: str
    stage: str
    status: str
    reason: str
    lawyer_task: str
    current_debt: Decimal | None
    waiting_since: datetime

    @property
    def age_days(self) -> int:
        return (utc_now() - self.waiting_since).days


async def lawyer_queue(session: AsyncSession, limit: int = QUEUE_SHOWN) -> list[QueueRow]:
    changed_at = (select(func.max(CaseEvent.at)).where(
        CaseEvent.case_id == Case.id, CaseEvent.kind == EventKind.STATUS_CHANGED.value)
        .scalar_subquery())
    task = (select(CaseEvent.message).where(
        CaseEvent.case_id == Case.id, CaseEvent.kind == EventKind.LAWYER_TASK.value)
        .order_by(CaseEvent.id.desc()).limit(1).scalar_subquery())
    has_task = exists().where(CaseEvent.case_id == Case.id,
                              CaseEvent.kind == EventKind.LAWYER_TASK.value)
    since = func.coalesce(changed_at, Case.opened_at)
    rows = (await session.execute(
        select(Case, Account.number, Building.street, Building.house, Account.premises,
               since.label("since"), task.label("task"))
        .join(Account, Account.id == Case.account_id)
        .join(Building, Building.id == Account.building_id)
        .where(or_(Case.status == CaseStatus.ESCALATED.value,
                   (Case.status != CaseStatus.CLOSED.value) & has_task))
        .order_by(since, Case.id).limit(limit))).all()
    return [QueueRow(case.id, number, f"{street}, д. {house}" + (f", кв. {premises}" if premises else ""),
                     case.stage, case.status, case.status_reason, task or "", case.current_debt,
                     _aware(waiting))
            for case, number, street, house, premises, waiting, task in rows]


def _aware(moment: Any) -> datetime:
    # A coalesce of UtcDateTime columns comes back as the engine's raw value (naive on SQLite).
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=utc_now().tzinfo)


@aiohttp_jinja2.template("lawyer.html")
async def show(request: web.Request) -> dict[str, Any]:
    async with request.app[SESSIONMAKER]() as session:
        rows = await lawyer_queue(session)
    return {"rows": rows, "batch": batch_of(request), "max_accounts": MAX_ACCOUNTS}
