"""The database goes away mid-wave and comes back: the workers wait, reconnect and finish the
wave with nothing doubled or lost. On PostgreSQL a private server is stopped as in a crash
(``pg_ctl -m immediate``) and started again; on SQLite, the equivalent is the file locked by
another process for a while."""
from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.drain import open_attempts
from models.db import make_engine, make_sessionmaker
from models.migrate import upgrade_sync
from tests.faults.fleet import (assert_each_contact_once, drain, outcomes, queue_wave, start_peers,
                                start_worker, wait_for)
from tests.faults.private_postgres import postgres_bin, start_private_postgres

COUNT = 100
AWAY_SECONDS = 4.0


@dataclass
class Outage:
    url: str
    sessionmaker: async_sessionmaker[AsyncSession]
    # Takes the database away for AWAY_SECONDS and brings it back.
    interrupt: Callable[[], Awaitable[None]]


@pytest.fixture
async def outage(db_kind: str, database_url: str,
                 sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[Outage]:
    if db_kind == "sqlite":
        yield Outage(database_url, sessionmaker, lambda: asyncio.to_thread(_lock_sqlite, database_url))
        return
    if postgres_bin() is None:
        pytest.skip("Debian's PostgreSQL server programs (initdb, pg_ctl) are not installed")
    server = await asyncio.to_thread(start_private_postgres)
    engine = None
    try:
        await server.create_database("vozvrat")
        url = server.url("vozvrat")
        await asyncio.to_thread(upgrade_sync, url)
        engine = make_engine(url)

        async def restart() -> None:
            await asyncio.to_thread(server.stop, "immediate")
            await asyncio.sleep(AWAY_SECONDS)
            await asyncio.to_thread(server.start)

        yield Outage(url, make_sessionmaker(engine), restart)
    finally:
        if engine is not None:
            await engine.dispose()
        await asyncio.to_thread(server.remove)


def _lock_sqlite(url: str) -> None:
    """Another process holds the write lock: every writer waits (up to its busy timeout)."""
    connection = sqlite3.connect(url.split(":///", 1)[1], timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        time.sleep(AWAY_SECONDS)
        connection.execute("ROLLBACK")
    finally:
        connection.close()


async def test_workers_ride_out_the_database_going_away_mid_wave(
    db_kind: str, outage: Outage, tmp_path: Path,
) -> None:
    await queue_wave(outage.sessionmaker, "sms", COUNT)
    await queue_wave(outage.sessionmaker, "email", COUNT)
    peers = start_peers(tmp_path, "--throttle-rate", "25")
    workers = []
    try:
        workers = [start_worker(tmp_path, peers, outage.url, name) for name in ("one", "two")]
        await wait_for(lambda: sum(peers.received("sms").values()) >= COUNT // 5, 120,
                       "a fifth of the SMS sent")
        assert await open_attempts(outage.sessionmaker) > 0
        await outage.interrupt()
        await drain(outage.sessionmaker, 180, workers)
    finally:
        codes = [worker.stop() for worker in workers]
        peers.stop()
    assert codes == [0, 0], "\n".join(worker.output()[-3000:] for worker in workers)
    for channel in ("sms", "email"):
        ended = {address: state for address, state in (await outcomes(outage.sessionmaker)).items()
                 if (address.startswith("+")) == (channel == "sms")}
        # No worker died and no receipt was lost: every message delivered, none for review.
        assert assert_each_contact_once(channel, COUNT, peers.received(channel), ended) == (set(), set())
    if db_kind == "postgresql":
        assert any("database away" in worker.output() for worker in workers)
