"""An injected transcript for the keyword path: the Korean vosk model of CI cannot hear Russian, so
the tests give the classifier the words a Russian model would, revealed at speaking pace."""
from __future__ import annotations

from voicebot.speech.audio import SAMPLE_RATE, SAMPLE_WIDTH

# About 2.5 words a second: espeak-ng's Russian at 160 words a minute, with the recogniser's lag.
WORDS_PER_SECOND = 2.5


class PacedTranscript:
    """Words of ``text`` heard so far, starting ``onset_s`` into the call."""

    def __init__(self, text: str, onset_s: float) -> None:
        self._words = text.split()
        self._onset_s = onset_s
        self._heard_s = 0.0

    def transcribe(self, chunk: bytes) -> str:
        self._heard_s += len(chunk) / (SAMPLE_RATE * SAMPLE_WIDTH)
        count = int(max(0.0, self._heard_s - self._onset_s) * WORDS_PER_SECOND)
        return " ".join(self._words[:count])
