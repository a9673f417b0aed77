"""Opening cases for accounts whose debt meets their master plan's entry criteria; plan overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.freezes import account_freezes
from campaigns.cases.history import EventKind, record_event
from campaigns.plans.loader import latest_plan, master_plans, plan_definition
from campaigns.plans.schema import PlanDefinition
from models.account import Account
from models.case import Case
from models.column_types import utc_now
from models.enums import CaseStatus
from models.ledger import AccountLedger, iter_account_ledgers
from models.plan import WorkPlan
from models.ru_format import money

# Accounts per round trip and per transaction: bounds memory and lock time on a million accounts.
CHUNK_SIZE = 2_000

_OPEN = Case.status != CaseStatus.CLOSED.value


class PlanNotAllowed(ValueError):
    """A plan override outside the case's debtor kind."""


@dataclass
class OpeningReport:
    opened: int = 0
    already_open: int = 0
    below_threshold: int = 0
    no_plan: int = 0


@dataclass(frozen=True)
class _NewCase:
    account_id: int
    plan_id: int
    definition: PlanDefinition
    debt: Decimal
    days_overdue: int


async def open_cases(
    session: AsyncSession, as_of: date, *, now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> OpeningReport:
    """Open a case under its master plan for every account without an open case that qualifies.

    Commits after every chunk, so a run over a million accounts holds neither one long
    transaction nor every new case in memory; a rerun after a crash opens only what is missing.
    """
    now = now or utc_now()
    report = OpeningReport()
    report.already_open = await session.scalar(
        select(func.count()).select_from(Case).where(_OPEN)) or 0
    # Plain ids, not rows: the per-chunk commits must not make the rows reload.
    plans = {kind: (row.id, definition)
             for kind, (row, definition) in (await master_plans(session)).items()}
    last_id = 0
    while True:
        chunk = (await session.execute(
            select(Account.id, Account.debtor_kind)
            .where(Account.id > last_id, ~exists().where(Case.account_id == Account.id, _OPEN))
            .order_by(Account.id).limit(chunk_size))).all()
        if not chunk:
            return report
        last_id = chunk[-1][0]
        kinds: dict[int, str] = {account_id: kind for account_id, kind in chunk}
        with_plan = [account_id for account_id, kind in kinds.items() if kind in plans]
        report.no_plan += len(kinds) - len(with_plan)
        freezes = await account_freezes(session, with_plan, as_of)
        candidates: list[_NewCase] = []
        async for account_id, ledger in iter_account_ledgers(
            session, as_of, account_ids=with_plan, freezes=freezes, chunk_size=chunk_size
        ):
            plan_id, definition = plans[kinds[account_id]]
            if qualifies(ledger, definition):
                candidates.append(_NewCase(account_id, plan_id, definition,
                                           ledger.conditional_debt, ledger.max_days_overdue))
            else:
                report.below_threshold += 1
        opened = await _insert(session, candidates, now)
        report.opened += opened
        report.already_open += len(candidates) - opened
        await session.commit()


def qualifies(ledger: AccountLedger, plan: PlanDefinition) -> bool:
    entry = plan.entry
    return (
        ledger.oldest_unpaid_due is not None
        and ledger.conditional_debt >= entry.min_debt
        and ledger.max_days_overdue >= entry.min_days_overdue
        and ledger.as_of >= ledger.oldest_unpaid_due + timedelta(days=entry.start_after_days)
    )


async def _insert(session: AsyncSession, candidates: list[_NewCase], now: datetime) -> int:
    """Insert the chunk's cases at once; if another opener got in first, retry them one by one."""
    if not candidates:
        return 0
    try:
        async with session.begin_nested():
            cases = [_case(item, now) for item in candidates]
            session.add_all(cases)
            await session.flush()
    except IntegrityError:
        opened = 0
        for item in candidates:
            opened += await _insert_one(session, item, now)
        return opened
    for case, item in zip(cases, candidates, strict=True):
        _record_opened(session, case, item)
    return len(cases)


async def _insert_one(session: AsyncSession, item: _NewCase, now: datetime) -> int:
    try:
        async with session.begin_nested():
            case = _case(item, now)
            session.add(case)
            await session.flush()
    except IntegrityError:
        # The partial unique index uq_debt_case_open_account: a concurrent opener won.
        return 0
    _record_opened(session, case, item)
    return 1


def _case(item: _NewCase, now: datetime) -> Case:
    return Case(account_id=item.account_id, plan_id=item.plan_id,
                stage=item.definition.first_stage.code, status=CaseStatus.ACTIVE.value,
                opened_at=now, stage_entered_at=now, debt_at_open=item.debt)


def _record_opened(session: AsyncSession, case: Case, item: _NewCase) -> None:
    record_event(
        session, case, EventKind.OPENED,
        f"Дело открыто по плану «{item.definition.name}»: долг {money(item.debt)}, "
        f"просрочка {item.days_overdue} {days_word(item.days_overdue)}",
        data={"plan": item.definition.code, "version": item.definition.version,
              "stage": case.stage, "debt": str(item.debt), "days_overdue": item.days_overdue})


def days_word(count: int) -> str:
    """день / дня / дней for ``count``."""
    if count % 10 == 1 and count % 100 != 11:
        return "день"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return "дня"
    return "дней"


async def override_plan(session: AsyncSession, case: Case, plan_code: str, actor: str) -> None:
    """Put the case under the newest version of ``plan_code``, a plan of the account's debtor kind.

    The case keeps its stage if the new plan has a stage of that code, else starts at the first.
    """
    plan, definition = await latest_plan(session, plan_code)
    account = await session.get_one(Account, case.account_id)
    if plan.debtor_kind != account.debtor_kind:
        raise PlanNotAllowed(
            f"план «{definition.name}» предназначен для должников вида «{plan.debtor_kind}», "
            f"а лицевой счёт — вида «{account.debtor_kind}»")
    old = await session.get_one(WorkPlan, case.plan_id)
    old_definition = plan_definition(old)
    stage = case.stage if case.stage in {s.code for s in definition.stages} \
        else definition.first_stage.code
    case.plan_id = plan.id
    if stage != case.stage:
        case.stage = stage
        case.stage_entered_at = utc_now()
    record_event(
        session, case, EventKind.MANUAL,
        f"План изменён: «{old_definition.name}» → «{definition.name}», этап «{definition.stage(stage).name}»",
        actor=actor,
        data={"from": {"plan": old.code, "version": old.version},
              "to": {"plan": plan.code, "version": plan.version}, "stage": stage})
