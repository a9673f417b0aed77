from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import claim, mark_started
from campaigns.queue.precontact import PAID, pre_contact_check
from models.entities import Case, ContactRefusal, Payment
from models.outreach import Attempt
from tests.campaigns.builders import T0, attempt, debtor_case


async def _one_debtor(sessionmaker: async_sessionmaker[AsyncSession], *keys: str) -> tuple[int, int]:
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "3001")
        for key in keys:
            session.add(attempt(case, person, key))
    return person.id, case.id


async def _attempts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Attempt]:
    async with sessionmaker() as session:
        return {a.idempotency_key: a for a in (await session.execute(select(Attempt))).scalars()}


async def test_debtor_who_owes_is_called_once_a_day(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _one_debtor(sessionmaker, "first", "second")
    taken = await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=2, now=T0)
    assert [a.idempotency_key for a in taken] == ["first"]
    second = (await _attempts(sessionmaker))["second"]
    # 230-ФЗ: one call a day; the next is allowed at 08:00 Moscow time on the next working day.
    assert second.status == "queued"
    assert second.not_before == datetime(2026, 3, 3, 5, 0, tzinfo=timezone.utc)
    assert second.note == "лимит звонков в день исчерпан (1)"


async def test_debtor_who_paid_meanwhile_is_not_contacted(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    _, case_id = await _one_debtor(sessionmaker, "a")
    async with sessionmaker() as session, session.begin():
        case = await session.get(Case, case_id)
        assert case is not None
        session.add(Payment(external_id="bank-1", account_id=case.account_id, paid_on=date(2026, 3, 1),
                            amount=Decimal("5000.00")))
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, now=T0) == []
    row = (await _attempts(sessionmaker))["a"]
    assert (row.status, row.note) == ("cancelled", PAID)


async def test_listened_to_the_end_postpones_calls(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    _, case_id = await _one_debtor(sessionmaker, "a")
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(no_call_until=date(2026, 3, 9)))
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, now=T0) == []
    row = (await _attempts(sessionmaker))["a"]
    assert (row.status, row.not_before) == ("queued", datetime(2026, 3, 8, 21, 0, tzinfo=timezone.utc))


async def test_suspended_case_and_refusal_cancel(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    person_id, case_id = await _one_debtor(sessionmaker, "a")
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(
            status="suspended", status_reason="обещание оплаты до 10.03.2026"))
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, now=T0) == []
    assert (await _attempts(sessionmaker))["a"].note == "дело не в работе (suspended: обещание оплаты до 10.03.2026)"

    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(status="active"))
        await session.execute(update(Attempt).values(status="queued"))
        session.add(ContactRefusal(person_id=person_id, channel="call"))
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, now=T0) == []
    row = (await _attempts(sessionmaker))["a"]
    assert (row.status, row.note) == ("cancelled", "абонент отказался от канала")


async def test_started_contact_counts_against_the_next_day_limit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _one_debtor(sessionmaker, "a")
    (taken,) = await claim(sessionmaker, "w", ["call"], pre_contact_check, now=T0)
    async with sessionmaker() as session, session.begin():
        assert await mark_started(session, taken.id, "w", now=T0)
        person, case = (await session.execute(select(Attempt.person_id, Attempt.case_id))).one()
        session.add(Attempt(case_id=case, person_id=person, channel="call", idempotency_key="b",
                            not_before=T0 + timedelta(days=1)))
    assert [a.idempotency_key for a in await claim(
        sessionmaker, "w", ["call"], pre_contact_check, now=T0 + timedelta(days=1))] == ["b"]


async def test_attempt_without_a_person_still_keeps_contact_hours(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    _, case_id = await _one_debtor(sessionmaker)
    night = datetime(2026, 3, 2, 20, 30, tzinfo=timezone.utc)  # 23:30 in Moscow
    async with sessionmaker() as session, session.begin():
        session.add(Attempt(case_id=case_id, person_id=None, channel="courier", idempotency_key="n",
                            not_before=night))
    assert await claim(sessionmaker, "w", ["courier"], pre_contact_check, now=night) == []
    row = (await _attempts(sessionmaker))["n"]
    assert (row.status, row.not_before) == ("queued", datetime(2026, 3, 3, 5, 0, tzinfo=timezone.utc))
    assert row.note == "вне часов контакта: рабочий день, разрешено с 08:00 до 22:00 по местному времени"
