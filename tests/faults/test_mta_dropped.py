"""The mail server dies (SIGKILL) mid-batch and comes back: the email worker sends what was cut
off before the message's end again on new connections; a message whose end was written but not
answered may have been queued, so it is not sent again but ends unconfirmed and goes to a manager.
No debtor receives an email twice, and none is lost: each is received once or is in review.

The SMSC's counterpart, killed and restarted mid-batch with parts unanswered, is
tests/messaging/test_sms_worker.py::test_smsc_killed_and_restarted_mid_batch_delivers_every_message_once.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.drain import run_until_done
from messaging.email.worker import EmailWorker
from messaging.peers.smtp_sim import start_smtp
from messaging.settings import SmtpSettings
from messaging.templating.store import TemplateStore
from tests.faults.fleet import addresses
from tests.messaging.fixtures import attempts, go, queue_attempts, review_tasks

COUNT = 80


async def test_mta_killed_mid_batch_no_email_is_received_twice_or_lost(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    smtp = start_smtp(tmp_path)
    await queue_attempts(sessionmaker, "email", addresses("email", COUNT))
    # Tries enough to outlast the outage: a 4xx or a refused connection is tried again.
    settings = SmtpSettings(port=smtp.port, pool_size=4, tries=8, retry_pause_seconds=0.2)
    worker = EmailWorker(sessionmaker, settings, TemplateStore(tmp_path / "templates", 3, 2.5),
                         "email-fault", check=go)

    async def crash() -> None:
        while len(list(smtp.spool.glob("*.json"))) < COUNT // 4:
            await asyncio.sleep(0.01)
        # Frozen first, so messages are surely on the wire unanswered when it dies.
        smtp.process.freeze()
        await asyncio.sleep(0.3)
        smtp.process.kill()
        await asyncio.sleep(1.0)
        smtp.process.restart()

    try:
        await run_until_done(sessionmaker, worker, timeout=120, during=crash())
    finally:
        smtp.process.stop()
    received = Counter(envelope["rcpt_tos"][0] for envelope, _ in smtp.received())
    assert set(received.values()) == {1} and set(received) <= set(addresses("email", COUNT))
    rows = await attempts(sessionmaker)
    unconfirmed = {address for address, row in rows.items() if row.outcome == "unconfirmed"}
    # At most one message was on the wire unanswered per pooled connection when it died.
    assert len(unconfirmed) <= settings.pool_size
    assert set(await review_tasks(sessionmaker)) == {rows[address].id for address in unconfirmed}
    delivered = set(rows) - unconfirmed
    assert {(rows[address].status, rows[address].outcome) for address in delivered} == {("done", "delivered")}
    assert delivered <= set(received)
    # Finished, not left started: the batch did not wait for their leases to run out.
    assert {rows[address].status for address in unconfirmed} <= {"done"}
    # The pooled connections died with the server and were opened again after its restart.
    assert worker.pool.connections_opened > settings.pool_size
