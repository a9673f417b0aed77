"""Rows and peers the messaging tests share: debtors with SMS/email attempts, a worker run."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import ClaimedAttempt, Verdict
from backoffice.demo_data.outreach import midday_zone  # noqa: F401  (the tests import it from here)
from messaging.drain import run_until_done  # noqa: F401  (the tests import it from here)
from models.case import CaseEvent
from models.entities import Creditor, PersonEmail
from models.outreach import Attempt
from tests.campaigns.builders import T0, debtor_case


async def go(_session: AsyncSession, _attempt: ClaimedAttempt, _now: datetime) -> Verdict:
    """The pre-contact check without the clock: tests run at any hour of the debtor's day."""
    return Verdict(go=True)


def phone(index: int) -> str:
    return f"+7910{index:07d}"


async def queue_attempts(sessionmaker: async_sessionmaker[AsyncSession], channel: str,
                         addresses: list[str], template: str = "reminder") -> list[int]:
    """One debtor per address, each with one queued attempt of ``channel`` to that address."""
    ids = []
    async with sessionmaker() as session, session.begin():
        for index, address in enumerate(addresses):
            person, case = await debtor_case(session, f"{channel}{index:05d}", phone=phone(index))
            if index == 0:
                creditor = (await session.execute(select(Creditor))).scalar_one()
                creditor.short_name, creditor.phone = "УК «Тест»", "+7 4912 00-00-00"
                creditor.bik, creditor.bank_account = "046126614", "40702810100000000001"
            if channel == "email":
                session.add(PersonEmail(person_id=person.id, address=address))
            attempt = Attempt(case_id=case.id, person_id=person.id, channel=channel,
                              address=address, template=template,
                              idempotency_key=f"{channel}-{index}", not_before=T0)
            session.add(attempt)
            await session.flush()
            ids.append(attempt.id)
    return ids


async def attempts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Attempt]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(Attempt).order_by(Attempt.id))).scalars().all()
    return {row.address: row for row in rows}


async def review_tasks(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, str]:
    """The managers' tasks to check a message's delivery: attempt id → the task's text."""
    async with sessionmaker() as session:
        events = (await session.scalars(select(CaseEvent).where(CaseEvent.kind == "outcome"))).all()
    return {event.data["attempt_id"]: event.message for event in events
            if event.data.get("action") == "review_delivery"}
