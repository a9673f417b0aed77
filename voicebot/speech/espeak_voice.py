"""espeak-ng (Debian) as a ``Synthesizer``: speaks Russian where no Russian piper voice is
installed, as on the demo machines. Runs as a subprocess, so it never blocks the event loop."""
from __future__ import annotations

import asyncio
import io
import wave

import numpy as np

from voicebot.speech.resample import to_line


class EspeakSynthesizer:
    def __init__(self, language: str = "ru", words_per_minute: int = 160) -> None:
        self._language = language
        self._words_per_minute = words_per_minute
        self.voice = f"espeak-ng:{language}:{words_per_minute}"

    async def synthesize(self, text: str) -> bytes:
        process = await asyncio.create_subprocess_exec(
            "espeak-ng", "-v", self._language, "-s", str(self._words_per_minute), "--stdout",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        # The text goes through stdin: a phrase starting with "-" must not be read as an option.
        wav, error = await process.communicate(text.encode())
        if process.returncode != 0:
            raise RuntimeError(f"espeak-ng failed: {error.decode(errors='replace').strip()}")
        with wave.open(io.BytesIO(wav)) as reader:
            rate = reader.getframerate()
            samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
        return to_line(samples.astype(np.float32) / 32768.0, rate)
