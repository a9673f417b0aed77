"""Which cases a wave reaches: filters over the case's debt snapshot, building, stage, outcome."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, and_, exists, func, select

from models.entities import Account, Attempt, Building, Case
from models.enums import CaseStatus


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_debt: Decimal | None = None
    max_debt: Decimal | None = None
    min_days_overdue: int | None = Field(default=None, ge=0)
    buildings: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    # The outcome of the case's latest finished attempt, e.g. ("no_answer", "busy").
    last_outcomes: tuple[str, ...] = ()


def segment_cases(segment: Segment) -> Select[tuple[int]]:
    """Active cases matching the segment, by id (only cases whose debt snapshot is known)."""
    conditions = [Case.status == CaseStatus.ACTIVE.value, Case.current_debt.is_not(None)]
    if segment.min_debt is not None:
        conditions.append(Case.current_debt >= segment.min_debt)
    if segment.max_debt is not None:
        conditions.append(Case.current_debt <= segment.max_debt)
    if segment.min_days_overdue is not None:
        conditions.append(Case.days_overdue >= segment.min_days_overdue)
    if segment.stages:
        conditions.append(Case.stage.in_(segment.stages))
    query = select(Case.id)
    if segment.buildings:
        query = query.join(Account, Account.id == Case.account_id).join(
            Building, Building.id == Account.building_id)
        conditions.append(Building.code.in_(segment.buildings))
    if segment.last_outcomes:
        latest = (select(func.max(Attempt.finished_at)).where(Attempt.case_id == Case.id)
                  .scalar_subquery())
        conditions.append(exists().where(
            and_(Attempt.case_id == Case.id, Attempt.finished_at == latest,
                 Attempt.outcome.in_(segment.last_outcomes))))
    return query.where(*conditions).order_by(Case.id)
