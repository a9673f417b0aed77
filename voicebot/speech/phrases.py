"""Bot replies as line audio, sentence by sentence, with a process-wide cache of rendered sentences.

The dialogue's fixed sentences (greeting, introductions, questions) recur in every call and are
rendered once per voice (``preload`` at start-up renders them before the first call); a sentence
with the debtor's amount or date is rendered per call and ages out of the bounded cache. Replies
are split into sentences so the first can play while the rest render.

A preloaded template ("Ваш долг {amount}.") also renders its fixed parts ("Ваш долг"): a reply
whose first sentence holds one speaks that sentence in pieces, the cached part at once while the
part with the amount renders behind it. What it buys is first audio without waiting for a fresh
sentence to render (piper takes a quarter of a second for a short one on these cores); the joins
cost a little prosody (each piece is its own utterance to the synthesiser), so later sentences,
which render while the first plays, stay whole.
"""
from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from collections.abc import Iterable

from voicebot.russian import speakable
from voicebot.speech.synthesizer import Synthesizer

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_PLACEHOLDER = re.compile(r"\{\w+\}")
_WORD = re.compile(r"\w")
_LEADING_PUNCTUATION = re.compile(r"^\W+")


def sentences(text: str) -> list[str]:
    return [part for part in (piece.strip() for piece in _SENTENCE_END.split(text)) if part]


class PhraseCache:
    def __init__(self, synthesizer: Synthesizer, size: int = 512) -> None:
        self.synthesizer = synthesizer
        self._size = size
        # Futures, so that two calls asking for the same new sentence render it once.
        self._rendered: OrderedDict[tuple[str, str], asyncio.Future[bytes]] = OrderedDict()
        # The templates' fixed parts, longest first, as one pattern (None: no templates yet).
        self._parts: set[str] = set()
        self._part_pattern: re.Pattern[str] | None = None

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
        """A reply's pieces (its sentences, the first one split at fixed parts), all rendering at
        once, in speaking order."""
        first, *rest = sentences(text) or [""]
        return [asyncio.ensure_future(self.render(piece))
                for piece in (*self._pieces(first), *rest) if piece]

    def _pieces(self, sentence: str) -> list[str]:
        if self._part_pattern is None or sentence in self:
            return [sentence]
        pieces = (piece.strip() for piece in self._part_pattern.split(sentence))
        return [piece for piece in pieces if _WORD.search(piece)] or [sentence]

    async def preload(self, phrases: Iterable[str]) -> None:
        """Renders fixed phrases, and the fixed parts of templates whose values are in braces."""
        fixed: list[str] = []
        for sentence in (sentence for phrase in phrases for sentence in sentences(phrase)):
            if _PLACEHOLDER.search(sentence) is None:
                fixed.append(sentence)
                continue
            # A part starts at its first word: the comma after a value belongs to the value.
            parts = [_LEADING_PUNCTUATION.sub("", part).strip()
                     for part in _PLACEHOLDER.split(sentence)]
            self._parts.update(part for part in parts if _WORD.search(part))
        alternatives = "|".join(re.escape(part) for part in sorted(self._parts, key=len,
                                                                   reverse=True))
        if alternatives:
            self._part_pattern = re.compile(rf"(?<!\w)({alternatives})(?!\w)")
        await asyncio.gather(*(self.render(text) for text in (*fixed, *self._parts)))

    def __contains__(self, sentence: str) -> bool:
        key = (self.synthesizer.voice, sentence)
        return key in self._rendered and self._rendered[key].done()
