"""Bot replies as line audio, sentence by sentence, with a process-wide cache of rendered sentences.

The dialogue's fixed sentences (greeting, introductions, questions) recur in every call and are
rendered once per voice (``preload`` at start-up renders them before the first call); a sentence
with the debtor's amount or date is rendered per call and ages out of the bounded cache. Replies
are split into sentences so the first can play while the rest render.
"""
from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from collections.abc import Iterable

from voicebot.russian import speakable
from voicebot.speech.synthesizer import Synthesizer

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def sentences(text: str) -> list[str]:
    return [part for part in (piece.strip() for piece in _SENTENCE_END.split(text)) if part]


class PhraseCache:
    def __init__(self, synthesizer: Synthesizer, size: int = 512) -> None:
        self.synthesizer = synthesizer
        self._size = size
        # Futures, so that two calls asking for the same new sentence render it once.
        self._rendered: OrderedDict[tuple[str, str], asyncio.Future[bytes]] = OrderedDict()

    async def render(self, sentence: str) -> bytes:
        key = (self.synthesizer.voice, sentence)
        future = self._rendered.get(key)
        if future is None:
            future = asyncio.ensure_future(self.synthesizer.synthesize(speakable(sentence)))
            self._rendered[key] = future
            while len(self._rendered) > self._size:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(key)
        try:
            return await asyncio.shield(future)
        except Exception:
            # A failed rendering is not cached: the next call tries again.
            if self._rendered.get(key) is future:
                del self._rendered[key]
            raise

    def render_reply(self, text: str) -> list[asyncio.Task[bytes]]:
        """A reply's sentences, all rendering at once, in speaking order."""
        return [asyncio.ensure_future(self.render(sentence)) for sentence in sentences(text)]

    async def preload(self, phrases: Iterable[str]) -> None:
        await asyncio.gather(*(self.render(sentence)
                               for phrase in phrases for sentence in sentences(phrase)))

    def __contains__(self, sentence: str) -> bool:
        key = (self.synthesizer.voice, sentence)
        return key in self._rendered and self._rendered[key].done()
