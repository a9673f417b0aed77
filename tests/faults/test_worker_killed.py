"""A ``vozvrat worker`` process killed (SIGKILL) mid-wave: the others finish the wave, and at the
SMSC and the mail server no debtor got a message twice and none went missing."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outreach import Attempt
from tests.faults.fleet import (assert_each_contact_once, drain, outcomes, queue_wave, start_peers,
                                start_worker, wait_for)

COUNT = 150


@pytest.mark.parametrize("channel", ["sms", "email"])
async def test_killed_worker_leaves_no_message_doubled_or_lost(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path, channel: str,
) -> None:
    await queue_wave(sessionmaker, channel, COUNT)
    # 40 SMS a second at most: the wave lasts a few seconds, long enough to die in.
    peers = start_peers(tmp_path, "--throttle-rate", "40")
    workers = []
    try:
        victim = start_worker(tmp_path, peers, database_url, "victim")
        survivor = start_worker(tmp_path, peers, database_url, "survivor")
        workers = [victim, survivor]
        await wait_for(lambda: sum(peers.received(channel).values()) >= COUNT // 5, 120,
                       "a fifth of the wave sent")
        victim.kill()
        # As systemd would, a fresh process takes the dead one's place. Receipts the victim had
        # read but not stored were never answered, so the SMSC delivers them again: none is lost.
        # Were one lost, its SMS would end expired after the receipt wait, here 36 s, not 72 h.
        restarted = start_worker(tmp_path, peers, database_url, "restarted",
                                 VOZVRAT_SMPP_RECEIPT_WAIT_HOURS="0.01")
        workers.append(restarted)
        await drain(sessionmaker, 180, [survivor, restarted])
    finally:
        codes = {worker.name: worker.stop() for worker in workers}
        peers.stop()
    assert codes["survivor"] == codes["restarted"] == 0, survivor.output()
    received = peers.received(channel)
    expired, review = assert_each_contact_once(channel, COUNT, received, await outcomes(sessionmaker))
    # Only what the victim had in hand when it died waits for a person; the others did the rest.
    async with sessionmaker() as session:
        holders = set((await session.execute(
            select(Attempt.lease_owner).where(Attempt.status == "needs_review"))).scalars())
    assert holders <= {f"victim/{channel}"}
    # How much the victim held (up to four SMS windows in flight, or its email batch) depends on
    # the moment it died; the rest of the wave went out through the other workers.
    assert len(review) < COUNT
    assert not expired
