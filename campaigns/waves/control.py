"""Pausing, resuming and cancelling a wave, and its live counts."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.queue.cancelling import cancel_unstarted
from models.column_types import utc_now
from models.enums import AttemptStatus, WaveStatus
from models.outreach import Attempt, Wave, WaveMember

_NEXT = {
    "pause": ({WaveStatus.RUNNING, WaveStatus.SCHEDULED}, WaveStatus.PAUSED),
    "resume": ({WaveStatus.PAUSED}, WaveStatus.RUNNING),
    "cancel": ({WaveStatus.RUNNING, WaveStatus.SCHEDULED, WaveStatus.PAUSED}, WaveStatus.CANCELLED),
}


class WaveStateError(ValueError):
    """The wave cannot do that from its current state (e.g. resume a cancelled wave)."""


async def change_state(session: AsyncSession, wave: Wave, action: str) -> None:
    """Pause and resume only gate the queue (claims skip a paused wave's attempts); cancel also
    cancels every attempt of the wave that has not started."""
    allowed, target = _NEXT[action]
    if WaveStatus(wave.status) not in allowed:
        raise WaveStateError(f"волна «{wave.name}» в состоянии {wave.status}: {action} невозможен")
    wave.status = target.value
    if target == WaveStatus.CANCELLED:
        await cancel_unstarted(session, Attempt.wave_id == wave.id, note="волна отменена")


async def finish_waves(session: AsyncSession, now: datetime | None = None) -> int:
    """Close waves whose window has ended; what they did not reach in time is cancelled."""
    moment = now or utc_now()
    ended = list((await session.execute(
        select(Wave).where(Wave.status == WaveStatus.RUNNING.value, Wave.window_end <= moment)
    )).scalars())
    for wave in ended:
        wave.status = WaveStatus.DONE.value
        # Claimed ones are already being started under their lease; only the queue is cut.
        await cancel_unstarted(session, Attempt.wave_id == wave.id, note="окно волны закрылось",
                               statuses=(AttemptStatus.QUEUED.value,), now=moment)
    return len(ended)


@dataclass
class WaveCounts:
    members: int = 0
    holdout: int = 0
    attempts: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


async def wave_counts(session: AsyncSession, wave_id: int) -> WaveCounts:
    counts = WaveCounts()
    for holdout, number in (await session.execute(
            select(WaveMember.holdout, func.count()).where(WaveMember.wave_id == wave_id)
            .group_by(WaveMember.holdout))).all():
        counts.members += number
        if holdout:
            counts.holdout = number
    for status, outcome, number in (await session.execute(
            select(Attempt.status, Attempt.outcome, func.count()).where(Attempt.wave_id == wave_id)
            .group_by(Attempt.status, Attempt.outcome))).all():
        counts.attempts[status] += number
        if outcome:
            counts.outcomes[outcome] += number
    return counts
