"""Voice activity and end of turn on generated speech: Silero finds the speech between silences;
Smart Turn tells a finished sentence from one cut off mid-way."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import numpy as np

from voicebot.speech.audio import FRAME_SECONDS, pcm_to_float, split_frames
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.listener import (
    TURN_QUESTIONS,
    TURN_WORKERS,
    Heard,
    SpeechAudio,
    SpeechStarted,
    StampedFrame,
    TurnEnded,
    TurnListener,
)
from voicebot.speech.settings import SpeechSettings
from voicebot.speech.turn import turn_complete_probability
from voicebot.speech.vad import WINDOW_SECONDS, VoiceActivity, load_vad_model


async def test_vad_finds_speech_between_silences() -> None:
    speech = await EspeakSynthesizer("ru").synthesize("Да, я оплачу долг до пятницы.")
    second = 16000
    probabilities = VoiceActivity(load_vad_model(Path(SpeechSettings().vad_model))).push(
        b"\0" * second + speech + b"\0" * second)
    voiced = [p >= 0.5 for p in probabilities]
    lead = int(1.0 / WINDOW_SECONDS)
    speech_windows = len(speech) // 2 // 256
    assert not any(voiced[:lead - 1])
    assert not any(voiced[lead + speech_windows + 8:])
    # Most of the sentence is speech (espeak's short gaps between words are not).
    assert sum(voiced[lead:lead + speech_windows]) > 0.6 * speech_windows


async def test_vad_ignores_line_noise() -> None:
    rng = np.random.default_rng(5)
    noise = (rng.normal(0, 300, 8000 * 3)).astype("<i2").tobytes()
    probabilities = VoiceActivity(load_vad_model(Path(SpeechSettings().vad_model))).push(noise)
    assert max(probabilities) < 0.5


async def test_smart_turn_tells_finished_from_cut_off(engines: SpeechEngines) -> None:
    assert engines.turn_model is not None
    voice = EspeakSynthesizer("ru")
    finished = await voice.synthesize("Да, я оплачу долг до пятницы.")
    cut_off = await voice.synthesize("Я оплачу, но")
    assert turn_complete_probability(engines.turn_model, pcm_to_float(finished)) > 0.5
    assert turn_complete_probability(engines.turn_model, pcm_to_float(cut_off)) < 0.5


async def _heard(settings: SpeechSettings, engines: SpeechEngines, pcm: bytes) -> list[Heard]:
    listener = TurnListener(settings, engines.vad_model,
                            engines.turn_model if settings.end_of_turn == "smart_turn" else None)
    frames = [StampedFrame(frame, index * FRAME_SECONDS)
              for index, frame in enumerate(split_frames(pcm))]
    return listener.listen(frames)


async def test_a_turn_starts_with_speech_and_ends_after_the_pause(engines: SpeechEngines) -> None:
    speech = await EspeakSynthesizer("ru").synthesize("Да, я оплачу долг до пятницы.")
    silence = b"\0" * 16000 * 2
    for settings in (SpeechSettings(), SpeechSettings(end_of_turn="silence")):
        heard = await _heard(settings, engines, silence + speech + silence)
        starts = [h for h in heard if isinstance(h, SpeechStarted)]
        ends = [h for h in heard if isinstance(h, TurnEnded)]
        assert len(starts) == len(ends) == 1
        # Speech starts once it has lasted speech_start_ms, a little after 2 s of silence.
        assert 2.0 < starts[0].at < 2.5
        spoken_until = 2.0 + len(speech) / 16000
        assert spoken_until - 0.5 < ends[0].speech_ended_at < spoken_until + 0.1
        # Only the turn (with its pre-roll) reached the recogniser, not the silences.
        audio = sum(1 for h in heard if isinstance(h, SpeechAudio)) * FRAME_SECONDS
        assert len(speech) / 16000 - 0.5 < audio < len(speech) / 16000 + 1.5


async def test_smart_turn_asked_early_decides_at_the_same_frame(engines: SpeechEngines) -> None:
    voice = EspeakSynthesizer("ru")
    silence = b"\0" * 16000 * 2

    async def pause_heard_ms(settings: SpeechSettings, text: str) -> float:
        """From the last voiced frame to the frame that ended the turn, fed one by one."""
        listener = TurnListener(settings, engines.vad_model, engines.turn_model,
                                wait_for_verdicts=True)
        pcm = silence + await voice.synthesize(text) + silence
        for index, frame in enumerate(split_frames(pcm)):
            at = index * FRAME_SECONDS
            ends = [h for h in listener.listen([StampedFrame(frame, at)])
                    if isinstance(h, TurnEnded)]
            if ends:
                return round((at - ends[0].speech_ended_at) * 1000)
        raise AssertionError("the turn never ended")

    asked_at_pause = SpeechSettings(turn_ask_ms=200)
    asked_early = SpeechSettings(turn_ask_ms=100)
    finished, cut_off = "Да, я оплачу долг до пятницы.", "Я оплачу, но"
    for text in (finished, cut_off):
        assert (await pause_heard_ms(asked_early, text)
                == await pause_heard_ms(asked_at_pause, text))
    # A finished sentence ends after the short pause, a cut-off one only after the longest.
    assert await pause_heard_ms(asked_early, finished) < asked_early.turn_max_pause_ms - 300
    assert await pause_heard_ms(asked_early, cut_off) > asked_early.turn_max_pause_ms - 100


async def test_a_busy_smart_turn_never_holds_the_listener(engines: SpeechEngines) -> None:
    """Every call's voice activity goes through the same few workers: one waiting for Smart Turn
    would stall them all. The verdict is taken at the first frame after it comes."""
    speech = await EspeakSynthesizer("ru").synthesize("Да, я оплачу долг до пятницы.")
    settings = SpeechSettings()
    listener = TurnListener(settings, engines.vad_model, engines.turn_model)
    frames = [StampedFrame(frame, index * FRAME_SECONDS)
              for index, frame in enumerate(split_frames(b"\0" * 16000 + speech))]
    release = threading.Event()
    busy = [TURN_QUESTIONS.submit(release.wait) for _ in range(TURN_WORKERS)]
    try:
        # A pause past turn_pause_ms (with the clip's own trailing silence), short of
        # turn_max_pause_ms: the verdict is needed now.
        pause = (settings.turn_pause_ms + 100) // 20
        frames += [StampedFrame(b"\0" * 320, (len(frames) + n) * FRAME_SECONDS)
                   for n in range(pause)]
        heard = await asyncio.wait_for(asyncio.to_thread(listener.listen, frames), 10)
        assert not any(isinstance(h, TurnEnded) for h in heard)
    finally:
        release.set()
    await asyncio.wait_for(asyncio.to_thread(lambda: [job.result() for job in busy]), 10)
    at = len(frames) * FRAME_SECONDS
    for n in range(200):
        # Smart Turn answers within a few frames of a line's pace, well before the longest pause.
        await asyncio.sleep(FRAME_SECONDS)
        heard = listener.listen([StampedFrame(b"\0" * 320, at + n * FRAME_SECONDS)])
        if any(isinstance(h, TurnEnded) for h in heard):
            break
    else:
        raise AssertionError("the turn never ended once Smart Turn answered")
