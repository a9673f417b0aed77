"""One tick of the scheduler: what has to happen to the queue as time passes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.queue.claims import recover_expired_leases
from campaigns.waves.control import finish_waves
from campaigns.waves.planning import materialise
from models.column_types import utc_now
from models.enums import WaveStatus
from models.outreach import Wave


@dataclass(frozen=True)
class TickReport:
    requeued: int
    to_review: int
    waves_started: int
    attempts_queued: int
    waves_finished: int


async def tick(session: AsyncSession, now: datetime | None = None) -> TickReport:
    """Recover dead workers' leases, open waves whose window began, close those that ended."""
    moment = now or utc_now()
    recovery = await recover_expired_leases(session, moment)
    opening = list((await session.execute(
        select(Wave).where(Wave.status == WaveStatus.SCHEDULED.value, Wave.window_start <= moment,
                           Wave.window_end > moment))).scalars())
    queued = 0
    for wave in opening:
        queued += (await materialise(session, wave, now=moment)).attempts
    finished = await finish_waves(session, moment)
    return TickReport(recovery.requeued, recovery.to_review, len(opening), queued, finished)
