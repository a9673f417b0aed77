"""Received RTP audio in sequence order, one 20 ms frame per tick of the line's clock.

pyVoIP writes packets into a byte buffer by timestamp, fills lost packets with 0x00 (a full-scale
click in its 8-bit unsigned format) and its blocking read never returns during digital silence.
Here a lost or late packet is a frame of silence, and the reader never waits.
"""
from __future__ import annotations

import threading

from dialer.audio.frames import SILENCE

_HALF = 0x8000


class JitterBuffer:
    def __init__(self, prime_frames: int = 2, max_frames: int = 25) -> None:
        # Frames held back before playout starts (and after an underrun), absorbing arrival jitter.
        self._prime = prime_frames
        # Beyond this backlog (clock drift, a burst) the oldest frames are dropped to bound latency.
        self._max = max_frames
        self._frames: dict[int, bytes | None] = {}
        self._next: int | None = None
        self._primed = False
        self._lock = threading.Lock()
        self.lost = 0
        self.dropped = 0

    def put(self, sequence: int, frame: bytes | None) -> None:
        """``frame`` None: a packet without audio (an RFC 4733 event) took this sequence number."""
        with self._lock:
            if self._next is None:
                self._next = sequence
            if (sequence - self._next) & 0xFFFF >= _HALF:
                return  # older than what was already played out
            self._frames[sequence] = frame
            while len(self._frames) > self._max:
                self._frames.pop(self._next, None)
                self._next = (self._next + 1) & 0xFFFF
                self.dropped += 1

    def pop(self) -> bytes:
        with self._lock:
            if not self._frames:
                self._primed = False
                return SILENCE
            if not self._primed:
                if len(self._frames) < self._prime:
                    return SILENCE
                self._primed = True
            assert self._next is not None
            while True:
                present = self._next in self._frames
                frame = self._frames.pop(self._next, None)
                self._next = (self._next + 1) & 0xFFFF
                if frame is not None:
                    return frame
                if not present:
                    self.lost += 1
                    return SILENCE
                if not self._frames:
                    return SILENCE
