"""The mail server dies (SIGKILL) mid-batch and comes back: the email worker sends what was cut
off again on new connections, and every debtor's email is received exactly once.

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
from tests.messaging.fixtures import attempts, go, queue_attempts

COUNT = 80


async def test_mta_killed_mid_batch_every_email_is_received_once(
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
    assert received == Counter(addresses("email", COUNT))
    rows = await attempts(sessionmaker)
    assert {(row.status, row.outcome) for row in rows.values()} == {("done", "delivered")}
    # The pooled connections died with the server and were opened again after its restart.
    assert worker.pool.connections_opened > settings.pool_size
