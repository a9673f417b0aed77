"""Voice activity on the line with Silero VAD (ONNX, from the pipecat-ai wheel; see setup.sh).

One ONNX session per process serves every call: Silero's recurrent state is an input and an output
of each run, so each ``VoiceActivity`` keeps its own state and the session stays shareable. The
calls are blocking (about 0.1 ms a window), so ``VoiceActivity`` is used from the session's
analysis thread, never on the event loop.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime

from voicebot.speech.audio import SAMPLE_RATE, pcm_to_float

# Silero's window at 8 kHz (32 ms), and the tail of the previous window it expects in front.
WINDOW_SAMPLES = 256
CONTEXT_SAMPLES = 32
WINDOW_SECONDS = WINDOW_SAMPLES / SAMPLE_RATE
# At 8 kHz a long silence drifts Silero's state until it under-reports the speech that follows
# (measured by pipecat, whose reset rule this is): reset about every 2 s, but only inside clear
# non-speech (five windows in a row far below the threshold), never inside a word.
_RESET_EVERY_WINDOWS = int(2.0 / WINDOW_SECONDS)
_RESET_QUIET_PROBABILITY = 0.1
_RESET_QUIET_WINDOWS = 5


@cache
def load_vad_model(path: Path) -> onnxruntime.InferenceSession:
    if not path.is_file():
        raise FileNotFoundError(f"no Silero VAD model at {path} (run scripts/setup.sh)")
    options = onnxruntime.SessionOptions()
    # Many calls run at once: one thread per run, the parallelism is across calls.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), sess_options=options,
                                        providers=["CPUExecutionProvider"])


class VoiceActivity:
    """Speech probability of each 32 ms window of one call's audio."""

    def __init__(self, model: onnxruntime.InferenceSession) -> None:
        self._model = model
        self._buffer = np.zeros(0, dtype=np.float32)
        self._sample_rate = np.array(SAMPLE_RATE, dtype=np.int64)
        self._reset()

    def _reset(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._windows_since_reset = 0
        self._quiet_windows = 0

    def push(self, pcm: bytes) -> list[float]:
        """Probabilities of the windows that ``pcm`` completes (none, one or more)."""
        self._buffer = np.concatenate((self._buffer, pcm_to_float(pcm)))
        probabilities = []
        while len(self._buffer) >= WINDOW_SAMPLES:
            window, self._buffer = self._buffer[:WINDOW_SAMPLES], self._buffer[WINDOW_SAMPLES:]
            probabilities.append(self._score(window))
        return probabilities

    def _score(self, window: np.ndarray) -> float:
        model_input = np.concatenate((self._context, window))[np.newaxis, :]
        output, self._state = self._model.run(
            None, {"input": model_input, "state": self._state, "sr": self._sample_rate})
        self._context = model_input[0, -CONTEXT_SAMPLES:]
        probability = float(output[0][0])
        self._windows_since_reset += 1
        self._quiet_windows = (self._quiet_windows + 1
                               if probability < _RESET_QUIET_PROBABILITY else 0)
        if (self._windows_since_reset >= _RESET_EVERY_WINDOWS
                and self._quiet_windows >= _RESET_QUIET_WINDOWS):
            self._reset()
        return probability
