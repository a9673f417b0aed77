"""Band-limited resampling between an engine's rate and the line's 8 kHz (soxr: a naive decimation
would fold a 22 kHz voice's upper band into the telephone band as audible aliasing)."""
from __future__ import annotations

import numpy as np
import soxr

from voicebot.speech.audio import SAMPLE_RATE, float_to_pcm


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    if from_rate == to_rate:
        return samples.astype(np.float32, copy=False)
    return soxr.resample(samples.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")


def to_line(samples: np.ndarray, from_rate: int) -> bytes:
    """Float samples at ``from_rate`` as line PCM."""
    return float_to_pcm(resample(samples, from_rate, SAMPLE_RATE))
