"""The dialogue on real databases: the debtor's context read for an account or an attempt, and a
finished call reported through the campaign's real outcome function."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.report import Intent
from models.entities import Case, Charge, Creditor, Dispute, Ownership, Payment, Person, Promise
from models.enums import AttemptStatus, CaseStatus
from models.person import PersonPhone
from voicebot.dialogue import (
    CollectionDialogue,
    context_for_account,
    context_for_attempt,
    report_call,
)

from voicebot.nlu.result import NluResult

from tests.campaigns.builders import T0, attempt, debtor_case
from tests.voicebot.scripted import SAMPLES, ScriptedParser

Sessions = async_sessionmaker[AsyncSession]
TODAY = date(2026, 3, 2)
CALL_NOW = T0.astimezone(ZoneInfo("Europe/Moscow"))


async def test_context_for_an_account(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        person, case = await debtor_case(session, "7001", owes=Decimal("5000.00"))
        person.middle_name = "Петрович"
        creditor = await session.scalar(select(Creditor))
        assert creditor is not None
        creditor.short_name = "УК Тест"
        creditor.bank_name, creditor.bik, creditor.bank_account = \
            "ПАО Сбербанк", "044525225", "40702810900000000001"
        session.add(Charge(account_id=case.account_id, period=date(2025, 2, 1),
                           service="Горячая вода", amount=Decimal("300.50")))
        # A charge not yet overdue on the day is no part of the real debt.
        session.add(Charge(account_id=case.account_id, period=date(2026, 2, 1),
                           service="Отопление", amount=Decimal("999.00")))
        session.add(Payment(external_id="p1", account_id=case.account_id, paid_on=date(2025, 6, 1),
                            amount=Decimal("100.00"), confirmed=True))
        await session.flush()
        context = await context_for_account(session, "7001", as_of=TODAY)
    assert context.full_name == "Иванов Иван Петрович"
    assert context.address_name == "Иван Петрович"
    assert context.creditor == "УК Тест"
    assert context.payment.complete and context.payment.bik == "044525225"
    assert context.debt == Decimal("5200.50")
    assert context.periods == (date(2025, 1, 1), date(2025, 2, 1))
    assert context.services == ("Отопление", "Горячая вода")
    assert context.person_id == person.id
    assert context.timezone == "Europe/Moscow"


async def test_context_picks_the_adult_owner_with_the_largest_share(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        first, case = await debtor_case(session, "7002")
        (await session.scalar(select(Ownership).where(Ownership.person_id == first.id))) \
            .share_denominator = 3
        second = Person(code="P7002-2", last_name="Петрова", first_name="Анна",
                        middle_name="Сергеевна")
        child = Person(code="P7002-3", last_name="Петров", first_name="Олег")
        session.add_all([second, child])
        await session.flush()
        session.add_all([
            Ownership(account_id=case.account_id, person_id=second.id, share_numerator=2,
                      share_denominator=3),
            Ownership(account_id=case.account_id, person_id=child.id, share_numerator=1,
                      share_denominator=1, is_minor=True)])
        await session.flush()
        context = await context_for_account(session, "7002", as_of=TODAY)
        chosen = await context_for_account(session, "7002", person_id=first.id, as_of=TODAY)
    assert context.full_name == "Петрова Анна Сергеевна"
    assert chosen.full_name == "Иванов Иван"


async def test_context_for_an_attempt_is_its_person(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        person, case = await debtor_case(session, "7003")
        row = attempt(case, person, "ctx-1")
        session.add(row)
        await session.flush()
        context = await context_for_attempt(session, row.id, as_of=TODAY)
    assert context.person_id == person.id
    assert context.account_number == "7003"
    assert context.debt == Decimal("5000.00")


async def test_unknown_account_or_attempt(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        with pytest.raises(LookupError):
            await context_for_account(session, "нет-такого")
        with pytest.raises(LookupError):
            await context_for_attempt(session, 999_999)


async def _call(session: AsyncSession, number: str, *lines: str,
                parser: ScriptedParser | None = None) -> tuple[int, int, int]:
    """Hold a call for a fresh debtor's attempt, saying ``lines``, and report it."""
    person, case = await debtor_case(session, number, phone="+79100000000")
    row = attempt(case, person, f"call-{number}", status=AttemptStatus.CLAIMED)
    session.add(row)
    await session.flush()
    context = await context_for_attempt(session, row.id, as_of=TODAY)
    bot = CollectionDialogue(context, parser or ScriptedParser())
    await bot.open(CALL_NOW)
    for line in lines:
        await bot.hear(line, CALL_NOW)
    assert bot.ended
    result = await report_call(session, row.id, bot, hung_up_by_debtor=False, now=T0)
    assert result.applied
    return case.id, person.id, row.id


async def test_a_promise_heard_by_the_bot_suspends_the_case(sessionmaker: Sessions) -> None:
    friday = TODAY + timedelta(days=4)
    parser = ScriptedParser({**SAMPLES, "заплачу в пятницу": NluResult(
        "заплачу в пятницу", Intent.PROMISE_TO_PAY, 0.9, promise_date=friday)})
    async with sessionmaker() as session:
        case_id, _, _ = await _call(session, "7101", "да это я", "заплачу в пятницу", "да это я",
                                    parser=parser)
        await session.commit()
    async with sessionmaker() as session:
        promise = await session.scalar(select(Promise).where(Promise.case_id == case_id))
        case = await session.get(Case, case_id)
    assert promise is not None and promise.pay_by == friday and promise.amount == Decimal("5000.00")
    assert case.status == CaseStatus.SUSPENDED.value
    assert case.suspended_until == friday + timedelta(days=3)


async def test_a_dispute_heard_by_the_bot_escalates_the_case(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        case_id, _, _ = await _call(session, "7102", "да это я", "я не согласен с начислениями")
        await session.commit()
    async with sessionmaker() as session:
        dispute = await session.scalar(select(Dispute).where(Dispute.case_id == case_id))
        case = await session.get(Case, case_id)
    assert dispute is not None and "я не согласен с начислениями" in dispute.reason
    assert case.status == CaseStatus.ESCALATED.value


async def test_a_wrong_person_invalidates_the_phone(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        case_id, person_id, _ = await _call(session, "7103", "вы ошиблись номером")
        await session.commit()
    async with sessionmaker() as session:
        phone = await session.scalar(select(PersonPhone).where(PersonPhone.person_id == person_id))
        case = await session.get(Case, case_id)
    assert phone is not None and phone.valid is False
    # A stranger's call does not move the case.
    assert case.status == CaseStatus.ACTIVE.value
