"""The workers' progress display: what waits, what is under way, what ended how, per channel."""
from __future__ import annotations

import asyncio
import io
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli.worker_progress import progress_line, show_progress
from campaigns.queue.progress import channel_progress
from models.enums import AttemptStatus
from tests.campaigns.builders import T0, attempt, debtor_case


async def _queue(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        person, case = await debtor_case(session, "100")
        rows = [
            attempt(case, person, "due-1"),
            attempt(case, person, "due-2", channel="sms"),
            attempt(case, person, "later", not_before=T0 + timedelta(hours=2)),
            attempt(case, person, "claimed", status=AttemptStatus.CLAIMED),
            attempt(case, person, "started", status=AttemptStatus.STARTED),
            attempt(case, person, "email", channel="email"),
        ]
        for key, outcome, finished in (("a", "answered", T0), ("b", "answered", T0),
                                       ("c", "busy", T0), ("old", "busy", T0 - timedelta(days=1))):
            row = attempt(case, person, f"done-{key}", status=AttemptStatus.DONE)
            row.outcome, row.finished_at = outcome, finished
            rows.append(row)
        session.add_all(rows)
        await session.commit()


async def test_progress_counts_due_under_way_and_outcomes_since_the_start(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessionmaker)
    async with sessionmaker() as session:
        call, sms = await channel_progress(session, ["call", "sms"], since=T0 - timedelta(hours=1),
                                           now=T0)
    assert (call.channel, call.due, call.under_way) == ("call", 1, 2)
    assert dict(call.finished) == {"answered": 2, "busy": 1}
    assert (sms.channel, sms.due, sms.under_way, dict(sms.finished)) == ("sms", 1, 0, {})
    assert progress_line(call) == ("call: в очереди 1 · в работе 2 · завершено 3"
                                   " (ответил 2, занято 1)")
    assert progress_line(sms) == "sms: в очереди 1 · в работе 0 · завершено 0"


async def test_the_display_prints_each_channel_once_more_when_stopped(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessionmaker)
    out, stop = io.StringIO(), asyncio.Event()
    stop.set()
    await show_progress(sessionmaker, ["call", "email"], stop, out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    # Started now: nothing has finished since, and every queued attempt of T0 is due.
    assert lines[0].endswith("call: в очереди 2 · в работе 2 · завершено 0")
    assert lines[1].endswith("email: в очереди 1 · в работе 0 · завершено 0")
