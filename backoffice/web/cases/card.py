"""Everything a manager sees about one case, and the one-click stop of all contact with it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from campaigns.cases.history import EventKind, record_event
from campaigns.queue.cancelling import cancel_queued_attempts
from models.entities import (
    Account,
    Attempt,
    Building,
    Case,
    CaseEvent,
    ContactRefusal,
    Dispute,
    Ownership,
    Person,
    Promise,
    WorkPlan,
)
from models.courier import CourierDelivery
from models.enums import Channel, CaseStatus
from models.ledger import AccountLedger, account_ledger_for

STOP_REASON = "ОСТАНОВЛЕНО МЕНЕДЖЕРОМ"


@dataclass(frozen=True, slots=True)
class Debtor:
    person: Person
    ownership: Ownership
    refusals: list[ContactRefusal]


@dataclass(frozen=True, slots=True)
class CaseCard:
    case: Case
    account: Account
    building: Building
    plan: WorkPlan
    ledger: AccountLedger
    debtors: list[Debtor]
    events: list[CaseEvent]
    attempts: list[Attempt]
    promises: list[Promise]
    disputes: list[Dispute]
    # The courier's results for this case, newest first, each with its attempt (outcome, place).
    deliveries: list[tuple[CourierDelivery, Attempt]]

    @property
    def stoppable(self) -> bool:
        return self.case.status in (CaseStatus.ACTIVE.value, CaseStatus.ESCALATED.value) or (
            self.case.status == CaseStatus.SUSPENDED.value and self.case.suspended_until is not None)


async def load_case_card(session: AsyncSession, case_id: int, as_of: date) -> CaseCard | None:
    found = (await session.execute(
        select(Case, Account, Building, WorkPlan)
        .join(Account, Account.id == Case.account_id)
        .join(Building, Building.id == Account.building_id)
        .join(WorkPlan, WorkPlan.id == Case.plan_id)
        .where(Case.id == case_id))).first()
    if found is None:
        return None
    case, account, building, plan = found
    owners = (await session.execute(
        select(Ownership, Person).join(Person).where(Ownership.account_id == account.id)
        # Joined, not a query per collection: a debtor has a phone or two and an email or two.
        .options(joinedload(Person.phones), joinedload(Person.emails))
        .order_by(Person.last_name, Person.first_name))).unique().all()
    refusals: dict[int, list[ContactRefusal]] = {}
    for refusal in await session.scalars(select(ContactRefusal).where(
            ContactRefusal.person_id.in_([person.id for _, person in owners]))):
        refusals.setdefault(refusal.person_id, []).append(refusal)

    attempts = await _of_case(session, case_id, Attempt, Attempt.id.desc())
    return CaseCard(
        case=case, account=account, building=building, plan=plan,
        ledger=await account_ledger_for(session, account.id, as_of),
        debtors=[Debtor(person, ownership, refusals.get(person.id, []))
                 for ownership, person in owners],
        events=await _of_case(session, case_id, CaseEvent, CaseEvent.id.desc()),
        attempts=attempts,
        promises=await _of_case(session, case_id, Promise, Promise.id.desc()),
        disputes=await _of_case(session, case_id, Dispute, Dispute.id.desc()),
        deliveries=await _deliveries(session, attempts),
    )


async def _deliveries(session: AsyncSession,
                      attempts: list[Attempt]) -> list[tuple[CourierDelivery, Attempt]]:
    # Most cases never had a courier result: no query for them.
    done = {attempt.id: attempt for attempt in attempts
            if attempt.channel == Channel.COURIER.value and attempt.finished_at is not None}
    if not done:
        return []
    found = await session.scalars(select(CourierDelivery).where(
        CourierDelivery.attempt_id.in_(list(done))))
    return sorted(((delivery, done[delivery.attempt_id]) for delivery in found),
                  key=lambda pair: pair[1].id, reverse=True)


async def _of_case(session: AsyncSession, case_id: int, entity: Any, order: Any) -> list[Any]:
    """The case's rows of one kind (events, attempts, promises, disputes), newest first."""
    return list(await session.scalars(select(entity).where(entity.case_id == case_id).order_by(order)))


async def stop_case(session: AsyncSession, case: Case, actor: str) -> list[int]:
    """Suspend the case with no end date (only a person resumes it) and cancel every contact not
    yet begun; the caller commits. Returns the cancelled attempt ids."""
    cancelled = await cancel_queued_attempts(session, case, "работа остановлена менеджером",
                                             actor=actor)
    previous = case.status
    case.status = CaseStatus.SUSPENDED.value
    case.status_reason = STOP_REASON
    case.suspended_until = None
    record_event(session, case, EventKind.STATUS_CHANGED, f"Работа по делу остановлена: {actor}",
                 actor=actor, data={"from": previous, "to": case.status, "reason": STOP_REASON,
                                    "cancelled_attempts": cancelled})
    return cancelled
