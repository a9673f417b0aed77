"""piper TTS as a ``Synthesizer``: the configured voice, resampled from its rate to the line's."""
from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

import numpy as np
from piper import PiperVoice

from voicebot.speech.resample import to_line


@cache
def _load_voice(path: Path) -> PiperVoice:
    # One ONNX session per voice per process, shared by every call (onnxruntime runs are
    # thread-safe).
    if not path.is_file():
        raise FileNotFoundError(f"no piper voice at {path} (set [speech] piper_voice)")
    return PiperVoice.load(path)


class PiperSynthesizer:
    def __init__(self, model_path: Path) -> None:
        self._model_path = model_path
        self._piper = _load_voice(model_path)
        self.voice = f"piper:{model_path.name}"

    def _render(self, text: str) -> bytes:
        chunks = [chunk.audio_float_array for chunk in self._piper.synthesize(text)]
        if not chunks:
            return b""
        return to_line(np.concatenate(chunks), self._piper.config.sample_rate)

    async def synthesize(self, text: str) -> bytes:
        return await asyncio.to_thread(self._render, text)
