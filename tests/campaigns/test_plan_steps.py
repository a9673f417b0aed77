"""The daily run queues the plan's steps as they fall due: once, under their conditions, and the
claim-time checks still decide whether a queued step reaches the debtor."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.steps import StepsReport, queue_due_steps
from campaigns.plans.schema import PlanDefinition
from campaigns.queue.claims import claim
from campaigns.queue.precontact import PAID, pre_contact_check
from campaigns.waves.planning import WaveSpec, create_wave, materialise
from campaigns.waves.segment import Segment
from models.entities import Case, CaseEvent, Payment, Person, PersonPhone, WorkPlan
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt
from tests.campaigns.builders import DEFAULT_PLAN, T0, attempt, debtor_case

Sessions = async_sessionmaker[AsyncSession]
DAY0 = T0.date()  # the case entered the robot stage on Monday 2 March 2026


async def _robot_case(sessionmaker: Sessions, number: str = "7001", *,
                      debt: Decimal = Decimal("5000.00")) -> int:
    async with sessionmaker() as session, session.begin():
        _, case = await debtor_case(session, number, phone=f"+7910{number}000", owes=debt)
        case.stage_entered_at = T0
        case.current_debt, case.days_overdue, case.debt_as_of = debt, 385, DAY0
        return case.id


async def _run(sessionmaker: Sessions, day: int) -> StepsReport:
    as_of = DAY0 + timedelta(days=day)
    async with sessionmaker() as session:
        return await queue_due_steps(session, as_of, datetime.combine(as_of, time(10), timezone.utc))


async def _steps(sessionmaker: Sessions, case_id: int) -> list[str]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Attempt.step_code).where(Attempt.case_id == case_id)
                                          .order_by(Attempt.id)))


async def test_each_step_is_queued_once_on_its_day(sessionmaker: Sessions) -> None:
    case_id = await _robot_case(sessionmaker)
    assert (await _run(sessionmaker, 0)).queued == 1
    # The daily run again, the same day or the next: nothing is queued twice.
    assert (await _run(sessionmaker, 0)).queued == 0
    assert (await _run(sessionmaker, 3)).queued == 0
    assert await _steps(sessionmaker, case_id) == ["call-1"]
    async with sessionmaker() as session:
        first = (await session.scalars(select(Attempt))).one()
        event = (await session.scalars(select(CaseEvent))).one()
    assert (first.channel, first.address, first.template, first.status, first.wave_id) == (
        "call", "+79107001000", "debt_call", "queued", None)
    assert first.not_before == datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    assert first.idempotency_key == f"p{case_id}-260302-call-1"
    assert (event.kind, event.message) == (
        "attempt_queued", "Шаг «call-1» этапа «Звонки робота»: Звонок, шаблон «debt_call» — в очереди")
    assert (await _run(sessionmaker, 4)).queued == 1
    assert (await _run(sessionmaker, 5)).queued == 1
    assert (await _run(sessionmaker, 9)).queued == 1
    assert await _steps(sessionmaker, case_id) == [
        "call-1", "call-2", "sms-payment-details", "call-3"]


async def test_a_recent_contact_holds_the_step_until_the_quiet_days_pass(sessionmaker: Sessions) -> None:
    case_id = await _robot_case(sessionmaker)
    await _run(sessionmaker, 0)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(
            last_contact_at=datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc)))
    # call-2 (day 4) wants 3 days without contact; the debtor answered on day 2.
    assert (await _run(sessionmaker, 4)).queued == 0
    assert (await _run(sessionmaker, 5)).queued == 2
    assert await _steps(sessionmaker, case_id) == ["call-1", "call-2", "sms-payment-details"]


async def test_a_paused_case_gets_only_the_latest_missed_step_of_each_channel(
    sessionmaker: Sessions,
) -> None:
    case_id = await _robot_case(sessionmaker)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(
            status="suspended", suspended_until=date(2026, 3, 11)))
    assert (await _run(sessionmaker, 0)).queued == 0
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(
            status="active", suspended_until=None))
    assert (await _run(sessionmaker, 10)).queued == 2
    assert await _steps(sessionmaker, case_id) == ["sms-payment-details", "call-3"]


async def test_a_step_below_its_minimum_debt_waits(sessionmaker: Sessions) -> None:
    data = yaml.safe_load(DEFAULT_PLAN.read_text())
    data["stages"][1]["steps"][0]["conditions"] = {"min_debt": "3000.00"}
    definition = PlanDefinition.model_validate(data)
    async with sessionmaker() as session, session.begin():
        session.add(WorkPlan(code=definition.code, version=definition.version, name=definition.name,
                             debtor_kind="individual", is_master=True,
                             definition=definition.model_dump(mode="json")))
    small = await _robot_case(sessionmaker, "7001", debt=Decimal("2000.00"))
    large = await _robot_case(sessionmaker, "7002", debt=Decimal("3000.00"))
    assert (await _run(sessionmaker, 0)).queued == 1
    assert (await _steps(sessionmaker, small), await _steps(sessionmaker, large)) == ([], ["call-1"])
    # A new charge lifts the snapshot over the minimum before call-2 replaces call-1.
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == small).values(current_debt=Decimal("3500")))
    assert (await _run(sessionmaker, 1)).queued == 1
    assert await _steps(sessionmaker, small) == ["call-1"]


async def test_a_debtor_without_a_phone_is_counted_and_retried(sessionmaker: Sessions) -> None:
    case_id = await _robot_case(sessionmaker)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(PersonPhone).values(valid=False))
    assert await _run(sessionmaker, 0) == StepsReport(queued=0, no_contact=1)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(PersonPhone).values(valid=True))
    assert await _run(sessionmaker, 1) == StepsReport(queued=1, no_contact=0)
    assert await _steps(sessionmaker, case_id) == ["call-1"]


async def test_a_step_a_wave_carried_out_is_not_queued_again(sessionmaker: Sessions) -> None:
    case_id = await _robot_case(sessionmaker)
    async with sessionmaker() as session, session.begin():
        wave = await create_wave(session, WaveSpec(
            name="Первый звонок", channel=Channel.CALL, template="debt_call", step_code="call-1",
            segment=Segment(stages=("robot",)), window_start=T0, window_end=T0 + timedelta(hours=8)))
        assert (await materialise(session, wave, now=T0)).attempts == 1
    assert (await _run(sessionmaker, 0)).queued == 0
    assert await _steps(sessionmaker, case_id) == ["call-1"]


async def test_claim_time_checks_still_hold_for_steps(sessionmaker: Sessions) -> None:
    paid = await _robot_case(sessionmaker, "7001")
    called = await _robot_case(sessionmaker, "7002")
    async with sessionmaker() as session, session.begin():
        paid_case = await session.get_one(Case, paid)
        session.add(Payment(external_id="bank-1", account_id=paid_case.account_id, paid_on=DAY0,
                            amount=Decimal("5000.00")))
        person = (await session.scalars(select(Person).join(PersonPhone).where(
            PersonPhone.number == "+79107002000"))).one()
        morning = attempt(await session.get_one(Case, called), person, "called-this-morning",
                          not_before=T0 - timedelta(hours=2), status=AttemptStatus.DONE)
        morning.started_at = morning.finished_at = T0 - timedelta(hours=2)
        session.add(morning)
    assert (await _run(sessionmaker, 0)).queued == 2
    later = T0 + timedelta(hours=2)
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=2, now=later) == []
    async with sessionmaker() as session:
        rows = {case_id: (status, note) for case_id, status, note in (await session.execute(
            select(Attempt.case_id, Attempt.status, Attempt.note)
            .where(Attempt.step_code == "call-1"))).all()}
    # The one who paid meanwhile is never called; the one called this morning waits for tomorrow.
    assert rows == {paid: ("cancelled", PAID),
                    called: ("queued", "лимит звонков в день исчерпан (1)")}


async def test_a_run_replayed_for_an_hour_before_the_stage_entry_queues_nothing_twice(
    sessionmaker: Sessions,
) -> None:
    case_id = await _robot_case(sessionmaker)  # entered 09:00 UTC
    early = datetime.combine(DAY0, time(6), timezone.utc)
    for _ in range(2):
        async with sessionmaker() as session:
            await queue_due_steps(session, DAY0, early)
    assert await _steps(sessionmaker, case_id) == ["call-1"]
