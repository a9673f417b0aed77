"""Does the callee say the same thing again? A looped recording (a carrier's announcement plays until
the caller hangs up) repeats its audio almost sample for sample, while a screening assistant's
follow-up or a person's words differ. The comparison is of spectral envelopes: the log energy of
each 20 ms frame in a few bands, which line noise, level and codec leave alone where it matters.
"""
from __future__ import annotations

import numpy as np

from voicebot.speech.audio import FRAME_SAMPLES, SAMPLE_RATE

# Band edges of the telephone band (300–3400 Hz), closer together low where speech's formants are.
BAND_EDGES_HZ = (250, 400, 550, 700, 850, 1000, 1200, 1400, 1650, 1900, 2200, 2500, 2850, 3400)
_FREQUENCIES = np.fft.rfftfreq(FRAME_SAMPLES, 1 / SAMPLE_RATE)
_BANDS = [np.flatnonzero((_FREQUENCIES >= low) & (_FREQUENCIES < high))
          for low, high in zip(BAND_EDGES_HZ, BAND_EDGES_HZ[1:])]
# Below this a band counts as empty: keeps the log from amplifying the quiet parts' noise.
_FLOOR = 1e-7
# In a comparison, what lies this far below the run's loudest band energy counts as silence: the
# line noise of the pauses differs between two renditions of one recording, and left in, it pulls
# their similarity down (on bench/amd.py's loops the weakest went from 0.75 to 0.81 with it, the
# strongest follow-up of a screening assistant from 0.57 to 0.52).
COMPARE_RANGE_DB = 30.0
_COMPARE_RANGE = np.log(10 ** (COMPARE_RANGE_DB / 10))


def band_envelope(samples: np.ndarray) -> np.ndarray:
    """Log energy in each band of one frame."""
    power = np.abs(np.fft.rfft(samples)) ** 2
    return np.log(np.array([power[band].sum() for band in _BANDS]) + _FLOOR)


def block_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Correlation of two equally long runs of band envelopes (frames × bands), each band's mean
    over the run removed so that a level or tilt difference of the line does not count."""
    a, b = (np.maximum(run, run.max() - _COMPARE_RANGE) for run in (first, second))
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.sum(a * b) / norm) if norm > 0 else 0.0


def best_alignment(envelopes: np.ndarray, first_start: int, second_start: int, length: int,
                   slack: int) -> float:
    """The highest similarity of ``length`` frames from ``second_start`` with as many from any start
    within ``slack`` frames of ``first_start``: voice activity may open the two renditions a few
    frames apart."""
    second = envelopes[second_start:second_start + length]
    best = -1.0
    for start in range(max(0, first_start - slack), first_start + slack + 1):
        if start + length > second_start:
            break
        best = max(best, block_similarity(envelopes[start:start + length], second))
    return best
