"""A test line: the debtor's side of a call as inbound frames, and a sink that records the bot."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import numpy as np

from voicebot.speech.audio import FRAME_BYTES, FRAME_SECONDS, pcm_to_float, split_frames
from voicebot.speech.session import Inbound, KeyPress

SILENCE = b"\0" * FRAME_BYTES


def rms_dbfs(pcm: bytes) -> float:
    samples = pcm_to_float(pcm)
    return float(20 * np.log10(np.sqrt(np.mean(samples ** 2)) + 1e-12))


@dataclass
class RecordingSink:
    """The bot's frames with their event-loop write times."""

    frames: list[tuple[float, bytes]] = field(default_factory=list)

    async def write(self, frame: bytes) -> None:
        assert len(frame) == FRAME_BYTES
        self.frames.append((asyncio.get_running_loop().time(), frame))

    def quiet_for(self, seconds: float) -> bool:
        """Whether the bot has spoken and then been silent for ``seconds``."""
        return bool(self.frames) and (asyncio.get_running_loop().time() - self.frames[-1][0]
                                      >= seconds)


class Debtor:
    """Plays a script of steps at real time, 20 ms a frame, silence between; ends by hanging up
    (``hang_up``) or keeps the line open with silence until the session stops listening."""

    def __init__(self) -> None:
        self._steps: list[tuple[str, object]] = []
        self.said_at: list[tuple[float, float]] = []

    def wait_for_bot(self, quiet: float = 0.4) -> Debtor:
        self._steps.append(("wait_bot", quiet))
        return self

    def wait(self, seconds: float) -> Debtor:
        self._steps.append(("wait", seconds))
        return self

    def say(self, pcm: bytes) -> Debtor:
        self._steps.append(("say", pcm))
        return self

    def press(self, digit: str) -> Debtor:
        self._steps.append(("press", digit))
        return self

    def hang_up(self) -> Debtor:
        self._steps.append(("hang_up", None))
        return self

    async def line(self, sink: RecordingSink) -> AsyncIterator[Inbound]:
        loop = asyncio.get_running_loop()
        next_at = loop.time()

        async def paced(frame: Inbound) -> Inbound:
            nonlocal next_at
            next_at += FRAME_SECONDS
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            return frame

        for kind, value in self._steps:
            if kind == "wait_bot":
                while not sink.quiet_for(float(value)):  # type: ignore[arg-type]
                    yield await paced(SILENCE)
            elif kind == "wait":
                for _ in range(round(float(value) / FRAME_SECONDS)):  # type: ignore[arg-type]
                    yield await paced(SILENCE)
            elif kind == "say":
                started = loop.time()
                for frame in split_frames(value):  # type: ignore[arg-type]
                    yield await paced(frame)
                self.said_at.append((started, loop.time()))
            elif kind == "press":
                yield KeyPress(str(value))
            elif kind == "hang_up":
                return
        while True:
            yield await paced(SILENCE)
