"""Running channel workers until the queue has nothing due and nothing in hand: a batch run.

The long-running ``vozvrat worker`` never stops by itself; the demo and the tests need a run that
ends once every contact due now is finished.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.channel_worker import ChannelWorker
from models.column_types import utc_now
from models.enums import AttemptStatus
from models.outreach import Attempt


class StillOpen(TimeoutError):
    """Attempts were still due or in hand when the batch's time ran out."""


async def open_attempts(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Attempts in hand (claimed, started) or queued and due now."""
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Attempt).where(or_(
            Attempt.status.in_([AttemptStatus.CLAIMED.value, AttemptStatus.STARTED.value]),
            and_(Attempt.status == AttemptStatus.QUEUED.value, Attempt.not_before <= utc_now()))))


async def run_until_done(sessionmaker: async_sessionmaker[AsyncSession],
                         worker: Any | Sequence[Any],
                         timeout: float = 60.0, during: Awaitable[Any] | None = None) -> None:
    """Run the worker(s) (anything with ``run(stop)``) until no attempt is due or in hand, then
    stop them; StillOpen after ``timeout`` s. ``during`` runs alongside (a test's fault)."""
    stop = asyncio.Event()
    workers: list[ChannelWorker] = [worker] if not isinstance(worker, Sequence) else list(worker)
    task = asyncio.ensure_future(asyncio.gather(*(w.run(stop) for w in workers)))
    side = asyncio.ensure_future(during) if during is not None else None
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline and not task.done():
            if await open_attempts(sessionmaker) == 0 and (side is None or side.done()):
                break
            await asyncio.sleep(0.1)
        else:
            if not task.done():
                raise StillOpen(f"attempts still open after {timeout} s")
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        if side is not None:
            await side
