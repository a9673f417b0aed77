"""A whole call's audio on the real engines: the debtor's generated speech in, the bot's speech
out, with turn-taking, barge-in, key presses and both sides hanging up."""
from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from tests.voicebot.speech.conftest import YES, YES_NO
from tests.voicebot.speech.line import Debtor, RecordingSink, rms_dbfs
from tests.voicebot.speech.scripted import GOODBYE, KEY_REPLY, ScriptedConversation
from voicebot.speech.audio import FRAME_SECONDS, frame_count, split_frames
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.conversation import BotReply
from voicebot.speech.session import AudioSession
from voicebot.speech.settings import SpeechSettings


def _spoken_seconds(sink: RecordingSink) -> float:
    return sum(1 for _, frame in sink.frames if rms_dbfs(frame) > -50) * 0.02


async def _rendered_frames(engines: SpeechEngines, text: str) -> int:
    return sum([frame_count(await task) for task in engines.phrases.render_reply(text)])


async def test_a_call_hears_the_debtor_and_answers(engines: SpeechEngines,
                                                   korean: EspeakSynthesizer) -> None:
    conversation = ScriptedConversation()
    sink = RecordingSink()
    said = await korean.synthesize(YES)
    debtor = Debtor().wait_for_bot().say(said)
    session = AudioSession(engines, conversation, sink, expected_phrases=lambda: YES_NO)
    outcome = await session.run(debtor.line(sink))

    assert conversation.heard_texts == [YES]
    # Greeting and goodbye were both played whole, then the bot hung up.
    assert conversation.shares == [1.0, 1.0]
    assert conversation.hung_up_by_debtor is False
    assert outcome.listened_share == (1.0, 1.0)
    expected = (await _rendered_frames(engines, conversation.greeting)
                + await _rendered_frames(engines, GOODBYE))
    assert len(sink.frames) == expected
    assert _spoken_seconds(sink) > 3
    (turn,) = session.turns
    assert turn.text == YES
    # The answer started after the debtor's words ended, not before.
    assert turn.response_seconds is not None and turn.response_seconds > 0
    # The clip ends in espeak's trailing silence, during which the bot may rightly answer.
    quiet_tail = 0
    for frame in reversed(list(split_frames(said))):
        if rms_dbfs(frame) > -50:
            break
        quiet_tail += 1
    assert turn.first_audio_at > debtor.said_at[0][1] - quiet_tail * FRAME_SECONDS


async def test_a_call_speaks_with_piper(korean: EspeakSynthesizer) -> None:
    # The PyPI voice is American English: it proves the engine, so the bot speaks English here.
    engines = await SpeechEngines.load(SpeechSettings(tts="piper"))
    conversation = ScriptedConversation("Hello, this is an automated call. Please say yes or no.",
                                        "Thank you, goodbye.")
    sink = RecordingSink()
    debtor = Debtor().wait_for_bot().say(await korean.synthesize(YES))
    await AudioSession(engines, conversation, sink, expected_phrases=lambda: YES_NO).run(
        debtor.line(sink))
    assert conversation.heard_texts == [YES]
    assert conversation.shares == [1.0, 1.0]
    assert engines.phrases.synthesizer.voice.startswith("piper:")
    assert _spoken_seconds(sink) > 3


async def test_free_decoding_in_a_call(engines: SpeechEngines, korean: EspeakSynthesizer) -> None:
    conversation = ScriptedConversation()
    sink = RecordingSink()
    debtor = Debtor().wait_for_bot().say(await korean.synthesize("안녕하세요 감사합니다"))
    await AudioSession(engines, conversation, sink).run(debtor.line(sink))
    # Whatever vosk made of espeak's Korean, one turn reached the dialogue and it answered.
    assert len(conversation.heard_texts) == 1 and conversation.heard_texts[0]
    assert conversation.shares == [1.0, 1.0]


async def test_barge_in_stops_the_bot_and_reports_the_share_heard(
        engines: SpeechEngines, korean: EspeakSynthesizer) -> None:
    conversation = ScriptedConversation()
    sink = RecordingSink()
    debtor = Debtor().wait(1.5).say(await korean.synthesize(YES))
    session = AudioSession(engines, conversation, sink, expected_phrases=lambda: YES_NO)
    await session.run(debtor.line(sink))

    assert conversation.heard_texts == [YES]
    greeting_share, goodbye_share = conversation.shares
    assert 0 < greeting_share < 0.6
    assert goodbye_share == 1.0
    # Between the debtor's first word and the bot's answer the line carried no bot speech
    # beyond the frames that were already on their way when the barge-in was detected.
    started, _ = debtor.said_at[0]
    (turn,) = session.turns
    assert turn.first_audio_at is not None
    interrupted = [at for at, _ in sink.frames if started < at < turn.first_audio_at]
    greeting_frames = await _rendered_frames(engines, conversation.greeting)
    assert len(sink.frames) - len(interrupted) < greeting_frames


async def test_the_debtor_hanging_up_ends_the_call_mid_reply(engines: SpeechEngines) -> None:
    conversation = ScriptedConversation()
    sink = RecordingSink()
    outcome = await AudioSession(engines, conversation, sink).run(
        Debtor().wait(1.0).hang_up().line(sink))
    assert conversation.hung_up_by_debtor is True
    (share,) = conversation.shares
    assert 0 < share < 0.5
    assert outcome.listened_to_end is False


async def test_a_key_press_interrupts_and_is_a_turn(engines: SpeechEngines) -> None:
    conversation = ScriptedConversation()
    sink = RecordingSink()
    await AudioSession(engines, conversation, sink).run(Debtor().wait(1.0).press("1").line(sink))
    assert conversation.keys == ["1"]
    assert conversation.heard_texts == []
    greeting_share, key_reply_share = conversation.shares
    assert greeting_share < 1 and key_reply_share == 1.0
    assert len(sink.frames) < (await _rendered_frames(engines, conversation.greeting)
                               + await _rendered_frames(engines, KEY_REPLY))


async def test_a_failing_conversation_ends_the_session_with_its_error(
        engines: SpeechEngines) -> None:
    class Broken(ScriptedConversation):
        async def open(self, now: datetime) -> BotReply:
            raise RuntimeError("the dialogue is broken")

    sink = RecordingSink()
    with pytest.raises(RuntimeError, match="the dialogue is broken"):
        await AudioSession(engines, Broken(), sink).run(Debtor().wait(0.2).line(sink))
    assert sink.frames == []


async def test_a_bot_set_not_to_listen_answers_keys_and_ignores_speech(
        engines: SpeechEngines, korean: EspeakSynthesizer) -> None:
    deaf = dataclasses.replace(engines, settings=engines.settings.model_copy(update={"listen": False}))
    conversation = ScriptedConversation()
    sink = RecordingSink()
    session = AudioSession(deaf, conversation, sink)
    await session.run(Debtor().wait_for_bot().say(await korean.synthesize(YES)).wait(1.5)
                      .press("1").line(sink))
    # The words neither interrupted the greeting nor made a turn; the key did.
    assert conversation.heard_texts == [] and session.turns == []
    assert conversation.keys == ["1"]
    assert conversation.shares == [1.0, 1.0]
