"""piper TTS as a ``Synthesizer``: the configured voice, resampled from its rate to the line's.

Renders run in a pool of one worker per core, each on a single ONNX thread. piper's own session
uses every core for one render and spins them while it waits: with calls rendering at once on a
small machine, that took the cores from the calls' recognisers and voice activity (a busy reply
made the listening lag). Several single-threaded renders at once keep each call's share bounded.
"""
from __future__ import annotations

import asyncio
import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime
from piper import PiperVoice

from voicebot.speech.resample import to_line

_RENDERS = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="piper")


@cache
def _load_voice(path: Path) -> PiperVoice:
    # One ONNX session per voice per process, shared by every call (onnxruntime runs are
    # thread-safe).
    if not path.is_file():
        raise FileNotFoundError(f"no piper voice at {path} (set [speech] piper_voice)")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # PiperVoice.load takes no session options: its session is replaced by one that has them.
    session = onnxruntime.InferenceSession(str(path), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return dataclasses.replace(PiperVoice.load(path), session=session)


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
        return await asyncio.get_running_loop().run_in_executor(_RENDERS, self._render, text)
