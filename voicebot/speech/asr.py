"""Streaming speech recognition on vosk: one shared model per process, one recogniser per call.

vosk is blocking C code (it releases the GIL), so decoding runs in the default thread executor,
one step at a time per call; frames that arrive while a step runs are batched into the next one,
so a loaded machine decodes in bigger steps instead of queueing a thread hop per 20 ms frame.
Ending a turn never blocks the caller: the turn's text is a future, and frames of the next turn
queue behind it.
"""
from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from dataclasses import dataclass

import vosk

from voicebot.speech.audio import SAMPLE_RATE

vosk.SetLogLevel(-1)


@dataclass(frozen=True)
class _TurnEnd:
    text: asyncio.Future[str]


@dataclass(frozen=True)
class _Grammar:
    phrases: list[str] | None


@cache
def load_model(path: Path) -> vosk.Model:
    """The model is hundreds of MB: loaded once per process and shared by every recogniser."""
    if not path.is_dir():
        raise FileNotFoundError(f"no vosk model at {path} (set [speech] vosk_model)")
    return vosk.Model(str(path))


class StreamingRecognizer:
    """One debtor's speech, turn by turn: ``feed`` 20 ms frames, ``end_turn`` for the turn's text.

    ``grammar`` limits decoding to those phrases (a dialogue state that expects yes/no or a date):
    about sixteen times cheaper than free decoding and exact on the phrases it knows. Words the
    model does not know are dropped by vosk with a warning. ``partial`` holds the words heard so
    far in the current turn, and ``on_partial`` is told each time they change.
    """

    def __init__(self, model: vosk.Model, grammar: Sequence[str] | None = None,
                 on_partial: Callable[[str], None] | None = None) -> None:
        self._model = model
        self._grammar = None if grammar is None else list(grammar)
        self._recognizer = self._new_recognizer(self._grammar)
        self._next_grammar = self._grammar
        self._on_partial = on_partial
        # Audio to decode, turn ends and grammar changes, in order.
        self._pending: deque[bytes | _TurnEnd | _Grammar] = deque()
        self._turn_under_way = False
        self._decoding: asyncio.Task[None] | None = None
        self._utterances: list[str] = []
        self.partial = ""

    def _new_recognizer(self, grammar: list[str] | None) -> vosk.KaldiRecognizer:
        if grammar is None:
            return vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        return vosk.KaldiRecognizer(self._model, SAMPLE_RATE,
                                    json.dumps(grammar, ensure_ascii=False))

    def feed(self, frame: bytes) -> None:
        self._pending.append(frame)
        self._wake()

    def end_turn(self) -> asyncio.Future[str]:
        """The text of the turn fed so far."""
        text: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending.append(_TurnEnd(text))
        self._wake()
        return text

    def set_grammar(self, grammar: Sequence[str] | None) -> None:
        """Decode with ``grammar`` (None: freely) from the next turn on, or from now if no turn is
        under way: vosk cannot change the graph of a turn it is decoding."""
        self._pending.append(_Grammar(None if grammar is None else list(grammar)))
        self._wake()

    def _wake(self) -> None:
        if self._decoding is None or self._decoding.done():
            self._decoding = asyncio.create_task(self._decode_pending())
            self._decoding.add_done_callback(self._fail_waiting_turns)

    def _fail_waiting_turns(self, decoding: asyncio.Task[None]) -> None:
        """A decoder failure fails the texts waited for, instead of leaving them unanswered."""
        if decoding.cancelled() or decoding.exception() is None:
            return
        for item in self._pending:
            if isinstance(item, _TurnEnd) and not item.text.done():
                item.text.set_exception(decoding.exception())  # type: ignore[arg-type]
        self._pending.clear()

    async def _decode_pending(self) -> None:
        while self._pending:
            item = self._pending.popleft()
            if isinstance(item, _TurnEnd):
                try:
                    await self._finish_turn(item.text)
                except Exception as error:
                    item.text.set_exception(error)
                    raise
                continue
            if isinstance(item, _Grammar):
                self._next_grammar = item.phrases
                if not self._turn_under_way:
                    await self._switch_grammar()
                continue
            audio = [item]
            while self._pending and isinstance(self._pending[0], bytes):
                audio.append(self._pending.popleft())  # type: ignore[arg-type]
            self._turn_under_way = True
            utterance, partial = await asyncio.to_thread(self._accept, b"".join(audio))
            if utterance:
                self._utterances.append(utterance)
            if partial != self.partial:
                self.partial = partial
                if partial and self._on_partial is not None:
                    self._on_partial(partial)

    async def _switch_grammar(self) -> None:
        if self._next_grammar != self._grammar:
            self._grammar = self._next_grammar
            # Free decoding: about 0.1 s to set up on a large graph, so off the event loop too.
            self._recognizer = await asyncio.to_thread(self._new_recognizer, self._grammar)

    def _accept(self, chunk: bytes) -> tuple[str, str]:
        if self._recognizer.AcceptWaveform(chunk):
            # vosk found an utterance end inside the turn by itself: keep its text for the turn.
            return json.loads(self._recognizer.Result())["text"], ""
        return "", json.loads(self._recognizer.PartialResult())["partial"]

    async def _finish_turn(self, text: asyncio.Future[str]) -> None:
        final = await asyncio.to_thread(lambda: json.loads(self._recognizer.FinalResult())["text"])
        if not text.done():
            text.set_result(" ".join(part for part in (*self._utterances, final) if part))
        self._utterances.clear()
        self.partial = ""
        self._turn_under_way = False
        await self._switch_grammar()
