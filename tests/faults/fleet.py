"""What the fault tests share: a message wave queued for real ``vozvrat worker`` processes, the
peers they send to, and the tally of who received what against how each attempt ended."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import recover_expired_leases
from messaging.drain import open_attempts
from messaging.peers.smsc_sim import PASSWORD, USER, Smsc, start_smsc
from messaging.peers.smtp_sim import SmtpServer, start_smtp
from models.column_types import utc_now
from models.entities import Building
from models.outreach import Attempt
from tests.messaging.fixtures import midday_zone, phone, queue_attempts

ROOT = Path(__file__).resolve().parents[2]
VOZVRAT = [sys.executable, "-m", "backoffice.cli.main"]


def addresses(channel: str, count: int) -> list[str]:
    return [phone(i) if channel == "sms" else f"debtor{i}@example.test" for i in range(count)]


async def queue_wave(sessionmaker: async_sessionmaker[AsyncSession], channel: str, count: int) -> None:
    """``count`` debtors with one due attempt each, in a zone where it is midday (the real
    pre-contact check of ``vozvrat worker`` allows a contact now)."""
    await queue_attempts(sessionmaker, channel, addresses(channel, count))
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Building).values(timezone=midday_zone()))


@dataclass
class Peers:
    smsc: Smsc
    smtp: SmtpServer

    def received(self, channel: str) -> Counter[str]:
        """How many messages each address got, counted at the peer."""
        if channel == "sms":
            return Counter(f"+{dst}" for dst in self.smsc.message_counts().elements())
        return Counter(envelope["rcpt_tos"][0] for envelope, _ in self.smtp.received())

    def stop(self) -> None:
        self.smsc.process.stop()
        self.smtp.process.stop()


def start_peers(folder: Path, *smsc_flags: str) -> Peers:
    return Peers(start_smsc(folder, *smsc_flags), start_smtp(folder))


def worker_environment(folder: Path, peers: Peers) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOZVRAT_")}
    env.update(VOZVRAT_CONFIG=str(folder / "none.toml"), VOZVRAT_TEMPLATES_DIR=str(folder / "templates"),
               VOZVRAT_SMPP_PORT=str(peers.smsc.port), VOZVRAT_SMPP_SYSTEM_ID=USER,
               VOZVRAT_SMPP_PASSWORD=PASSWORD, VOZVRAT_SMPP_RECONNECT_MIN_SECONDS="0.1",
               VOZVRAT_SMPP_RECONNECT_MAX_SECONDS="0.5", VOZVRAT_SMTP_PORT=str(peers.smtp.port))
    return env


@dataclass
class WorkerProcess:
    """One ``vozvrat worker --channels sms,email`` process; its output goes to a file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(90)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_worker(folder: Path, peers: Peers, database_url: str, name: str,
                 **settings: str) -> WorkerProcess:
    """``settings``: more VOZVRAT_* variables for this worker only."""
    log = folder / f"worker-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*VOZVRAT, "worker", "--channels", "sms,email", "--name", name, "--url", database_url],
            env=worker_environment(folder, peers) | settings, cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT)
    return WorkerProcess(name, process, log)


async def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        await asyncio.sleep(0.02)


async def drain(sessionmaker: async_sessionmaker[AsyncSession], timeout: float,
                workers: list[WorkerProcess]) -> None:
    """Wait until nothing is due or in hand while ``workers`` (the live ones, which must stay
    alive) work; what dead workers held is recovered on the way, as the scheduler would."""
    deadline = asyncio.get_running_loop().time() + timeout
    while await open_attempts(sessionmaker):
        if asyncio.get_running_loop().time() > deadline:
            logs = "\n".join(f"--- {w.name}\n{w.output()[-3000:]}" for w in workers)
            async with sessionmaker() as session:
                still = (await session.execute(
                    select(Attempt.address, Attempt.status, Attempt.message_id, Attempt.lease_owner)
                    .where(Attempt.status.in_(["queued", "claimed", "started"])))).all()
            raise TimeoutError(f"attempts still open after {timeout} s: {still}\n{logs}")
        for worker in workers:
            assert worker.process.poll() is None, f"{worker.name} died:\n{worker.output()[-3000:]}"
        await expire_leases_of_the_dead(sessionmaker, {w.name for w in workers})
        await asyncio.sleep(0.2)


async def expire_leases_of_the_dead(sessionmaker: async_sessionmaker[AsyncSession], alive: set[str]) -> None:
    """What the scheduler does once a dead worker's leases run out (minutes), at once: only the
    leases of workers not in ``alive`` are run out, the live ones keep theirs."""
    async with sessionmaker() as session, session.begin():
        owners = set((await session.execute(
            select(Attempt.lease_owner).where(Attempt.lease_owner != ""))).scalars())
        dead = [owner for owner in owners if owner.split("/")[0] not in alive]
        if not dead:
            return
        await session.execute(update(Attempt).where(Attempt.lease_owner.in_(dead))
                              .values(lease_expires_at=utc_now() - timedelta(seconds=1)))
        await recover_expired_leases(session)


async def outcomes(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, tuple[str, str]]:
    """Each attempt's address with its (status, outcome)."""
    async with sessionmaker() as session:
        rows = (await session.execute(select(Attempt.address, Attempt.status, Attempt.outcome))).all()
    return {address: (status, outcome) for address, status, outcome in rows}


def assert_each_contact_once(channel: str, count: int, received: Counter[str],
                             ended: dict[str, tuple[str, str]]) -> tuple[set[str], set[str]]:
    """Nothing doubled, nothing lost: every attempt delivered (received exactly once at the peer),
    or expired (the SMSC took it, once, but its receipt was lost), or sent to review (it may have
    reached the debtor when its worker died: at most once); none left queued or in hand.
    Returns the addresses expired and those sent to review."""
    expected = set(addresses(channel, count))
    assert set(ended) == expected
    assert max(received.values()) == 1, f"doubled: {[a for a, n in received.items() if n > 1]}"
    assert set(received) <= expected
    delivered = {a for a, state in ended.items() if state == ("done", "delivered")}
    expired = {a for a, state in ended.items() if state == ("done", "expired")}
    review = {a for a, (status, _) in ended.items() if status == "needs_review"}
    assert delivered | expired | review == expected, {
        a: s for a, s in ended.items() if a not in delivered | expired | review}
    assert all(received[a] == 1 for a in delivered | expired)
    return expired, review
