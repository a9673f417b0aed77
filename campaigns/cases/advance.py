"""The daily movement of open cases: promises judged, suspensions ended, stages advanced.

Run in this order (``vozvrat cases open`` does): :func:`resolve_promises`, then
:func:`resume_suspended`, then :func:`advance_stages`, so a case whose promise was broken
resumes and can move on in the same run. Each commits after every chunk of cases.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.freezes import account_freezes
from campaigns.cases.history import EventKind, record_event
from campaigns.plans.loader import plan_definition
from campaigns.plans.schema import PlanDefinition, Stage
from models.billing import Payment
from models.case import Case, Promise
from models.court_filing import CourtFiling
from models.enums import CaseStatus
from models.ledger import iter_account_ledgers
from models.plan import WorkPlan
from models.ru_format import day, money

CHUNK_SIZE = 2_000
ZERO = Decimal("0.00")

# A case escalated by its plan's stage (court) still follows the plan (court → enforcement);
# one escalated by an outcome (a dispute, a hardship) waits for the person it went to.
_MOVING = (CaseStatus.ACTIVE.value, CaseStatus.ESCALATED.value)


@dataclass
class PromiseVerdicts:
    kept: int = 0
    broken: int = 0


class _Plans:
    """Plan definitions by plan id, validated once per run."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._cache: dict[int, PlanDefinition] = {}

    async def get(self, plan_id: int) -> PlanDefinition:
        definition = self._cache.get(plan_id)
        if definition is None:
            definition = plan_definition(await self._session.get_one(WorkPlan, plan_id))
            self._cache[plan_id] = definition
        return definition


def days_in_stage(case: Case, as_of: date) -> int:
    return (as_of - case.stage_entered_at.date()).days


async def resolve_promises(
    session: AsyncSession, as_of: date, *, chunk_size: int = CHUNK_SIZE
) -> PromiseVerdicts:
    """Judge every open promise whose date plus the plan's grace days has passed.

    Kept means confirmed payments of at least the promised amount from the day of the promise
    to its deadline. Payments, not the drop in real debt, because a charge falling due meanwhile
    would hide a payment that was made, and a payment made the day of the promise would be hidden
    by comparing balances.
    """
    verdicts = PromiseVerdicts()
    plans = _Plans(session)
    last_id = 0
    while True:
        rows = (await session.execute(
            select(Promise, Case)
            .join(Case, Case.id == Promise.case_id)
            .where(Promise.id > last_id, Promise.status == "open", Promise.pay_by < as_of)
            .order_by(Promise.id).limit(chunk_size))).all()
        if not rows:
            return verdicts
        last_id = rows[-1][0].id
        due: list[tuple[Promise, Case, date]] = []
        for promise, case in rows:
            grace = (await plans.get(case.plan_id)).outcomes.promise_grace_days
            deadline = promise.pay_by + timedelta(days=grace)
            if deadline < as_of:
                due.append((promise, case, deadline))
        paid = await _payments(session, {case.account_id for _, case, _ in due},
                               min((p.created_at.date() for p, _, _ in due), default=as_of))
        for promise, case, deadline in due:
            start = promise.created_at.date()
            total = sum((amount for paid_on, amount in paid[case.account_id]
                         if start <= paid_on <= deadline), ZERO)
            kept = total >= promise.amount
            promise.status = "kept" if kept else "broken"
            if kept:
                verdicts.kept += 1
                message = f"Обещание оплаты выполнено: оплачено {money(total)} до {day(deadline)}"
            else:
                verdicts.broken += 1
                message = (f"Обещание оплаты нарушено: обещано {money(promise.amount)} "
                           f"до {day(promise.pay_by)}, оплачено {money(total)}")
            record_event(session, case, EventKind.OUTCOME, message,
                         data={"promise_id": promise.id, "promise": promise.status,
                               "promised": str(promise.amount), "paid": str(total)})
        await session.commit()


async def _payments(
    session: AsyncSession, account_ids: set[int], since: date
) -> dict[int, list[tuple[date, Decimal]]]:
    paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    if not account_ids:
        return paid
    rows = await session.execute(
        select(Payment.account_id, Payment.paid_on, Payment.amount)
        .where(Payment.account_id.in_(account_ids), Payment.confirmed.is_(True),
               Payment.paid_on >= since))
    for account_id, paid_on, amount in rows:
        paid[account_id].append((paid_on, amount))
    return paid


async def resume_suspended(session: AsyncSession, as_of: date, *, chunk_size: int = CHUNK_SIZE) -> int:
    """Make active again every suspended case whose ``suspended_until`` is before ``as_of``.

    A suspension without an end date is a person's decision and is left alone.
    """
    resumed = 0
    last_id = 0
    while True:
        cases = list(await session.scalars(
            select(Case).where(Case.id > last_id, Case.status == CaseStatus.SUSPENDED.value,
                               Case.suspended_until < as_of)
            .order_by(Case.id).limit(chunk_size)))
        if not cases:
            return resumed
        last_id = cases[-1].id
        for case in cases:
            until = case.suspended_until
            reason = case.status_reason
            case.status = CaseStatus.ACTIVE.value
            case.status_reason = ""
            case.suspended_until = None
            record_event(session, case, EventKind.STATUS_CHANGED,
                         f"Работа по делу возобновлена: приостановка до {day(until)} истекла",
                         data={"from": CaseStatus.SUSPENDED.value, "to": CaseStatus.ACTIVE.value,
                               "suspended_until": until.isoformat() if until else None,
                               "reason": reason})
            resumed += 1
        await session.commit()


async def advance_stages(
    session: AsyncSession, as_of: date, now: datetime, *, chunk_size: int = CHUNK_SIZE
) -> int:
    """Move each active case (or one escalated by its stage) on by one stage when the plan says.

    One stage per run, so a case enters every stage and gets that stage's day-0 steps.
    """
    plans = _Plans(session)
    advanced = 0
    last_id = 0
    while True:
        cases = list(await session.scalars(
            select(Case).where(Case.id > last_id, Case.status.in_(_MOVING))
            .order_by(Case.id).limit(chunk_size)))
        if not cases:
            return advanced
        last_id = cases[-1].id
        ready: dict[int, tuple[Case, PlanDefinition, Stage]] = {}
        for case in cases:
            definition = await plans.get(case.plan_id)
            stage = definition.stage(case.stage)
            if case.status == CaseStatus.ESCALATED.value and not stage.escalate:
                continue
            if stage.advance and days_in_stage(case, as_of) >= stage.advance.after_days:
                ready[case.account_id] = (case, definition, stage)
        for account_id in await _in_court(session, ready):
            if ready[account_id][2].escalate:
                del ready[account_id]
        freezes = await account_freezes(session, ready, as_of)
        async for account_id, ledger in iter_account_ledgers(
            session, as_of, account_ids=ready, freezes=freezes, chunk_size=chunk_size
        ):
            case, definition, stage = ready[account_id]
            if stage.advance and ledger.conditional_debt >= stage.advance.min_debt:
                _enter(session, case, stage, definition.stage(stage.advance.to),
                       ledger.conditional_debt, now)
                advanced += 1
        await session.commit()


async def _in_court(session: AsyncSession, account_ids: Collection[int]) -> set[int]:
    """Accounts with an application in court: the lawyer's recorded court events move their cases
    on (backoffice.legal.court_events), not the plan's clock, which cannot know whether the order
    was issued or cancelled."""
    if not account_ids:
        return set()
    return set(await session.scalars(select(CourtFiling.account_id).where(
        CourtFiling.account_id.in_(account_ids)).distinct()))


def _enter(session: AsyncSession, case: Case, old: Stage, new: Stage, debt: Decimal,
           now: datetime) -> None:
    enter_stage(session, case, old, new, now, f"Этап «{old.name}» → «{new.name}»: долг {money(debt)}",
                data={"debt": str(debt)})


def enter_stage(session: AsyncSession, case: Case, old: Stage, new: Stage, now: datetime,
                message: str, *, actor: str = "system", data: dict[str, Any] | None = None) -> None:
    """Put the case into stage ``new`` (again, if it is in it already: the stage's clock and its
    steps start over) and hand it to a lawyer if that stage says so. The caller commits."""
    case.stage = new.code
    case.stage_entered_at = now
    record_event(session, case, EventKind.STAGE_CHANGED, message, actor=actor,
                 data={"from": old.code, "to": new.code, **(data or {})})
    if new.escalate:
        escalate(session, case, f"этап «{new.name}»", actor=actor, data={"stage": new.code})


def escalate(session: AsyncSession, case: Case, reason: str, *, actor: str = "system",
             data: dict[str, Any] | None = None) -> None:
    """Hand the case to a lawyer for ``reason``; an escalated case only gets the new reason
    (why it waits now). A case a person stopped stays stopped: only a person resumes it."""
    if case.status == CaseStatus.SUSPENDED.value and case.suspended_until is None:
        return
    previous = case.status
    case.status = CaseStatus.ESCALATED.value
    case.status_reason = reason[:200]
    if previous != CaseStatus.ESCALATED.value:
        record_event(session, case, EventKind.STATUS_CHANGED, f"Дело передано юристу: {reason}",
                     actor=actor, data={"from": previous, "to": CaseStatus.ESCALATED.value,
                                        **(data or {})})
