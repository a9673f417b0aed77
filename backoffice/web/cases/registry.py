"""The case registry: filters and keyset paging, newest case first.

Keyset (``before`` = the last id seen) rather than OFFSET, so page 1 000 of a million cases costs
what page 1 does: each filter has an index that also orders by id (migration 0006).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.outcomes.report import KIND_TITLES
from campaigns.plans.loader import plan_definition
from models.entities import Account, Attempt, Building, Case, WorkPlan
from models.enums import CaseStatus

PAGE_SIZE = 50
STATUS_TITLES = {CaseStatus.ACTIVE.value: "в работе", CaseStatus.SUSPENDED.value: "приостановлено",
                 CaseStatus.ESCALATED.value: "у юриста", CaseStatus.CLOSED.value: "закрыто"}


class CaseFilter(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    stage: str = ""
    status: str = ""
    min_debt: Decimal | None = None
    max_debt: Decimal | None = None
    building: str = ""
    last_outcome: str = ""
    before: int | None = Field(default=None, ge=1)
    limit: int = Field(default=PAGE_SIZE, ge=1, le=500)

    @classmethod
    def from_query(cls, query: Any) -> CaseFilter:
        """From a page's query string, where an empty field means no filter."""
        return cls.model_validate({key: value for key, value in query.items() if value != ""})


@dataclass(frozen=True, slots=True)
class RegistryRow:
    id: int
    account_number: str
    address: str
    stage: str
    status: str
    current_debt: Decimal | None
    days_overdue: int | None
    last_contact_at: datetime | None
    last_outcome: str


@dataclass(frozen=True, slots=True)
class RegistryPage:
    rows: list[RegistryRow]
    # Pass as ``before`` for the next page; None on the last page.
    next_before: int | None


def last_outcome_of_case() -> ScalarSelect[str]:
    """The outcome of the case's latest finished attempt (empty string if none)."""
    return (select(Attempt.outcome).where(Attempt.case_id == Case.id,
                                          Attempt.finished_at.is_not(None))
            .order_by(Attempt.finished_at.desc(), Attempt.id.desc()).limit(1).scalar_subquery())


async def registry_page(session: AsyncSession, wanted: CaseFilter) -> RegistryPage:
    last_outcome = last_outcome_of_case()
    # Columns, not Case objects: the page only shows them, and the ORM's per-object bookkeeping
    # was a third of the registry's CPU per request.
    query = (select(Case.id, Account.number, Building.street, Building.house, Account.premises,
                    Case.stage, Case.status, Case.current_debt, Case.days_overdue,
                    Case.last_contact_at, last_outcome.label("last_outcome"))
             .join(Account, Account.id == Case.account_id)
             .join(Building, Building.id == Account.building_id))
    if wanted.stage:
        query = query.where(Case.stage == wanted.stage)
    if wanted.status:
        query = query.where(Case.status == wanted.status)
    if wanted.min_debt is not None:
        query = query.where(Case.current_debt >= wanted.min_debt)
    if wanted.max_debt is not None:
        query = query.where(Case.current_debt <= wanted.max_debt)
    if wanted.building:
        query = query.where(Building.code == wanted.building)
    if wanted.last_outcome:
        query = query.where(last_outcome == wanted.last_outcome)
    if wanted.before is not None:
        query = query.where(Case.id < wanted.before)
    found = (await session.execute(
        query.order_by(Case.id.desc()).limit(wanted.limit + 1))).all()
    rows = [RegistryRow(case_id, number, f"{street}, д. {house}" + (f", кв. {premises}" if premises else ""),
                        stage, status, current_debt, days_overdue, last_contact_at, outcome or "")
            for (case_id, number, street, house, premises, stage, status, current_debt, days_overdue,
                 last_contact_at, outcome) in found[:wanted.limit]]
    more = len(found) > wanted.limit
    return RegistryPage(rows, rows[-1].id if more and rows else None)


# Plan rows are immutable versions (a changed plan is a new row), so their stages cache by id.
_STAGES_BY_PLAN: dict[int, dict[str, str]] = {}
# Above this many buildings the filter is a code typed in, not a list sent with every page.
MAX_BUILDINGS_LISTED = 300


def stage_names(plan: WorkPlan) -> dict[str, str]:
    names = _STAGES_BY_PLAN.get(plan.id)
    if names is None:
        names = _STAGES_BY_PLAN[plan.id] = {
            stage.code: stage.name for stage in plan_definition(plan).stages}
    return names


async def filter_choices(session: AsyncSession) -> dict[str, Any]:
    """What the registry's drop-downs offer: the plans' stages (read from the few plans, not from
    a million cases), the buildings (None when too many to list), statuses and outcomes."""
    stages: dict[str, str] = {}
    plan_ids = list(await session.scalars(select(WorkPlan.id).order_by(WorkPlan.id)))
    # Only a plan not seen before is read whole (its definition is the bulk of the row).
    unseen = [plan_id for plan_id in plan_ids if plan_id not in _STAGES_BY_PLAN]
    if unseen:
        for plan in await session.scalars(select(WorkPlan).where(WorkPlan.id.in_(unseen))):
            stage_names(plan)
    for plan_id in plan_ids:
        for code, name in _STAGES_BY_PLAN[plan_id].items():
            stages.setdefault(code, name)
    buildings = (await session.execute(
        select(Building.code, Building.street, Building.house).order_by(Building.code)
        .limit(MAX_BUILDINGS_LISTED + 1))).all()
    return {"stages": stages,
            "buildings": ({code: f"{street}, д. {house}" for code, street, house in buildings}
                          if len(buildings) <= MAX_BUILDINGS_LISTED else None),
            "statuses": STATUS_TITLES, "outcomes": {k.value: v for k, v in KIND_TITLES.items()}}
