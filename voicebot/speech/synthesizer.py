"""What the audio session needs from a voice: text in, line PCM (8 kHz, 16-bit mono) out."""
from __future__ import annotations

from typing import Protocol


class Synthesizer(Protocol):
    # Names the voice and its settings: a cached rendering is reused only for the same voice.
    voice: str

    async def synthesize(self, text: str) -> bytes:
        """``text`` (already in words) spoken as line PCM."""
        ...
