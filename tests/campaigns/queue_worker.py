"""A stand-in channel worker for the queue's race and crash tests (run as its own process).

It claims attempts through the real queue (with the real pre-contact check if ``--budget``,
on a fixed clock if ``--now``), marks them started, "contacts" the debtor by
appending the attempt id to a log (fsync'd, as a real contact is irrevocable), then marks
them done. ``--hold`` keeps each contact open, so a SIGKILL can land in the middle of one.
"""
from __future__ import annotations

import argparse
import asyncio
import os
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.queue.claims import ClaimedAttempt, Verdict, claim, mark_started
from campaigns.queue.precontact import pre_contact_check
from models.column_types import utc_now
from models.db import make_engine, make_sessionmaker
from models.enums import AttemptStatus
from models.outreach import Attempt


async def _go(_session: AsyncSession, _attempt: ClaimedAttempt, _now: datetime) -> Verdict:
    return Verdict(go=True)


async def run(url: str, worker: str, log_path: str, hold: float, budget: bool,
              now: datetime | None) -> None:
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    check = pre_contact_check if budget else _go
    with open(log_path, "a", encoding="utf-8") as log:
        while taken := await claim(sessionmaker, worker, ["call"], check, now=now):
            attempt = taken[0]
            async with sessionmaker() as session, session.begin():
                if not await mark_started(session, attempt.id, worker, now=now):
                    continue
            log.write(f"{attempt.id}\n")
            log.flush()
            os.fsync(log.fileno())
            await asyncio.sleep(hold)
            async with sessionmaker() as session, session.begin():
                await session.execute(update(Attempt).where(Attempt.id == attempt.id).values(
                    status=AttemptStatus.DONE.value, finished_at=utc_now(), outcome="answered"))
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("worker")
    parser.add_argument("log")
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--budget", action="store_true")
    parser.add_argument("--now", type=datetime.fromisoformat)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.worker, args.log, args.hold, args.budget, args.now))
