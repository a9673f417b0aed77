"""vosk through the streaming path: 20 ms frames in, partial words while speech goes on, the turn's
text at the end, on generated speech. Free decoding of espeak Korean is inaccurate (PEERS.md), so
accuracy is checked with a grammar, where the recogniser must pick the word that was said."""
from __future__ import annotations

import asyncio

import pytest

from tests.voicebot.speech.conftest import NO, YES, YES_NO
from voicebot.speech.asr import StreamingRecognizer
from voicebot.speech.audio import split_frames
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer


async def _stream(recognizer: StreamingRecognizer, pcm: bytes) -> str:
    for frame in split_frames(pcm + b"\0" * 4000):
        recognizer.feed(frame)
        await asyncio.sleep(0)
    return await recognizer.end_turn()


async def test_free_decoding_streams_partials_and_a_final_text(
        engines: SpeechEngines, korean: EspeakSynthesizer) -> None:
    partials: list[str] = []
    recognizer = StreamingRecognizer(engines.asr_model, on_partial=partials.append)
    text = await _stream(recognizer, await korean.synthesize("안녕하세요 감사합니다 네 알겠습니다"))
    assert partials, "no partial result while the speech was streaming"
    assert text
    # Partial results grow word by word into the final text's first words.
    assert text.split()[0] == partials[-1].split()[0]
    assert recognizer.partial == ""


@pytest.mark.parametrize("word", [YES, NO])
async def test_grammar_recognises_the_word_said(engines: SpeechEngines, korean: EspeakSynthesizer,
                                                word: str) -> None:
    recognizer = StreamingRecognizer(engines.asr_model, grammar=YES_NO)
    assert await _stream(recognizer, await korean.synthesize(word)) == word


async def test_turns_queue_behind_each_other_and_grammar_changes_between_them(
        engines: SpeechEngines, korean: EspeakSynthesizer) -> None:
    recognizer = StreamingRecognizer(engines.asr_model, grammar=YES_NO)
    yes, no = await korean.synthesize(YES), await korean.synthesize(NO)
    turns = []
    # Three turns fed without waiting for any text; the grammar change asked during the second
    # turn applies from the third on.
    for pcm in (yes, no, no):
        for frame in split_frames(pcm + b"\0" * 4000):
            recognizer.feed(frame)
        turns.append(recognizer.end_turn())
        if len(turns) == 1:
            recognizer.feed(b"\0" * 320)
            recognizer.set_grammar([YES])
    first, second, third = [await turn for turn in turns]
    assert (first, second) == (YES, NO)
    # The third "no" could only be decoded with the one word the grammar now allows.
    assert third and set(third.split()) == {YES}
