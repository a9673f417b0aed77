"""The call worker: claims call attempts, places each call, lets the voice bot talk on the answered
ones and reports every attempt's one outcome to the campaigns.

Pacing: at most ``[sip] concurrency`` live calls and ``calls_per_second`` new calls a second per
worker (one worker per trunk makes them the trunk's limits); a wave's own pace and concurrency cap
and the contact budget are enforced by the queue's claim and pre-contact check. While the line is
not registered nothing is claimed, so a registrar outage loses no attempt. ``stop`` is graceful:
live calls finish, nothing new is claimed.

With ``answering`` (the ``[amd]`` settings) each answered call first goes through the
answering-machine classifier (dialer/answering.py): only a person or a screening assistant reaches
the dialogue; machines, carrier announcements, silence and faxes end the call with their outcome;
an unanswered call whose early media was a carrier announcement is reported unreachable.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.record import record_outcome
from campaigns.outcomes.report import OutcomeKind, OutcomeReport
from campaigns.queue.claims import ClaimedAttempt, PreContactCheck, claim, extend_lease, mark_started
from campaigns.queue.precontact import pre_contact_check
from dialer.answering import answer, unanswered
from dialer.bridge import LineSink, talk
from dialer.line import CallResult, PhoneLine
from dialer.sip.registration import RegistrationStatus
from models.outage import database_away, until_stored
from voicebot.amd.settings import AmdSettings
from voicebot.conversation import Conversation
from voicebot.dialogue.context import context_for_attempt
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.session import AudioSession

log = logging.getLogger(__name__)

# The dialogue for one attempt (it reads the case it talks about).
ConversationFactory = Callable[[ClaimedAttempt], Awaitable[Conversation]]

LEASE = timedelta(minutes=2)
# How often an idle worker looks at the queue again.
IDLE_POLL_S = 1.0


class CallWorker:
    def __init__(self, name: str, sessionmaker: async_sessionmaker[AsyncSession], line: PhoneLine,
                 engines: SpeechEngines, conversations: ConversationFactory,
                 check: PreContactCheck = pre_contact_check,
                 answering: AmdSettings | None = None) -> None:
        self.name = name
        self._sessionmaker = sessionmaker
        self._line = line
        self._engines = engines
        self._conversations = conversations
        self._check = check
        self._answering = answering
        self._live: set[asyncio.Task[None]] = set()
        # Event-loop times at which each call was started (pacing is checked against them).
        self.placed_at: list[float] = []

    @property
    def placed(self) -> int:
        return len(self.placed_at)

    @property
    def live_calls(self) -> int:
        return len(self._live)

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        settings = self._line.settings
        interval = 1.0 / settings.calls_per_second
        next_start = loop.time()
        while not stop.is_set():
            if self._line.registration.status != RegistrationStatus.REGISTERED:
                await self._idle(stop)
                continue
            if len(self._live) >= settings.concurrency:
                await asyncio.wait({*self._live, asyncio.ensure_future(stop.wait())},
                                   return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                taken = await claim(self._sessionmaker, self.name, ["call"], self._check, limit=1,
                                    lease=LEASE)
            except Exception as exc:
                if not database_away(exc):
                    raise
                log.warning("database away, no call claimed for now: %s", exc)
                taken = []
            if not taken:
                await self._idle(stop)
                continue
            await asyncio.sleep(max(0.0, next_start - loop.time()))
            next_start = max(loop.time(), next_start) + interval
            self.placed_at.append(loop.time())
            task = asyncio.create_task(self._attempt(taken[0]))
            self._live.add(task)
            task.add_done_callback(self._live.discard)
        if self._live:
            await asyncio.gather(*self._live, return_exceptions=True)

    async def _idle(self, stop: asyncio.Event) -> None:
        try:
            await asyncio.wait_for(stop.wait(), IDLE_POLL_S)
        except TimeoutError:
            pass

    async def _attempt(self, attempt: ClaimedAttempt) -> None:
        if not await until_stored(lambda: self._start(attempt.id), f"starting call {attempt.id}"):
            return  # the lease was lost: another worker may own it, never call twice
        keeper = asyncio.create_task(self._keep_lease(attempt.id))
        try:
            report = await self._call(attempt)
        finally:
            keeper.cancel()
        await until_stored(lambda: self._record(attempt.id, report), f"reporting call {attempt.id}")

    async def _start(self, attempt_id: int) -> bool:
        async with self._sessionmaker() as session, session.begin():
            return await mark_started(session, attempt_id, self.name)

    async def _record(self, attempt_id: int, report: OutcomeReport) -> None:
        async with self._sessionmaker() as session, session.begin():
            await record_outcome(session, attempt_id, report)

    async def _keep_lease(self, attempt_id: int) -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            try:
                async with self._sessionmaker() as session, session.begin():
                    await extend_lease(session, attempt_id, self.name, LEASE)
            except Exception as exc:
                if not database_away(exc):
                    raise
                log.warning("lease of call %s not extended, database away: %s", attempt_id, exc)

    async def _call(self, attempt: ClaimedAttempt) -> OutcomeReport:
        try:
            call = await self._line.dial(attempt.address, recording_name=f"attempt-{attempt.id}")
        except Exception as exc:
            log.exception("dialling attempt %s failed", attempt.id)
            return OutcomeReport(kind=OutcomeKind.FAILED, note=f"вызов не начат: {exc}")
        if not await call.wait_answered():
            result = await call.wait_ended()
            report = (await unanswered(call, result, self._answering, self._engines)
                      if self._answering is not None else OutcomeReport(kind=result.outcome_kind, note=result.sip_note))
            return _with_recording(report, result)
        answered = None
        try:
            if self._answering is not None:
                answered = await answer(call, self._answering, self._engines,
                                        await self._creditor(attempt))
                if answered.report is not None:
                    return _with_recording(answered.report, await call.wait_ended())
            conversation = await self._conversations(attempt)
            report = await talk(call, AudioSession(self._engines, conversation, LineSink(call)))
        except Exception as exc:
            log.exception("voice bot failed on attempt %s", attempt.id)
            if not call.ended:
                await call.hang_up()
            report = OutcomeReport(kind=OutcomeKind.ANSWERED, note=f"сбой голосового бота: {exc}")
        if answered is not None:
            report = report.model_copy(update={"note": f"{answered.note}\n{report.note}".strip()})
        return _with_recording(report, await call.wait_ended())

    async def _creditor(self, attempt: ClaimedAttempt) -> str:
        """The name the voice message and the screening reply give: the creditor, nothing more."""
        async with self._sessionmaker() as session:
            return (await context_for_attempt(session, attempt.id)).creditor


def _with_recording(report: OutcomeReport, result: CallResult) -> OutcomeReport:
    if result.recording is None:
        return report
    note = f"{report.note}\nзапись разговора: {result.recording}".strip()
    return report.model_copy(update={"note": note})
