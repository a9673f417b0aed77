"""One debtor walked through the default plan: daily runs queue its steps, workers claim them,
channels report outcomes, and the case moves exactly as the plan and the rules say."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.daily import DayReport, run_day
from campaigns.outcomes import OutcomeKind, OutcomeReport, OutcomeResult, record_outcome
from campaigns.outcomes.rules import NextChannel
from campaigns.plans.loader import load_default_plans
from campaigns.queue.claims import claim, mark_started
from campaigns.queue.precontact import pre_contact_check
from models.entities import Account, Case, Ownership, Person, PersonPhone
from models.enums import Channel
from models.outreach import Attempt

from .world import account, pay

Sessions = async_sessionmaker[AsyncSession]
PHONE = "+79105550011"


async def _day(sessionmaker: Sessions, on: date) -> DayReport:
    async with sessionmaker() as session:
        return await run_day(session, on, datetime.combine(on, time(), timezone.utc))


async def _contact(sessionmaker: Sessions, channel: str, on: date,
                   report: OutcomeReport) -> tuple[str, OutcomeResult]:
    """A worker takes the one due attempt on ``channel`` at noon in Moscow and reports on it."""
    at = datetime.combine(on, time(9), timezone.utc)
    (taken,) = await claim(sessionmaker, "worker-1", [channel], pre_contact_check, limit=5, now=at)
    async with sessionmaker() as session, session.begin():
        assert await mark_started(session, taken.id, "worker-1", now=at)
    async with sessionmaker() as session, session.begin():
        result = await record_outcome(session, taken.id, report, now=at)
        step = (await session.get_one(Attempt, taken.id)).step_code
    return step, result


async def _case(sessionmaker: Sessions, acc: Account) -> Case:
    async with sessionmaker() as session:
        return (await session.scalars(select(Case).where(Case.account_id == acc.id))).one()


async def test_a_debtor_through_the_default_plan(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session, session.begin():
        await load_default_plans(session)
        acc = await account(session, "1001", "5000.00")
        person = Person(code="P1", last_name="Иванов", first_name="Иван")
        session.add(person)
        await session.flush()
        session.add_all([Ownership(account_id=acc.id, person_id=person.id),
                         PersonPhone(person_id=person.id, number=PHONE)])
    delivered = OutcomeReport(kind=OutcomeKind.DELIVERED)
    no_answer = OutcomeReport(kind=OutcomeKind.NO_ANSWER)

    # Friday 15 May: 30 days overdue, the case opens in the soft stage and its SMS goes out.
    day = await _day(sessionmaker, date(2026, 5, 15))
    assert (day.opening.opened, day.steps.queued) == (1, 1)
    assert (await _contact(sessionmaker, "sms", date(2026, 5, 15), delivered))[0] == "sms-reminder"
    # Day 2: the e-mail reminder finds no address.
    day = await _day(sessionmaker, date(2026, 5, 17))
    assert (day.steps.queued, day.steps.no_contact) == (0, 1)

    # Day 10: robot calls; nobody answers the first two calls.
    day = await _day(sessionmaker, date(2026, 5, 25))
    assert (day.advanced, day.steps.queued) == (1, 1)
    assert (await _contact(sessionmaker, "call", date(2026, 5, 25), no_answer))[0] == "call-1"
    assert (await _day(sessionmaker, date(2026, 5, 29))).steps.queued == 1
    assert (await _contact(sessionmaker, "call", date(2026, 5, 29), no_answer))[0] == "call-2"
    # Saturday 30 May, day 5: the payment details by SMS, delivered.
    assert (await _day(sessionmaker, date(2026, 5, 30))).steps.queued == 1
    step, _ = await _contact(sessionmaker, "sms", date(2026, 5, 30), delivered)
    assert step == "sms-payment-details"
    # Day 9: three days after that contact, the third call; the third no-answer in a row moves
    # the case to its next channel, SMS, which sends the stage's SMS step again.
    assert (await _day(sessionmaker, date(2026, 6, 3))).steps.queued == 1
    step, result = await _contact(sessionmaker, "call", date(2026, 6, 3), no_answer)
    assert (step, result.actions) == ("call-3", (NextChannel("без ответа подряд: 3", Channel.SMS),))

    # The debtor answers that SMS with a promise, taken down by a manager: the case waits.
    step, result = await _contact(sessionmaker, "sms", date(2026, 6, 4), OutcomeReport(
        kind=OutcomeKind.MANUAL, promise_date=date(2026, 6, 10), actor="manager:petrova"))
    assert step == "sms-payment-details"
    case = await _case(sessionmaker, acc)
    assert (case.status, case.suspended_until) == ("suspended", date(2026, 6, 13))
    # Day 14 of the robot stage: a suspended case neither advances nor gets steps.
    day = await _day(sessionmaker, date(2026, 6, 8))
    assert (day.advanced, day.steps.queued) == (0, 0)

    # The debtor pays everything: the next run closes the case and the promise is kept.
    async with sessionmaker() as session, session.begin():
        await pay(session, acc, date(2026, 6, 9), "5000.00")
    assert (await _day(sessionmaker, date(2026, 6, 10))).closed == 1
    case = await _case(sessionmaker, acc)
    assert (case.status, case.status_reason) == ("closed", "ДОЛГ ПОГАШЕН")
    async with sessionmaker() as session:
        steps = list(await session.scalars(select(Attempt.step_code).order_by(Attempt.id)))
    assert steps == ["sms-reminder", "call-1", "call-2", "sms-payment-details", "call-3",
                     "sms-payment-details"]
