"""The progress display of ``vozvrat worker``: one line per channel at a steady interval."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.report import KIND_TITLES, OutcomeKind
from campaigns.queue.progress import ChannelProgress, channel_progress
from models.outage import database_away


def progress_line(progress: ChannelProgress) -> str:
    outcomes = ", ".join(f"{_title(outcome)} {count}"
                         for outcome, count in progress.finished.most_common())
    done = sum(progress.finished.values())
    line = (f"{progress.channel}: в очереди {progress.due} · в работе {progress.under_way}"
            f" · завершено {done}")
    return f"{line} ({outcomes})" if outcomes else line


def _title(outcome: str) -> str:
    try:
        return KIND_TITLES[OutcomeKind(outcome)]
    except ValueError:
        return outcome or "без исхода"


async def show_progress(sessionmaker: async_sessionmaker[AsyncSession], channels: Sequence[str],
                        stop: asyncio.Event, out: TextIO, every_s: float = 10.0) -> None:
    """Print the channels' progress every ``every_s`` until ``stop``, and once more at the end."""
    since = datetime.now(timezone.utc)
    while True:
        try:
            await asyncio.wait_for(stop.wait(), every_s)
        except TimeoutError:
            pass
        try:
            async with sessionmaker() as session:
                lines = await channel_progress(session, channels, since, datetime.now(timezone.utc))
        except Exception as exc:
            if not database_away(exc):
                raise
            print(f"[{datetime.now():%H:%M:%S}] база данных недоступна: {exc}", file=out, flush=True)
            lines = []
        stamp = datetime.now().strftime("%H:%M:%S")
        for line in lines:
            print(f"[{stamp}] {progress_line(line)}", file=out, flush=True)
        if stop.is_set():
            return
