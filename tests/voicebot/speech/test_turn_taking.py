"""Voice activity and end of turn on generated speech: Silero finds the speech between silences;
Smart Turn tells a finished sentence from one cut off mid-way."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from voicebot.speech.audio import pcm_to_float
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.turn import turn_complete_probability
from voicebot.speech.vad import WINDOW_SECONDS, VoiceActivity, load_vad_model
from voicebot.speech.settings import SpeechSettings


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
