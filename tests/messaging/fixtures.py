"""Rows and peers the messaging tests share: debtors with SMS/email attempts, a worker run."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import ClaimedAttempt, Verdict
from messaging.channel_worker import ChannelWorker
from models.column_types import utc_now
from models.entities import Creditor, PersonEmail
from models.enums import AttemptStatus
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


def midday_zone() -> str:
    """A fixed-offset zone where it is now about noon: the real contact hours then allow a contact."""
    offset = (12 - datetime.now(timezone.utc).hour + 12) % 24 - 12
    # Etc/GMT signs are inverted (Etc/GMT-3 is UTC+3).
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


async def run_until_done(sessionmaker: async_sessionmaker[AsyncSession],
                         worker: ChannelWorker | Sequence[ChannelWorker],
                         timeout: float = 60.0, during: Any = None) -> None:
    """Run the worker(s) until no attempt is due or in hand (claimed, started), then stop them.

    ``during`` (an awaitable) runs alongside: the fault a test injects mid-batch.
    """
    stop = asyncio.Event()
    workers = [worker] if not isinstance(worker, Sequence) else list(worker)
    task = asyncio.ensure_future(asyncio.gather(*(w.run(stop) for w in workers)))
    side = asyncio.ensure_future(during) if during is not None else None
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline and not task.done():
            async with sessionmaker() as session:
                open_count = await session.scalar(select(func.count()).select_from(Attempt).where(or_(
                    Attempt.status.in_([AttemptStatus.CLAIMED.value, AttemptStatus.STARTED.value]),
                    and_(Attempt.status == AttemptStatus.QUEUED.value, Attempt.not_before <= utc_now()))))
            if open_count == 0 and (side is None or side.done()):
                break
            await asyncio.sleep(0.1)
        else:
            if not task.done():
                raise AssertionError(f"attempts still open after {timeout} s")
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        if side is not None:
            await side
