"""A worker killed (SIGKILL) while delivery receipts arrive loses none of them: it answers the
SMSC's deliver_sm only once the receipt is stored, so what it had not stored stays owed at the
SMSC, which delivers it again to the next worker that binds. Every message ends delivered, none
expired for a receipt the dead worker had taken and not kept."""
from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outreach import Attempt, SmsPart
from tests.faults.fleet import (addresses, drain, outcomes, queue_wave, start_peers, start_worker,
                                wait_for)

COUNT = 40


async def _waiting_for_receipts(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Attempts the SMSC took (message id stored, lease dropped) that wait for their receipt."""
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.status == "started", Attempt.message_id != "", Attempt.lease_owner == ""))


async def test_receipts_a_killed_worker_did_not_store_come_again_on_the_next_bind(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
) -> None:
    await queue_wave(sessionmaker, "sms", COUNT)
    # Receipts an hour late: owed until the test has them sent in one burst.
    peers = start_peers(tmp_path, "--dlr-delay", "3600")
    workers = []
    try:
        victim = start_worker(tmp_path, peers, database_url, "victim")
        workers.append(victim)
        deadline = asyncio.get_running_loop().time() + 120
        while await _waiting_for_receipts(sessionmaker) < COUNT:
            assert asyncio.get_running_loop().time() < deadline, victim.output()[-3000:]
            await asyncio.sleep(0.1)
        async with sessionmaker() as session, session.begin():
            # While this transaction holds every part, the victim cannot store a receipt.
            await session.execute(update(SmsPart).values(state=SmsPart.state))
            # One receipt a part: the SMSC owes them from the moment it took each part.
            parts = len(peers.smsc.records("receipt_owed"))
            peers.smsc.release_receipts()
            await wait_for(lambda: len(peers.smsc.records("receipt_sent")) >= parts, 60,
                           "every receipt sent to the victim")
            # A moment for the victim's link to read them all (a link that answered receipts as
            # it read them would have answered them by now).
            await asyncio.sleep(1.0)
            victim.kill()
            await session.rollback()
        # A short receipt wait: were a receipt lost, its message would end expired, not delivered.
        restarted = start_worker(tmp_path, peers, database_url, "restarted",
                                 VOZVRAT_SMPP_RECEIPT_WAIT_HOURS="0.01")
        workers.append(restarted)
        await drain(sessionmaker, 120, [restarted])
    finally:
        codes = {worker.name: worker.stop() for worker in workers}
        peers.stop()
    assert codes["restarted"] == 0, restarted.output()[-3000:]
    assert peers.received("sms") == {address: 1 for address in addresses("sms", COUNT)}
    assert set((await outcomes(sessionmaker)).values()) == {("done", "delivered")}
    # The victim answered none: the SMSC sent every receipt again after the new bind.
    assert len(peers.smsc.records("receipt_sent")) >= 2 * parts >= 2 * COUNT
    assert len(peers.smsc.records("receipt_taken")) == parts
