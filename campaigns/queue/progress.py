"""How far the queue of some channels has got: what waits, what is under way, what ended how.

Read by the workers' progress display; counts the whole queue of those channels (every worker's
share), since a lease is cleared once its attempt is done and the worker's own share is gone.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AttemptStatus
from models.outreach import Attempt

_UNDER_WAY = (AttemptStatus.CLAIMED.value, AttemptStatus.STARTED.value)


@dataclass
class ChannelProgress:
    channel: str
    # Queued and due now; queued for later are not work a worker can do yet.
    due: int = 0
    under_way: int = 0
    # Outcomes of the attempts finished since ``since``.
    finished: Counter[str] = field(default_factory=Counter)


async def channel_progress(session: AsyncSession, channels: Sequence[str], since: datetime,
                           now: datetime) -> list[ChannelProgress]:
    progress = {channel: ChannelProgress(channel) for channel in channels}
    due = await session.execute(
        select(Attempt.channel, func.count())
        .where(Attempt.status == AttemptStatus.QUEUED.value, Attempt.not_before <= now,
               Attempt.channel.in_(channels))
        .group_by(Attempt.channel))
    for channel, count in due:
        progress[channel].due = count
    under_way = await session.execute(
        select(Attempt.channel, func.count())
        .where(Attempt.status.in_(_UNDER_WAY), Attempt.channel.in_(channels))
        .group_by(Attempt.channel))
    for channel, count in under_way:
        progress[channel].under_way = count
    finished = await session.execute(
        select(Attempt.channel, Attempt.outcome, func.count())
        .where(Attempt.status == AttemptStatus.DONE.value, Attempt.finished_at >= since,
               Attempt.channel.in_(channels))
        .group_by(Attempt.channel, Attempt.outcome))
    for channel, outcome, count in finished:
        progress[channel].finished[outcome] += count
    return list(progress.values())
