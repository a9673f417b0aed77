"""The demo's simulated debtors' parts: what each says, played from WAV files, and which keys it
presses, each in its turn of the conversation.

Each baresip debtor waits until the bot has finished a reply, which it hears in its own recording
of the call, then says its next line: espeak-ng renders the Russian lines into WAV files when the
debtors start, and the phone switches its microphone to the line's file. The stand-in recogniser
installable here (Korean) understands no Russian, so unless a Russian vosk model is configured
the bot is set not to listen (``[speech] listen``) and the debtor, after saying its line, also
presses the keys of the bot's menu that give the same answer; with a Russian model the words
alone drive the bot.
"""
from __future__ import annotations

import asyncio
import time
import wave
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dialer.peers.processes import Baresip
from voicebot.speech.espeak_voice import EspeakSynthesizer

LINE_RATE = 8000
# A debtor's line is followed by this much silence: baresip hangs up when its source file ends.
LINE_TAIL_S = 120.0
# The bot has finished a reply once the line has been this quiet after it spoke: its sentences
# follow each other with shorter pauses, unless one is rendered late on a loaded machine (a key
# pressed in such a pause would cut the reply short).
QUIET_S = 3.0
# A sample of the bot's audio above this is speech, not the line's silence.
LOUD = 1000
# A WAV header libsndfile writes is shorter than this.
HEADER_BYTES = 256
# Bounds a reply the bot never finishes (a hung call) so a debtor's part cannot wait for ever.
REPLY_TIMEOUT_S = 120.0
# Bounds the wait for the call: the call worker first renders the bot's fixed phrases, which
# takes minutes on a loaded machine.
CALL_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Line:
    words: str
    # The keys of the bot's menu (voicebot/dialogue) that give the same answer, each pressed once
    # the bot has answered the one before.
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    lines: tuple[Line, ...]
    # Say ``lines`` as soon as the bot starts its greeting, then hang up this long after.
    hangs_up_after_s: float | None = None


YES = Line("Да, это я.", ("1",))
# Every baresip debtor's part, by behaviour; what each must lead to is checked by the demo
# (backoffice/demo_data/expected.py).
PARTS: dict[str, Part] = {
    "pays": Part((YES, Line("Я уже заплатил, долг закрыт.", ("2",)))),
    "promises": Part((YES, Line("Да, оплачу в пятницу.", ("1", "5")), Line("Да.", ("1",)))),
    "disputes": Part((YES, Line("Я не согласен с долгом, это ошибка.", ("3",)))),
    "wrong_person": Part((Line("Вы не туда позвонили, номер не тот.", ("2",)),)),
    "asks_human": Part((YES, Line("Хочу поговорить с оператором.", ("0",)))),
    "hangs_up": Part((Line("Алло?"),), hangs_up_after_s=2.0),
}


def write_clip(path: Path, pcm: bytes, tail_s: float = LINE_TAIL_S) -> Path:
    """Line PCM (8 kHz, 16-bit mono) and ``tail_s`` of silence as a WAV baresip can play."""
    with wave.open(str(path), "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(LINE_RATE)
        clip.writeframes(pcm + bytes(int(LINE_RATE * tail_s) * 2))
    return path


async def render_lines(folder: Path) -> dict[str, Path]:
    """Every line of every part as a WAV in ``folder``, by its words."""
    folder.mkdir(parents=True, exist_ok=True)
    voice = EspeakSynthesizer("ru")
    words = sorted({line.words for part in PARTS.values() for line in part.lines})
    spoken = await asyncio.gather(*(voice.synthesize(text) for text in words))
    return {text: await asyncio.to_thread(write_clip, folder / f"line-{number}.wav", pcm)
            for number, (text, pcm) in enumerate(zip(words, spoken))}


def clip_seconds(path: Path) -> float:
    with wave.open(str(path)) as clip:
        return clip.getnframes() / clip.getframerate() - LINE_TAIL_S


class BotVoice:
    """The bot's side of the call as the debtor's phone records it (baresip's ``*-dec.wav``)."""

    def __init__(self, phone: Baresip) -> None:
        self._phone = phone
        self._offset: int | None = None
        self._spoke = False
        self._loud_at = 0.0

    def _read(self) -> None:
        """Reads what was recorded since the last read (blocking: run in a thread, so the bot
        sharing the event loop in tests keeps its 20 ms pace)."""
        dumps = sorted(self._phone.recordings.glob("*-dec.wav"))
        if not dumps:
            return
        with dumps[-1].open("rb") as dump:
            if self._offset is None:
                # libsndfile writes the header first; the samples follow the "data" chunk header.
                start = dump.read(HEADER_BYTES).find(b"data")
                if start < 0:
                    return
                self._offset = start + 8
            dump.seek(self._offset)
            data = dump.read()
        data = data[:len(data) // 2 * 2]
        self._offset += len(data)
        if data and int(np.abs(np.frombuffer(data, dtype="<i2").astype(np.int32)).max()) > LOUD:
            self._spoke = True
            self._loud_at = time.monotonic()

    async def speaks(self) -> None:
        """Until the bot's next reply starts."""
        self._spoke = False
        while not self._spoke:
            await asyncio.sleep(0.1)
            await asyncio.to_thread(self._read)

    async def finished(self) -> None:
        """Until the bot has spoken its next reply and then been quiet for ``QUIET_S``."""
        await self.speaks()
        while time.monotonic() - self._loud_at < QUIET_S:
            await asyncio.sleep(0.1)
            await asyncio.to_thread(self._read)


async def act(phone: Baresip, part: Part, clips: dict[str, Path], keys: bool) -> None:
    """Play ``part`` on ``phone``'s call once it is established; ``keys``: also press the keys."""
    bot = BotVoice(phone)
    await _within(established(phone), phone, "the call to be established", CALL_TIMEOUT_S)
    if part.hangs_up_after_s is not None:
        await _within(bot.speaks(), phone, "the bot's greeting")
        for line in part.lines:
            await say(phone, clips[line.words])
        await asyncio.sleep(part.hangs_up_after_s)
        phone.command("b")
        return
    for line in part.lines:
        await _within(bot.finished(), phone, f"the bot's reply before «{line.words}»")
        await say(phone, clips[line.words])
        for number, key in enumerate(line.keys if keys else ()):
            if number:
                await _within(bot.finished(), phone, f"the bot's reply before key {key}")
            phone.command(key)


async def _within(waiting: Awaitable[None], phone: Baresip, what: str,
                  seconds: float = REPLY_TIMEOUT_S) -> None:
    try:
        await asyncio.wait_for(waiting, seconds)
    except TimeoutError:
        raise TimeoutError(f"debtor {phone.user} waited {seconds:.0f} s for {what} (its recording: "
                           f"{sorted(path.name for path in phone.recordings.iterdir())} in "
                           f"{phone.recordings})") from None


async def say(phone: Baresip, clip: Path) -> None:
    """The phone's microphone plays ``clip``; returns once its words are said."""
    # A console command longer than a key runs at its newline.
    phone.command(f"/ausrc aufile,{clip}\n")
    await asyncio.sleep(clip_seconds(clip))


async def established(phone: Baresip) -> None:
    """Until the phone reports its call established (one call per debtor here)."""
    while b"Call established" not in await asyncio.to_thread(phone.log_path.read_bytes):
        await asyncio.sleep(0.1)
