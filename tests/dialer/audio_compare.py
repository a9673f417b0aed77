"""How faithfully audio crossed the line: alignment, cross-correlation and SNR against what was sent."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def to_float(pcm16: bytes) -> np.ndarray:
    return np.frombuffer(pcm16, dtype="<i2").astype(np.float64) / 32768.0


def _align(ref: np.ndarray, rec: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Lag of ``rec`` against ``ref`` by FFT cross-correlation, and the overlapping parts."""
    n = 1 << (len(ref) + len(rec)).bit_length()
    cc = np.fft.irfft(np.fft.rfft(rec, n) * np.conj(np.fft.rfft(ref, n)), n)
    index = int(np.argmax(cc))
    lag = index if index < len(rec) else index - n
    a, b = (ref, rec[lag:]) if lag >= 0 else (ref[-lag:], rec)
    m = min(len(a), len(b))
    return lag, a[:m], b[:m]


@dataclass(frozen=True)
class Fidelity:
    lag_s: float
    xcorr: float
    snr_db: float
    aligned_s: float


def fidelity(sent: bytes, received: bytes, rate: int = 8000) -> Fidelity:
    lag, a, b = _align(to_float(sent), to_float(received))
    xcorr = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))
    gain = np.dot(a, b) / (np.dot(a, a) + 1e-12)
    error = b - gain * a
    snr = 10 * np.log10(np.sum((gain * a) ** 2) / (np.sum(error ** 2) + 1e-12))
    return Fidelity(round(lag / rate, 3), round(xcorr, 4), round(float(snr), 2), round(len(a) / rate, 2))


def stereo_channel(pcm16: bytes, channel: int) -> bytes:
    return np.frombuffer(pcm16, dtype="<i2")[channel::2].tobytes()
