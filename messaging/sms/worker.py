"""The SMS worker: claims SMS attempts, sends them over one bind, and reports receipts as outcomes.

An attempt goes: claimed → started (written before the first part leaves) → every part answered
by the SMSC (its message ids stored as ``SmsPart`` rows, the lease dropped) → a receipt per part
→ one outcome through ``record_outcome``: delivered when every part was, else the worst of
undelivered and expired. A part refused for good (not a throttling answer) makes the attempt
undelivered at once, with the SMSC's reason. Receipts may come before their part's answer,
or on a later bind to another worker: they are matched on the stored message ids, and kept
until the ids they name are stored. The SMSC gets its answer to a receipt only once the receipt
and the outcome it completes are stored: a worker killed before that leaves the receipt with the
SMSC, which delivers it again on the next bind (an early receipt stays unanswered while kept).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes import OutcomeKind
from campaigns.queue.claims import DEFAULT_LEASE, PreContactCheck
from campaigns.queue.precontact import pre_contact_check
from messaging.queue_work import (
    Outcome,
    StartedAttempt,
    claim_and_start,
    keep_leases,
    release_sent,
    report,
    report_all,
)
from messaging.settings import SmppSettings
from messaging.sms.sender import MessageAccepted, MessageRefused, SenderEvent, SmsSender
from messaging.sms.smpp_link import LinkState, Receipt, ReceiptState
from messaging.templating.render import sms_text
from messaging.templating.store import TemplateStore
from models.column_types import utc_now
from models.enums import AttemptStatus, Channel
from models.outage import database_away, until_stored
from models.outreach import Attempt, SmsPart

log = logging.getLogger(__name__)

CLAIM_BATCH = 50
IDLE_POLL_SECONDS = 1.0
EVENT_BATCH = 500
# A receipt for an id never stored (another system's message, a lost row) is dropped after this.
EARLY_RECEIPT_SECONDS = 600.0
EARLY_RETRY_SECONDS = 0.5
SWEEP_SECONDS = 60.0
# How long ``run`` waits, once stopped, for the SMSC to answer parts already handed in.
STOP_GRACE_SECONDS = 30.0

_OUTCOMES = {ReceiptState.DELIVERED: OutcomeKind.DELIVERED,
             ReceiptState.EXPIRED: OutcomeKind.EXPIRED,
             ReceiptState.UNDELIVERED: OutcomeKind.UNDELIVERED}
# A message is as delivered as its worst part.
_WORST_FIRST = (ReceiptState.UNDELIVERED, ReceiptState.EXPIRED, ReceiptState.DELIVERED)


def message_outcome(states: list[str]) -> OutcomeKind | None:
    """The attempt's outcome once every part has a final receipt state, else None."""
    if not states or any(state not in _OUTCOMES for state in states):
        return None
    for state in _WORST_FIRST:
        if state in states:
            return _OUTCOMES[state]
    return None


@dataclass
class SmsWorker:
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: SmppSettings
    templates: TemplateStore
    name: str
    check: PreContactCheck = pre_contact_check
    lease: timedelta = DEFAULT_LEASE
    channel: str = Channel.SMS.value
    sender: SmsSender = field(init=False)
    # Receipts whose message id is not stored yet (they overtook the submit answer), with when
    # they came.
    _early: dict[str, tuple[Receipt, float]] = field(init=False, default_factory=dict)
    _bound: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    # Held while a batch of events is stored and answered.
    _applying: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.sender = SmsSender(self.settings)

    async def run(self, stop: asyncio.Event) -> None:
        await self.sender.start()
        events = asyncio.create_task(self._consume())
        try:
            await self._feed(stop)
            await self._finish_sending()
            # The batch in hand is stored and its receipts answered before the unbind; what
            # comes later stays owed and is delivered again on the next bind.
            async with self._applying:
                pass
        finally:
            await self.sender.stop()
            events.cancel()
            await asyncio.gather(events, return_exceptions=True)

    async def _feed(self, stop: asyncio.Event) -> None:
        last_lease = last_sweep = asyncio.get_running_loop().time()
        sweep_every = min(SWEEP_SECONDS, self.settings.receipt_wait_hours * 3600 / 4)
        while not stop.is_set():
            now = asyncio.get_running_loop().time()
            try:
                if now - last_lease > self.lease.total_seconds() / 3:
                    await keep_leases(self.sessionmaker, self.name, self.sender.pending_attempts(),
                                      self.lease)
                    last_lease = now
                if now - last_sweep > sweep_every:
                    await self._expire_unreceipted()
                    last_sweep = now
                if not self._bound.is_set() or self.sender.unanswered >= self.settings.window * 4:
                    # Nothing is claimed while the SMSC is away or enough is on its way already.
                    await _wait(stop, 0.05)
                    continue
                started = await claim_and_start(self.sessionmaker, self.name, self.channel,
                                                self.check, CLAIM_BATCH)
            except Exception as exc:
                if not database_away(exc):
                    raise
                log.warning("database away, no SMS claimed for now: %s", exc)
                await _wait(stop, IDLE_POLL_SECONDS)
                continue
            if not started:
                await _wait(stop, IDLE_POLL_SECONDS)
                continue
            for item in started:
                await self._send(item)

    async def _send(self, item: StartedAttempt) -> None:
        attempt = item.attempt
        try:
            text = sms_text(self.templates.get(attempt.template), item.context)
            self.sender.send(attempt.id, attempt.address, text)
        except Exception as exc:
            # Nothing left for the debtor: the attempt is over, with why, for a person to fix.
            log.exception("SMS for attempt %s not sent", attempt.id)
            await report(self.sessionmaker, attempt.id, OutcomeKind.UNDELIVERED,
                         f"сообщение не сформировано: {exc}")

    async def _finish_sending(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_GRACE_SECONDS
        while self.sender.unanswered and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if self.sender.unanswered:
            log.warning("%s SMS unanswered at stop; their attempts stay started for review",
                        self.sender.unanswered)

    async def _consume(self) -> None:
        while True:
            try:
                # Receipts kept early are matched again after a while even if nothing else
                # comes: the worker that sent their message may store its ids only now.
                # (asyncio.timeout, not wait_for: on 3.11 wait_for can swallow the cancel that
                # stops this task when an event arrives at the same moment.)
                async with asyncio.timeout(EARLY_RETRY_SECONDS if self._early else None):
                    batch = [await self.sender.next_event()]
            except TimeoutError:
                batch = []
            while len(batch) < EVENT_BATCH:
                try:
                    batch.append(self.sender.next_event_nowait())
                except asyncio.QueueEmpty:
                    break
            try:
                async with self._applying:
                    await self._apply(batch)
            except Exception:
                log.exception("SMS events not stored; the worker goes on")

    async def _apply(self, batch: list[SenderEvent]) -> None:
        """Store what the SMSC said; a database outage is waited out, since it will not say it
        again (the message ids of accepted parts above all)."""
        refused = [event for event in batch if isinstance(event, MessageRefused)]
        receipts = [event for event in batch if isinstance(event, Receipt)]
        accepted = [event for event in batch if isinstance(event, MessageAccepted)]
        for event in batch:
            if isinstance(event, LinkState):
                (self._bound.set if event.bound else self._bound.clear)()
        if accepted:
            await until_stored(lambda: self._store_accepted(accepted),
                               f"storing {len(accepted)} accepted SMS")
        await report_all(self.sessionmaker, [Outcome(e.attempt_id, OutcomeKind.UNDELIVERED, e.reason)
                                             for e in refused])
        await self._match_receipts(receipts + [receipt for receipt, _ in self._early.values()])

    async def _store_accepted(self, accepted: list[MessageAccepted]) -> None:
        async with self.sessionmaker() as session, session.begin():
            for event in accepted:
                await self._store_parts(session, event)

    @staticmethod
    async def _store_parts(session: AsyncSession, event: MessageAccepted) -> None:
        now = utc_now()
        session.add_all(SmsPart(attempt_id=event.attempt_id, number=number, message_id=message_id,
                                accepted_at=now)
                        for number, message_id in enumerate(event.message_ids, start=1))
        await release_sent(session, event.attempt_id, event.message_ids[0])

    async def _match_receipts(self, receipts: list[Receipt]) -> None:
        if not receipts:
            return
        settled, finished = await until_stored(lambda: self._store_receipts(receipts),
                                               f"storing {len(receipts)} SMS receipts")
        await report_all(self.sessionmaker, [Outcome(attempt_id, outcome)
                                             for attempt_id, outcome in finished.items()])
        self.sender.acknowledge(settled)

    async def _store_receipts(self, receipts: list[Receipt]) -> tuple[list[Receipt], dict[int, OutcomeKind]]:
        """Each receipt on its part. The receipts settled (stored, or dropped as unknown) and
        the attempts whose every part has its final state now."""
        touched: set[int] = set()
        settled: list[Receipt] = []
        async with self.sessionmaker() as session, session.begin():
            for receipt in receipts:
                attempt_id = (await session.execute(
                    update(SmsPart).where(SmsPart.message_id == receipt.message_id)
                    .values(state=receipt.state.value, receipt_at=utc_now())
                    .returning(SmsPart.attempt_id))).scalar()
                if attempt_id is None:
                    if not self._keep_early(receipt):
                        settled.append(receipt)
                else:
                    self._early.pop(receipt.message_id, None)
                    touched.add(attempt_id)
                    settled.append(receipt)
            finished: dict[int, OutcomeKind] = {}
            for attempt_id in touched:
                states = list((await session.execute(
                    select(SmsPart.state).where(SmsPart.attempt_id == attempt_id))).scalars())
                outcome = message_outcome(states)
                if outcome is not None:
                    finished[attempt_id] = outcome
        return settled, finished

    def _keep_early(self, receipt: Receipt) -> bool:
        """Keep a receipt whose message id is not stored yet; False once it is dropped."""
        now = asyncio.get_running_loop().time()
        _, first_seen = self._early.get(receipt.message_id, (receipt, now))
        if now - first_seen > EARLY_RECEIPT_SECONDS:
            log.warning("receipt for unknown message id %s dropped: %s", receipt.message_id, receipt.text)
            del self._early[receipt.message_id]
            return False
        self._early[receipt.message_id] = (receipt, first_seen)
        return True

    async def _expire_unreceipted(self) -> None:
        """Sent messages whose receipt never came end as expired (any worker may do this: a
        second report of the same attempt is ignored by record_outcome)."""
        hours = self.settings.receipt_wait_hours
        cutoff = utc_now() - timedelta(hours=hours)
        async with self.sessionmaker() as session:
            overdue = list((await session.execute(
                select(Attempt.id).where(
                    Attempt.channel == self.channel, Attempt.status == AttemptStatus.STARTED.value,
                    Attempt.message_id != "", Attempt.lease_owner == "", Attempt.started_at < cutoff)
            )).scalars())
        for attempt_id in overdue:
            await report(self.sessionmaker, attempt_id, OutcomeKind.EXPIRED,
                         f"квитанция о доставке не пришла за {hours:g} ч")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
