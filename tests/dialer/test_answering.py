"""Who answered, on real calls: the call worker (real queue and database, both engines) dials
baresip "debtors" behind Kamailio that play the clips of tests/amd/clips.py, classifies each answer
and acts on it — a person reaches the dialogue, a voicemail gets the short message, a carrier
announcement and a fax end the call as unreachable, a screening assistant is asked to connect."""
from __future__ import annotations

import asyncio
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.report import OutcomeKind
from dialer.answering import answer
from dialer.bridge import LineSink, talk
from dialer.line import PhoneLine
from dialer.peers.processes import Baresip, Kamailio
from dialer.sip.registration import RegistrationStatus
from models.outreach import Attempt
from tests.amd import clips
from tests.amd.transcript import PacedTranscript
from tests.dialer.test_worker import _queue, work_the_queue
from tests.voicebot.speech.conftest import YES, engines  # noqa: F401  (the fixture)
from tests.voicebot.speech.scripted import ScriptedConversation
from voicebot.amd.classifier import AnswerKind
from voicebot.amd.settings import AmdSettings
from voicebot.amd.stream import AnswerDetector
from voicebot.amd.tones import level_dbfs
from voicebot.speech.audio import FRAME_SAMPLES, FRAME_SECONDS, pcm_to_float
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.session import AudioSession

# What each debtor's phone plays from the answer. baresip hangs up when its clip ends, so every
# clip leaves the line open long enough for what the dialer does next.
PHONES = {
    # "Алло." and a wait; the Korean yes (the CI model's language) answers the bot's greeting.
    "person": lambda: clips.human("Алло.") + clips.silence(3.0) + clips.speech(YES, "ko")
    + clips.silence(30.0),
    "voicemail": lambda: clips.voicemail(clips.GREETINGS[0], 1000.0) + clips.silence(20.0),
    "carrier": lambda: clips.announcement(clips.ANNOUNCEMENTS[0]) + clips.silence(10.0),
    # No SIT and no words to hear (CI's ASR is Korean): told by its loop.
    "loop": lambda: clips.announcement(clips.ANNOUNCEMENTS[1], with_sit=False, lead_s=0.4, loops=2)
    + clips.silence(10.0),
    "fax": lambda: clips.fax_answer() + clips.silence(10.0),
}


async def test_each_answer_is_classified_and_handled(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines) -> None:  # noqa: F811
    phones = {}
    for user, make in PHONES.items():
        clip = await asyncio.to_thread(lambda: clips.write_wav(tmp_path / f"{user}.wav", make()))
        phones[user] = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, clip, user=user).start)
    await _queue(sessionmaker, list(PHONES))
    line = make_line(kamailio.port, concurrency=len(PHONES), calls_per_second=5)
    _, attempts, conversations = await work_the_queue(sessionmaker, line, engines, 90,
                                                      answering=AmdSettings())
    rows = {row.address: row for row in attempts if row.channel == "call"}
    notes = {address: row.note for address, row in rows.items()}
    assert {address: row.outcome for address, row in rows.items()} == {
        "person": "answered", "voicemail": "machine", "carrier": "unreachable", "loop": "unreachable",
        "fax": "unreachable"}, notes
    assert "ответил человек (human" in rows["person"].note
    ((heard,),) = [c.heard_texts for c in conversations]  # only the person reached the dialogue
    assert heard.startswith(YES)
    assert "автоответчик (machine" in rows["voicemail"].note
    assert "оставлено голосовое сообщение (прослушано 100%)" in rows["voicemail"].note
    assert rows["voicemail"].outcome_data["voice_message_left"] is True
    async with sessionmaker() as session:
        (message,) = (await session.execute(
            select(Attempt).where(Attempt.channel == "voice_message"))).scalars()
    assert message.case_id == rows["voicemail"].case_id and message.started_at is not None
    assert '"sit_tones_hz": [913.8, 1370.6' in rows["carrier"].note
    assert "looped announcement" in rows["loop"].note
    assert "факс (fax" in rows["fax"].note
    # The voicemail recorded our message: seconds of speech in what its phone decoded (baresip
    # completes the file when it stops).
    await asyncio.to_thread(phones["voicemail"].stop)
    with wave.open(str(next(phones["voicemail"].recordings.glob("*-dec.wav")))) as dump:
        heard = pcm_to_float(dump.readframes(dump.getnframes()))
    loud = [level_dbfs(heard[i:i + FRAME_SAMPLES]) > -35 for i in range(0, len(heard), FRAME_SAMPLES)]
    assert sum(loud) * FRAME_SECONDS > 2.0


@pytest.mark.parametrize("by_words", [True, False], ids=["by-words", "by-sound"])
async def test_a_screening_assistant_is_asked_to_connect_and_the_dialogue_follows(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        engines: SpeechEngines, by_words: bool) -> None:  # noqa: F811
    """By words, the assistant's come from a paced transcript (CI's vosk model has no Russian); by
    sound, it is told by asking again after a silent turn. The call, the audio, the reply and the
    dialogue after it are real."""
    text = clips.SCREENINGS[0]
    # It asks its question (by sound: asks again after the caller's turn), waits for our reply
    # (~4 s) and the bot's greeting (~6 s), says yes.
    asked = clips.speech(text) + (b"" if by_words else clips.silence(2.0)
                                  + clips.speech(clips.FOLLOW_UPS[0]))
    pcm = clips.silence(0.3) + asked + clips.silence(14.0) + clips.speech(YES, "ko") \
        + clips.silence(30.0)
    clip = await asyncio.to_thread(clips.write_wav, tmp_path / "assistant.wav", pcm)
    phone = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, clip, user="assistant").start)
    line = make_line(kamailio.port)
    await line.start()
    await line.wait_registration(RegistrationStatus.REGISTERED)
    call = await line.dial("assistant")
    assert await call.wait_answered()
    settings = AmdSettings()
    detector = AnswerDetector(settings, engines.vad_model,
                              PacedTranscript(text, onset_s=0.3) if by_words else None)
    answered = await answer(call, settings, engines, "ООО «УК Тест»", detector)
    assert answered.decision.kind == AnswerKind.SCREENING and answered.report is None
    assert "голосовой помощник абонента (screening" in answered.note
    conversation = ScriptedConversation()
    report = await asyncio.wait_for(
        talk(call, AudioSession(engines, conversation, LineSink(call))), 60)
    assert report.kind == OutcomeKind.ANSWERED
    assert conversation.heard_texts and conversation.heard_texts[0].startswith(YES)
    # The assistant's phone heard our request to connect, then the bot: seconds of speech.
    await asyncio.to_thread(phone.stop)
    with wave.open(str(next(phone.recordings.glob("*-dec.wav")))) as dump:
        heard = pcm_to_float(dump.readframes(dump.getnframes()))
    loud = [level_dbfs(heard[i:i + FRAME_SAMPLES]) > -35 for i in range(0, len(heard), FRAME_SAMPLES)]
    assert sum(loud) * FRAME_SECONDS > 5.0
