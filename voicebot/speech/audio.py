"""The line format every speech part exchanges: 8 kHz, 16-bit signed little-endian mono PCM."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

SAMPLE_RATE = 8000
SAMPLE_WIDTH = 2
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * SAMPLE_WIDTH
FRAME_SECONDS = FRAME_MS / 1000


def pcm_to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def float_to_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def split_frames(pcm: bytes) -> Iterator[bytes]:
    """``pcm`` in line frames; the last one padded with silence to a whole frame."""
    for start in range(0, len(pcm), FRAME_BYTES):
        frame = pcm[start:start + FRAME_BYTES]
        yield frame.ljust(FRAME_BYTES, b"\0")


def frame_count(pcm: bytes) -> int:
    """How many line frames ``split_frames`` makes of ``pcm``."""
    return -(-len(pcm) // FRAME_BYTES)


def duration_seconds(pcm: bytes) -> float:
    return len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH)
