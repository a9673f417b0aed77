"""``vozvrat worker --channels call`` end to end: a case queued for a call, the call channel's
worker places it through Kamailio to a baresip debtor, the collection dialogue (Rasa NLU, the real
speech engines) talks, and its one outcome lands on the attempt and moves the case.

The debtor's clip is silence: with the Korean vosk model Russian words would not be understood,
so the debtor answers by keys, as a real one may (1 confirms identity, any other key is not
understood). Each key is pressed once the bot's reply before it has been heard whole; the
replies' lengths come from rendering the same dialogue's texts with the same engines.
"""
from __future__ import annotations

import asyncio
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.history import EventKind
from campaigns.outcomes.rules import PAYMENT_DETAILS_STEP
from campaigns.queue.claims import ClaimedAttempt, Verdict
from dialer.channel import CallChannel, fixed_phrases
from dialer.peers.processes import Baresip, Kamailio
from models.case import Case, CaseEvent
from models.enums import AttemptStatus
from models.outreach import Attempt
from tests.campaigns.builders import attempt, debtor_case
from tests.dialer.audio_compare import fidelity
from tests.dialer.conftest import line_settings
from tests.dialer.speech import debtor_clip
from tests.voicebot.conftest import rasa_test_settings, rasa_url  # noqa: F401
from voicebot.dialogue.context import context_for_attempt
from voicebot.dialogue.machine import CollectionDialogue
from voicebot.dialogue.phrases import load_phrases
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.settings import RasaSettings
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.phrases import sentences

# After identity, three keys the bot does not understand: two re-prompts, then it closes.
KEYS = ["1", "2", "2", "2"]
# Slack after a reply's last frame before the debtor presses the next key.
MARGIN_S = 2.0


async def _go(_session: AsyncSession, _attempt: ClaimedAttempt, _now: datetime) -> Verdict:
    # The real pre-contact check follows the wall clock's contact hours; this test must not.
    return Verdict(go=True)


async def _replies(dialogue: CollectionDialogue) -> list[str]:
    """What the bot will say in this call: its opening and its answer to each key."""
    now = datetime.now(UTC)
    texts = [(await dialogue.open(now)).text]
    for digit in KEYS:
        texts.append((await dialogue.key(digit, now)).text)
    return texts


async def _pcm(engines: SpeechEngines, text: str) -> bytes:
    return b"".join(await asyncio.gather(*engines.phrases.render_reply(text)))


async def _wait_for(sessionmaker: async_sessionmaker[AsyncSession], attempt_id: int,
                    statuses: set[str]) -> Attempt:
    while True:
        async with sessionmaker() as session:
            row = await session.get_one(Attempt, attempt_id)
        if row.status in statuses:
            return row
        await asyncio.sleep(0.2)


async def test_call_channel_talks_to_the_debtor_and_records_the_dialogues_outcome_once(
        tmp_path: Path, kamailio: Kamailio, sessionmaker: async_sessionmaker[AsyncSession],
        engines: SpeechEngines, rasa_test_settings: RasaSettings, rasa_url: str) -> None:  # noqa: F811
    silence = await asyncio.to_thread(debtor_clip, tmp_path / "silence.wav", 1.0, None, 120.0)
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, silence).start)
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "301", phone="+79101112233")
        row = attempt(case, person, "call-channel-1")
        row.address = debtor.user
        session.add(row)
        await session.flush()
        attempt_id, case_id = row.id, case.id
    async with sessionmaker() as session:
        context = await context_for_attempt(session, attempt_id)
    async with RasaClient(rasa_url) as client:
        texts = await _replies(CollectionDialogue(context, client))
    replies = [await _pcm(engines, text) for text in texts]
    channel = CallChannel(sessionmaker, "call-channel-test",
                          sip=line_settings(tmp_path, kamailio.port),
                          rasa=rasa_test_settings, engines=engines, check=_go)
    stop = asyncio.Event()
    running = asyncio.create_task(channel.run(stop))
    try:
        await asyncio.wait_for(_wait_for(sessionmaker, attempt_id, {AttemptStatus.STARTED.value}), 60)
        # Ringing and answering on loopback take well under the margin.
        for digit, reply in zip(KEYS, replies):
            await asyncio.sleep(len(reply) / 16000 + MARGIN_S)
            debtor.command(digit)
        done = await asyncio.wait_for(
            _wait_for(sessionmaker, attempt_id, {AttemptStatus.DONE.value}),
            len(replies[-1]) / 16000 + 30)
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
    assert sms == [("sms", "+79101112233", "payment_details", "queued")]

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
