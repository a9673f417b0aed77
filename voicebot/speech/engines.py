"""The speech engines a process shares between its calls, loaded once before the first call."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import onnxruntime
import vosk

from voicebot.speech.asr import load_model
from voicebot.speech.decoding import call_grammar
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.phrases import PhraseCache
from voicebot.speech.piper_voice import PiperSynthesizer
from voicebot.speech.settings import (
    SpeechSettings,
    piper_voice_path,
    speech_settings,
    vosk_model_path,
)
from voicebot.speech.synthesizer import Synthesizer
from voicebot.speech.turn import load_turn_model
from voicebot.speech.vad import load_vad_model


def make_synthesizer(settings: SpeechSettings) -> Synthesizer:
    if settings.tts == "piper":
        return PiperSynthesizer(piper_voice_path(settings))
    return EspeakSynthesizer(settings.espeak_voice, settings.espeak_words_per_minute)


@dataclass(frozen=True)
class SpeechEngines:
    settings: SpeechSettings
    asr_model: vosk.Model
    vad_model: onnxruntime.InferenceSession
    # None when ``end_of_turn`` is ``silence``.
    turn_model: onnxruntime.InferenceSession | None
    phrases: PhraseCache
    # What each call's recogniser decodes with unless its session names a grammar (None: freely).
    grammar: list[str] | None = None

    @classmethod
    async def load(cls, settings: SpeechSettings | None = None,
                   synthesizer: Synthesizer | None = None) -> SpeechEngines:
        """Loads the models (seconds: the vosk graph is large) without blocking the loop."""
        settings = settings or speech_settings()

        def load_blocking() -> SpeechEngines:
            model = vosk_model_path(settings)
            return cls(
                settings=settings,
                asr_model=load_model(model),
                vad_model=load_vad_model(Path(settings.vad_model)),
                turn_model=(load_turn_model(Path(settings.turn_model))
                            if settings.end_of_turn == "smart_turn" else None),
                phrases=PhraseCache(synthesizer or make_synthesizer(settings),
                                    settings.phrase_cache_size),
                grammar=call_grammar(settings, model),
            )

        return await asyncio.to_thread(load_blocking)
