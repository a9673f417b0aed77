"""Rows a campaign test needs: a debtor with an account, a case under the default plan, attempts."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.plans.schema import PlanDefinition
from models.entities import Account, Building, Case, Charge, Creditor, Ownership, Person, PersonPhone, WorkPlan
from models.enums import AttemptStatus
from models.outreach import Attempt

DEFAULT_PLAN = Path(__file__).resolve().parents[2] / "campaigns/plans/default/zhkh_individuals.yaml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday, 12:00 in Moscow


async def default_plan(session: AsyncSession) -> WorkPlan:
    existing = (await session.execute(select(WorkPlan))).scalars().first()
    if existing:
        return existing
    definition = PlanDefinition.model_validate(yaml.safe_load(DEFAULT_PLAN.read_text()))
    plan = WorkPlan(code=definition.code, version=definition.version, name=definition.name,
                    debtor_kind=definition.debtor_kind.value, is_master=True,
                    definition=definition.model_dump(mode="json"))
    session.add(plan)
    await session.flush()
    return plan


async def debtor_case(session: AsyncSession, number: str, *, phone: str = "+79100000000",
                      owes: Decimal = Decimal("5000.00")) -> tuple[Person, Case]:
    """A debtor whose January-2025 charge of ``owes`` is unpaid (long overdue at T0)."""
    creditor = (await session.execute(select(Creditor))).scalars().first()
    if creditor is None:
        creditor = Creditor(inn="6234000014", name="ООО «УК Тест»")
        session.add(creditor)
        await session.flush()
    building = (await session.execute(select(Building))).scalars().first()
    if building is None:
        building = Building(code="B1", creditor_id=creditor.id, region="Рязанская область",
                            city="Рязань", street="ул. Ленина", house="1")
        session.add(building)
        await session.flush()
    account = Account(number=number, building_id=building.id)
    person = Person(code=f"P{number}", last_name="Иванов", first_name="Иван")
    session.add_all([account, person])
    await session.flush()
    session.add(PersonPhone(person_id=person.id, number=phone))
    session.add(Ownership(account_id=account.id, person_id=person.id))
    if owes:
        session.add(Charge(account_id=account.id, period=date(2025, 1, 1), service="Отопление", amount=owes))
    plan = await default_plan(session)
    case = Case(account_id=account.id, plan_id=plan.id, stage="robot", debt_at_open=Decimal("5000.00"))
    session.add(case)
    await session.flush()
    return person, case


def attempt(case: Case, person: Person, key: str, *, channel: str = "call",
            not_before: datetime = T0, status: AttemptStatus = AttemptStatus.QUEUED) -> Attempt:
    return Attempt(case_id=case.id, person_id=person.id, channel=channel, address="+79100000000",
                   template="debt_call", idempotency_key=key, not_before=not_before,
                   status=status.value)
