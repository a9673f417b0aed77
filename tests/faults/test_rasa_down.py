"""The Rasa service dies mid-call: the bot goes on without it (words it cannot classify any more,
so it offers its key menus, and a debtor who keeps talking gets a manager's call back and the
payment-details SMS), the call ends with an outcome that moves the case, and the service a worker
started is started again for the next call.

On text, then over a real call: the call worker places it through Kamailio to a baresip debtor,
who confirms by key, speaks once the service is killed (Korean words, which the Korean stand-in
recogniser turns into some text for the dead NLU) and then presses the menu's key for a manager."""
from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.history import EventKind
from campaigns.outcomes.report import Intent, OutcomeKind
from campaigns.outcomes.rules import PAYMENT_DETAILS_STEP
from dialer.channel import CallChannel
from dialer.peers.behaviours import (
    CALL_TIMEOUT_S,
    LINE_TAIL_S,
    REPLY_TIMEOUT_S,
    BotVoice,
    established,
    say,
)
from dialer.peers.debtors import wait_for_status
from dialer.peers.processes import Baresip, Kamailio
from models.case import Case, CaseEvent
from models.enums import AttemptStatus
from models.outreach import Attempt
from tests.campaigns.builders import T0, attempt, debtor_case
from tests.dialer.conftest import _stop_peers, engines, kamailio, line_settings  # noqa: F401
from tests.dialer.speech import debtor_clip
from tests.dialer.test_call_channel import SILENT_DEBTOR_AMD, _go
from tests.voicebot.conftest import settings_on_free_port
from voicebot.dialogue import CollectionDialogue, context_for_attempt, report_call
from voicebot.dialogue.machine import NLU_DOWN_CALLBACK, NLU_DOWN_NOTE
from voicebot.dialogue.phrases import load_phrases
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_model import RasaUnavailable
from voicebot.nlu.rasa_service import loaded_model, rasa_service
from voicebot.nlu.settings import RasaSettings
from voicebot.speech.engines import SpeechEngines

CALL_NOW = T0
# What the debtor says once the service is dead: Korean, so the Korean stand-in recogniser hears
# words (Russian would come out as nothing at all and never reach the NLU).
KOREAN_WORDS = "네 알겠습니다"
KEYS_ONLY = "Извините, сейчас я не могу разобрать вашу речь. Пожалуйста, отвечайте кнопками телефона."


async def callbacks(sessionmaker: async_sessionmaker[AsyncSession], case_id: int) -> list[str]:
    """The reasons of the manager's call-back tasks the case's outcomes set."""
    async with sessionmaker() as session:
        events = (await session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.OUTCOME.value)
            .order_by(CaseEvent.id))).scalars().all()
    return [event.data["reason"] for event in events if event.data.get("action") == "callback"]


def _service_pids(port: int) -> list[int]:
    """The ``rasa run`` processes serving ``port`` (the service fixture keeps no handle on them)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run" in argv and b"--enable-api" in argv and str(port).encode() in argv:
            pids.append(int(proc.name))
    return pids


@pytest.fixture
async def own_rasa() -> AsyncIterator[RasaSettings]:
    """A Rasa service of this test's own, since the test kills it (the session's stays up)."""
    settings = settings_on_free_port()
    try:
        async with rasa_service(settings):
            yield settings
    except RasaUnavailable as exc:
        pytest.fail(str(exc))


async def test_rasa_killed_mid_call_the_bot_falls_back_and_the_call_ends_with_an_outcome(
    own_rasa: RasaSettings, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    port = int(own_rasa.url.rsplit(":", 1)[1])
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "9301", phone="+79100009301")
        row = attempt(case, person, "call-rasa-down", status=AttemptStatus.STARTED)
        session.add(row)
        await session.flush()
        context = await context_for_attempt(session, row.id)
    phrases = load_phrases()
    async with RasaClient.from_settings(own_rasa) as client:
        bot = CollectionDialogue(context, client, phrases)
        await bot.open(CALL_NOW)
        await bot.hear("да это я", CALL_NOW)
        await bot.hear("а сколько я должен", CALL_NOW)
        pids = _service_pids(port)
        assert pids, "the Rasa service's process was not found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        assert await loaded_model(own_rasa.url) is None
        replies = [await bot.hear("заплачу в пятницу", CALL_NOW)]
        while not replies[-1].hang_up:
            replies.append(await bot.hear("ну я же сказал, в пятницу", CALL_NOW))
    report = bot.outcome(hung_up_by_debtor=False)
    # Rasa understood the first two answers; after its death every answer is a fallback.
    assert report.intents[:2] == (Intent.AFFIRM, Intent.ASK_AMOUNT)
    assert set(report.intents[2:]) == {Intent.NLU_FALLBACK}
    # The key menu twice, then the scripted close: a manager calls back, the details go by SMS.
    assert [reply.hang_up for reply in replies] == [False, False, True]
    assert all(reply.text.startswith(KEYS_ONLY) and "нажмите ноль" in reply.text
               for reply in replies[:2])
    assert "перезвонит вам в рабочее время. Реквизиты для оплаты придут вам в SMS" in replies[-1].text
    assert report.kind == OutcomeKind.ANSWERED and report.identity_confirmed
    assert report.send_payment_details and report.manager_callback == NLU_DOWN_CALLBACK
    assert NLU_DOWN_NOTE in report.note
    async with sessionmaker() as session, session.begin():
        result = await report_call(session, row.id, bot, hung_up_by_debtor=False, now=CALL_NOW)
    assert result.applied
    async with sessionmaker() as session:
        attempts = (await session.execute(select(Attempt).order_by(Attempt.id))).scalars().all()
    assert (attempts[0].status, attempts[0].outcome) == ("done", "answered")
    # The SMS the bot promised is queued for the debtor, the call back is a manager's task.
    assert [(a.channel, a.step_code) for a in attempts[1:]] == [("sms", PAYMENT_DETAILS_STEP)]
    assert await callbacks(sessionmaker, row.case_id) == [NLU_DOWN_CALLBACK]


async def _until_loaded(url: str) -> str:
    while not (model := await loaded_model(url)):
        await asyncio.sleep(0.5)
    return model


async def test_rasa_killed_during_a_real_call_keys_still_work_and_the_service_comes_back(
        tmp_path: Path, kamailio: Kamailio,  # noqa: F811
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines) -> None:  # noqa: F811
    # The worker starts a Rasa of its own there (nothing answers yet), so it is its to restart;
    # not before the debtor's few words have long reached the dead one.
    rasa = settings_on_free_port().model_copy(update={"restart_delay": 30.0})
    port = int(rasa.url.rsplit(":", 1)[1])
    silence, words = await asyncio.gather(
        asyncio.to_thread(debtor_clip, tmp_path / "silence.wav", 1.0, None, LINE_TAIL_S),
        asyncio.to_thread(debtor_clip, tmp_path / "words.wav", 0.2, KOREAN_WORDS, LINE_TAIL_S))
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, silence).start)
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "9302", phone="+79100009302")
        row = attempt(case, person, "call-rasa-down-live", not_before=datetime.now(UTC))
        row.address = debtor.user
        session.add(row)
        await session.flush()
        attempt_id, case_id = row.id, case.id
    # The bot listens, so the debtor's words go to the NLU.
    assert engines.settings.listen
    channel = CallChannel(sessionmaker, "call-rasa-down", sip=line_settings(tmp_path, kamailio.port),
                          rasa=rasa, engines=engines, check=_go, amd=SILENT_DEBTOR_AMD)
    stop = asyncio.Event()
    running = asyncio.create_task(channel.run(stop))
    bot = BotVoice(debtor)
    try:
        await asyncio.wait_for(established(debtor), CALL_TIMEOUT_S)
        await asyncio.wait_for(bot.finished(), REPLY_TIMEOUT_S)
        debtor.command("1")
        await asyncio.wait_for(bot.finished(), REPLY_TIMEOUT_S)
        # Identity confirmed, debt disclosed: the service dies before the debtor says a word.
        killed = _service_pids(port)
        assert killed, "the worker's Rasa service was not found"
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        await say(debtor, words)
        await asyncio.wait_for(bot.finished(), REPLY_TIMEOUT_S)
        debtor.command("0")
        done = await asyncio.wait_for(
            wait_for_status(sessionmaker, attempt_id, {AttemptStatus.DONE.value}), REPLY_TIMEOUT_S)
        # The worker started its service again: the next call's words are understood.
        await asyncio.wait_for(_until_loaded(rasa.url), rasa.restart_delay + rasa.start_timeout)
        async with RasaClient.from_settings(rasa) as client:
            understood = await client.parse("да, это я", datetime.now(UTC))
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)
    assert not set(_service_pids(port)) & set(killed)
    assert understood.intent is Intent.AFFIRM and not understood.unavailable

    assert done.outcome == "answered"
    data = done.outcome_data
    assert data["identity_confirmed"] is True
    # The debtor's words reached the dead NLU and came back unclassified (maybe in more than one
    # turn, as the recogniser split them); the key drove the dialogue on.
    intents = data["intents"]
    assert intents[0] == "affirm" and intents[-1] == "request_operator", intents
    assert set(intents[1:-1]) == {"nlu_fallback"}, intents
    assert NLU_DOWN_NOTE in done.note
    bot_said = [turn["text"] for turn in data["transcript"] if turn["speaker"] == "bot"]
    assert bot_said[-2].startswith(KEYS_ONLY) and "нажмите ноль" in bot_said[-2], bot_said
    assert "менеджер ООО" in bot_said[-1] and "перезвонит вам в рабочее время" in bot_said[-1]
    # The outcome moved the case: contacted, and a manager's task to call the debtor back.
    async with sessionmaker() as session:
        moved = await session.get_one(Case, case_id)
    assert moved.last_contact_at is not None
    assert await callbacks(sessionmaker, case_id) == ["просит связаться с оператором"]
