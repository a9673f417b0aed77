"""Streaming speech recognition on vosk: one shared model per process, one recogniser per session.

vosk is blocking C code (it releases the GIL), so a recogniser's work runs in the default thread
executor; frames that arrive while a decode is running are batched into the next call, so a
loaded machine decodes in bigger steps instead of queueing one hop per 20 ms frame.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import vosk

from voicebot.speech.audio import SAMPLE_RATE

vosk.SetLogLevel(-1)


@cache
def load_model(path: Path) -> vosk.Model:
    """The model is hundreds of MB: loaded once per process and shared by every recogniser."""
    if not path.is_dir():
        raise FileNotFoundError(f"no vosk model at {path} (set [speech] vosk_model)")
    return vosk.Model(str(path))


class StreamingRecognizer:
    """One debtor's speech, turn by turn: ``feed`` 20 ms frames, ``finish`` a turn for its text.

    ``grammar`` limits decoding to those phrases (a dialogue state that expects yes/no or a date):
    about sixteen times cheaper than free decoding and exact on the phrases it knows. Words the
    model does not know are dropped by vosk with a warning.
    """

    def __init__(self, model: vosk.Model, grammar: Sequence[str] | None = None,
                 on_partial: Callable[[str], None] | None = None) -> None:
        self._model = model
        self._recognizer = self._new_recognizer(grammar)
        self._on_partial = on_partial
        self._pending: list[bytes] = []
        self._decoding: asyncio.Task[None] | None = None
        self._final_parts: list[str] = []
        self.partial = ""

    def _new_recognizer(self, grammar: Sequence[str] | None) -> vosk.KaldiRecognizer:
        if grammar is None:
            return vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        return vosk.KaldiRecognizer(self._model, SAMPLE_RATE,
                                    json.dumps(list(grammar), ensure_ascii=False))

    def set_grammar(self, grammar: Sequence[str] | None) -> None:
        """Takes effect from the next turn (vosk cannot change the graph of a turn under way)."""
        self._recognizer = self._new_recognizer(grammar)

    def feed(self, frame: bytes) -> None:
        self._pending.append(frame)
        if self._decoding is None or self._decoding.done():
            self._decoding = asyncio.create_task(self._decode_pending())

    async def _decode_pending(self) -> None:
        while self._pending:
            chunk = b"".join(self._pending)
            self._pending.clear()
            final, partial = await asyncio.to_thread(self._accept, chunk)
            if final:
                self._final_parts.append(final)
            if partial != self.partial:
                self.partial = partial
                if partial and self._on_partial is not None:
                    self._on_partial(partial)

    def _accept(self, chunk: bytes) -> tuple[str, str]:
        if self._recognizer.AcceptWaveform(chunk):
            # vosk found an utterance end inside the turn by itself: keep its text for finish().
            return json.loads(self._recognizer.Result())["text"], ""
        return "", json.loads(self._recognizer.PartialResult())["partial"]

    async def finish(self) -> str:
        """The text of the turn fed so far; the recogniser is then ready for the next turn."""
        while self._decoding is not None and not self._decoding.done():
            await self._decoding
        final = await asyncio.to_thread(lambda: json.loads(self._recognizer.FinalResult())["text"])
        text = " ".join(part for part in (*self._final_parts, final) if part)
        self._final_parts.clear()
        self.partial = ""
        return text
