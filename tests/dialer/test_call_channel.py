"""``vozvrat worker --channels call`` end to end: a case queued for a call, the call channel's
worker places it through Kamailio to a baresip debtor, the collection dialogue (Rasa NLU, the real
speech engines) talks, and its one outcome lands on the attempt and moves the case.

The debtor's clip is silence: with the Korean vosk model Russian words would not be understood,
so the debtor answers by keys, as a real one may (1 confirms identity, any other key is not
understood). Each key is pressed once the debtor's phone has heard the bot finish the reply
before it.
"""
from __future__ import annotations

import asyncio
import signal
import subprocess
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.history import EventKind
from campaigns.outcomes.rules import PAYMENT_DETAILS_STEP
from campaigns.queue.claims import ClaimedAttempt, Verdict
from dialer.channel import CallChannel, fixed_phrases
from dialer.peers.debtors import CONFIRM_KEYS as KEYS
from dialer.peers.debtors import bot_replies, press_keys
from dialer.peers.processes import Baresip, Kamailio
from models.case import Case, CaseEvent
from models.entities import Building
from models.enums import AttemptStatus
from models.outreach import Attempt
from tests.campaigns.builders import attempt, debtor_case
from tests.dialer.audio_compare import fidelity
from tests.dialer.conftest import line_settings
from tests.dialer.speech import debtor_clip
from tests.messaging.fixtures import midday_zone
from tests.messaging.test_cli import ROOT, VOZVRAT, environment
from messaging.peers.smsc_sim import PASSWORD as SMPP_PASSWORD
from messaging.peers.smsc_sim import USER as SMPP_USER
from messaging.peers.smsc_sim import start_smsc
from tests.voicebot.conftest import rasa_test_settings, rasa_url  # noqa: F401
from voicebot.amd.settings import AmdSettings
from voicebot.dialogue.context import context_for_attempt
from voicebot.dialogue.machine import CollectionDialogue
from voicebot.dialogue.phrases import load_phrases
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.settings import RasaSettings
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.phrases import sentences

PHONE = "+79101112233"


async def _go(_session: AsyncSession, _attempt: ClaimedAttempt, _now: datetime) -> Verdict:
    # The real pre-contact check follows the wall clock's contact hours; this test must not.
    return Verdict(go=True)


async def _queued_call(tmp_path: Path, kamailio: Kamailio, sessionmaker: async_sessionmaker[AsyncSession],
                       nlu_url: str) -> tuple[Baresip, int, int, list[str]]:
    """A silent baresip debtor and a call attempt queued to it: (debtor, attempt id, case id,
    the bot's replies in this call)."""
    silence = await asyncio.to_thread(debtor_clip, tmp_path / "silence.wav", 1.0, None, 120.0)
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, silence).start)
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "301", phone=PHONE)
        row = attempt(case, person, "call-channel-1", not_before=datetime.now(UTC))
        row.address = debtor.user
        session.add(row)
        await session.flush()
        attempt_id, case_id = row.id, case.id
    async with sessionmaker() as session:
        context = await context_for_attempt(session, attempt_id)
    async with RasaClient(nlu_url) as client:
        texts = await bot_replies(CollectionDialogue(context, client), KEYS)
    return debtor, attempt_id, case_id, texts


# This debtor answers by keys on a silent line, which the answering-machine classifier would
# rightly end as silence; who answered is tested on real calls in test_answering.py.
SILENT_DEBTOR_AMD = AmdSettings(enabled=False)


async def test_call_channel_talks_to_the_debtor_and_records_the_dialogues_outcome_once(
        tmp_path: Path, kamailio: Kamailio, sessionmaker: async_sessionmaker[AsyncSession],
        engines: SpeechEngines, rasa_test_settings: RasaSettings, rasa_url: str) -> None:  # noqa: F811
    debtor, attempt_id, case_id, texts = await _queued_call(
        tmp_path, kamailio, sessionmaker, rasa_url)
    channel = CallChannel(sessionmaker, "call-channel-test",
                          sip=line_settings(tmp_path, kamailio.port),
                          rasa=rasa_test_settings, engines=engines, check=_go,
                          amd=SILENT_DEBTOR_AMD)
    stop = asyncio.Event()
    running = asyncio.create_task(channel.run(stop))
    try:
        done = await press_keys(sessionmaker, attempt_id, debtor)
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
    # The dialogue's fixed phrases were rendered at the worker's start.
    assert all(sentence in engines.phrases
               for phrase in fixed_phrases(load_phrases()) for sentence in sentences(phrase))

    assert done.outcome == "answered"
    data = done.outcome_data
    assert data["identity_confirmed"] is True
    assert data["intents"] == ["affirm", "nlu_fallback", "nlu_fallback", "nlu_fallback"]
    assert data["listened_share"] == [1.0] * len(texts)
    assert data["listened_to_end"] is True
    assert [turn["text"] for turn in data["transcript"] if turn["speaker"] == "bot"] == texts
    async with sessionmaker() as session:
        outcomes = await session.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.OUTCOME.value,
            CaseEvent.data["attempt_id"].as_integer() == attempt_id,
            CaseEvent.data["kind"].as_string() == "answered"))
        moved = await session.get_one(Case, case_id)
        sms = [tuple(row) for row in await session.execute(
            select(Attempt.channel, Attempt.address, Attempt.template, Attempt.status)
            .where(Attempt.case_id == case_id, Attempt.step_code == PAYMENT_DETAILS_STEP))]
    assert outcomes == 1
    # A confirmed debtor heard the whole closing message: contacted, and no calls for a week.
    assert moved.last_contact_at is not None
    assert moved.no_call_until is not None
    assert moved.no_call_until >= (moved.last_contact_at + timedelta(days=6)).date()
    # The closing phrase said the payment details come by SMS: one is queued to the debtor's phone.
    assert data["send_payment_details"] is True
    assert sms == [("sms", PHONE, "payment_details", "queued")]

    # The bot's greeting reached the debtor's phone, as the debtor's side decoded it.
    with wave.open(str(next(debtor.recordings.glob("*-dec.wav")))) as dump:
        heard_by_debtor = dump.readframes(dump.getnframes())
    # Sentence by sentence: a reply's sentences are played one after another, each frame-aligned.
    for sentence in sentences(texts[0]):
        pcm = await engines.phrases.render(sentence)
        heard = fidelity(pcm, heard_by_debtor)
        assert heard.aligned_s >= len(pcm) / 16000 - 0.1, (sentence, heard)
        assert heard.xcorr >= 0.99 and heard.snr_db >= 35, (sentence, heard)
        print("bot → debtor:", sentence, heard)


async def test_worker_command_calls_and_then_sends_the_sms_the_bot_promised(
        tmp_path: Path, kamailio: Kamailio, sessionmaker: async_sessionmaker[AsyncSession],
        database_url: str, rasa_url: str) -> None:  # noqa: F811
    """``vozvrat worker --channels call,sms`` as the console script, settings from the
    environment, the real pre-contact check: the call, then its payment-details SMS delivered."""
    debtor, attempt_id, case_id, _ = await _queued_call(
        tmp_path, kamailio, sessionmaker, rasa_url)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Building).values(timezone=midday_zone()))
    smsc = start_smsc(tmp_path)
    env = environment(tmp_path, smpp_port=smsc.port, smpp_system_id=SMPP_USER,
                      smpp_password=SMPP_PASSWORD, rasa_url=rasa_url, speech_tts="espeak",
                      amd_enabled="false",
                      **{f"sip_{key}": value for key, value in line_settings(tmp_path, kamailio.port)
                         .model_dump(exclude_defaults=True).items()})
    worker = subprocess.Popen([*VOZVRAT, "worker", "--channels", "call,sms", "--url", database_url],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        done = await press_keys(sessionmaker, attempt_id, debtor)
        sms = await asyncio.wait_for(_details_sent(sessionmaker, case_id), 60)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.to_thread(worker.communicate, timeout=60)
        smsc.process.stop()
    assert worker.returncode == 0, output
    assert (done.outcome, done.outcome_data["send_payment_details"]) == ("answered", True), output
    assert (sms.channel, sms.address, sms.template, sms.outcome) == (
        "sms", PHONE, "payment_details", "delivered")
    (message,) = smsc.messages()
    assert message["dst"] == PHONE.lstrip("+")
    assert message["text"].startswith("Оплата долга") and "по л/с 301" in message["text"], message


async def _details_sent(sessionmaker: async_sessionmaker[AsyncSession], case_id: int) -> Attempt:
    while True:
        async with sessionmaker() as session:
            row = await session.scalar(select(Attempt).where(
                Attempt.case_id == case_id, Attempt.step_code == PAYMENT_DETAILS_STEP))
        if row is not None and row.status == AttemptStatus.DONE.value:
            return row
        await asyncio.sleep(0.5)
