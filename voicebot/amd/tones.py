"""Single-frequency tones in 20 ms frames: the Goertzel power at a frequency, as the share of the
frame's energy a sinusoid of that frequency explains.

A plain Goertzel bin over 160 samples is exact only at multiples of 50 Hz; SIT's 913.8 Hz is not,
so each frequency is fitted by least squares on its own sine and cosine (two Goertzel terms and
their 2×2 Gram matrix), which makes a pure tone of any frequency score 1.0.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voicebot.speech.audio import FRAME_SAMPLES, SAMPLE_RATE

# ITU-T E.180 special information tones as the issue names them (the low-frequency variants).
SIT_HZ = (913.8, 1370.6, 1776.7)
# T.30 fax calling tone and answer tone.
CNG_HZ = 1100.0
CED_HZ = 2100.0
# Voicemail beeps seen in the wild lie between 400 and 2500 Hz; 25 Hz steps are half the frame's
# resolution, so a beep between two steps still scores above TONE_SHARE.
BEEP_BANK_HZ = tuple(float(f) for f in range(400, 2501, 25))


class ToneBank:
    """Shares of a frame's energy at each of ``frequencies``."""

    def __init__(self, frequencies: Sequence[float], samples: int = FRAME_SAMPLES) -> None:
        self.frequencies = np.asarray(frequencies, dtype=np.float64)
        t = np.arange(samples) / SAMPLE_RATE
        phase = 2 * np.pi * self.frequencies[:, None] * t[None, :]
        # (F, 2, N): the cosine and sine of each frequency.
        self._basis = np.stack((np.cos(phase), np.sin(phase)), axis=1)
        gram = np.einsum("fin,fjn->fij", self._basis, self._basis)
        self._inverse_gram = np.linalg.inv(gram)

    def shares(self, frame: np.ndarray) -> np.ndarray:
        energy = float(np.dot(frame, frame))
        if energy == 0.0:
            return np.zeros(len(self.frequencies))
        projections = self._basis @ frame  # (F, 2)
        coefficients = np.einsum("fij,fj->fi", self._inverse_gram, projections)
        return np.einsum("fi,fi->f", coefficients, projections) / energy


@dataclass(frozen=True)
class FrameTones:
    """What one frame holds: its level, the named tone present (if any), the strongest beep tone."""

    level_dbfs: float
    named_hz: float | None
    beep_hz: float | None


class ToneDetector:
    def __init__(self, tone_share: float, tone_level_dbfs: float) -> None:
        self._share = tone_share
        self._level = tone_level_dbfs
        self._named = ToneBank((*SIT_HZ, CNG_HZ, CED_HZ))
        self._beeps = ToneBank(BEEP_BANK_HZ)

    def frame(self, samples: np.ndarray) -> FrameTones:
        level = level_dbfs(samples)
        if level < self._level:
            return FrameTones(level, None, None)
        named = self._named.shares(samples)
        best = int(np.argmax(named))
        if named[best] >= self._share:
            return FrameTones(level, float(self._named.frequencies[best]), None)
        beeps = self._beeps.shares(samples)
        best = int(np.argmax(beeps))
        beep = float(self._beeps.frequencies[best]) if beeps[best] >= self._share else None
        return FrameTones(level, None, beep)


def level_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    return 20 * np.log10(rms) if rms > 1e-9 else -120.0
