"""One call's audio conversation: the debtor's frames in, the bot's frames out, any ``Conversation``
in between.

Inbound 20 ms frames pass voice activity (gating the recogniser) and end-of-turn detection; a
finished turn's text goes to ``Conversation.hear`` and the reply is spoken as frames paced at 20 ms
to the ``AudioSink``. When the debtor starts speaking (or presses a key) during a reply, output
stops at the next frame and the heard share goes to ``Conversation.heard``. The call ends when the
bot has spoken a hang-up reply or the inbound stream ends (the debtor hung up), with
``Conversation.outcome``. Nothing here knows SIP: the dialer converts G.711 at its edge.

    engines = await SpeechEngines.load()               # once per process, shared by its calls
    session = AudioSession(engines, conversation, sink)  # sink.write(frame) every 20 ms
    outcome = await session.run(inbound)               # 320-byte frames and KeyPress; end = BYE

To end a call for another reason (shutdown, a SIP failure), cancel the task running ``run``.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from datetime import UTC, datetime
from typing import Protocol

from campaigns.outcomes.report import OutcomeReport
from voicebot.conversation import BotReply, Conversation
from voicebot.speech.asr import StreamingRecognizer
from voicebot.speech.audio import FRAME_BYTES, FRAME_SECONDS, frame_count, split_frames
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.listener import (
    SpeechAudio,
    SpeechStarted,
    StampedFrame,
    TurnEnded,
    TurnListener,
)


# Voice activity for every call of the process, apart from the default pool where vosk decodes: a
# batch of frames (about a millisecond of work) must not queue behind another call's final result
# (a tenth of a second and more), or barge-in and the end of turn come late under load.
_LISTENING = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="listening")


@dataclass(frozen=True)
class KeyPress:
    """A DTMF digit (RFC 2833) from the line."""

    digit: str


# What the dialer sends: 320-byte line frames (8 kHz, 16-bit mono, 20 ms) and key presses, in the
# order they arrive; the end of the stream is the debtor hanging up.
Inbound = bytes | KeyPress


class AudioSink(Protocol):
    async def write(self, frame: bytes) -> None:
        """One 320-byte line frame of bot speech; called every 20 ms while the bot speaks."""
        ...


@dataclass
class Turn:
    """One debtor turn, for the call record and the latency benchmark (event-loop times)."""

    text: str
    speech_ended_at: float
    # When the pause was judged the end of the turn, the recogniser gave its text, the
    # conversation its reply, and the reply's first frame went to the sink (None: not yet).
    ended_at: float | None = None
    text_at: float | None = None
    reply_at: float | None = None
    first_audio_at: float | None = None

    @property
    def response_seconds(self) -> float | None:
        return None if self.first_audio_at is None else self.first_audio_at - self.speech_ended_at


def utc_now() -> datetime:
    return datetime.now(UTC)


class AudioSession:
    """``expected_phrases`` (optional) names what the dialogue expects next, asked after each of
    its replies: a grammar for the recogniser, or None for free decoding. Without it the session
    decodes with the engines' grammar (``[speech] asr_decoding``)."""

    def __init__(self, engines: SpeechEngines, conversation: Conversation, sink: AudioSink,
                 clock: Callable[[], datetime] = utc_now,
                 expected_phrases: Callable[[], Sequence[str] | None] | None = None) -> None:
        self._engines = engines
        self._conversation = conversation
        self._sink = sink
        self._clock = clock
        self._expected_phrases = expected_phrases
        self._loop = asyncio.get_running_loop()
        self._listener = TurnListener(engines.settings, engines.vad_model, engines.turn_model)
        self._recognizer = StreamingRecognizer(engines.asr_model, self._grammar(),
                                               on_partial=self._on_partial)
        self._inbound: list[StampedFrame] = []
        self._listening: asyncio.Task[None] | None = None
        self._speaking: asyncio.Task[None] | None = None
        # Conversation steps in order: each waits for the one before (the last is the newest).
        self._steps: list[asyncio.Task[None]] = []
        self._bot_hung_up = asyncio.Event()
        self._failure: BaseException | None = None
        self.turns: list[Turn] = []
        # The longest a frame waited for voice activity analysis: a session keeps up with the
        # line while this stays well under a second.
        self.listening_lag = 0.0

    def _grammar(self) -> Sequence[str] | None:
        if self._expected_phrases is None:
            return self._engines.grammar
        return self._expected_phrases()

    async def run(self, inbound: AsyncIterable[Inbound]) -> OutcomeReport:
        """Holds the conversation until either side hangs up; the call's one outcome."""
        receiving = asyncio.create_task(self._receive(inbound))
        self._answer(partial(self._ask, self._conversation.open))
        bot_hung_up = asyncio.create_task(self._bot_hung_up.wait())
        try:
            await asyncio.wait({receiving, bot_hung_up}, return_when=asyncio.FIRST_COMPLETED)
            if self._failure is not None:
                raise self._failure
            debtor_hung_up = receiving.done()
            if debtor_hung_up:
                receiving.result()
                await self._stop_speaking()
        finally:
            tasks = [task for task in (receiving, bot_hung_up, self._listening, self._speaking,
                                       *self._steps) if task is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return self._conversation.outcome(hung_up_by_debtor=debtor_hung_up)

    async def _receive(self, inbound: AsyncIterable[Inbound]) -> None:
        async for event in inbound:
            if isinstance(event, KeyPress):
                self._barge_in()
                self._answer(partial(self._ask, partial(self._conversation.key, event.digit)))
                continue
            if len(event) != FRAME_BYTES:
                raise ValueError(f"a line frame is {FRAME_BYTES} bytes, got {len(event)}")
            if not self._engines.settings.listen:
                continue
            self._inbound.append(StampedFrame(event, self._loop.time()))
            if self._listening is None or self._listening.done():
                self._listening = asyncio.create_task(self._listen())
                self._listening.add_done_callback(self._note_failure)

    async def _listen(self) -> None:
        # Frames arriving while a batch is analysed wait and form the next batch.
        while self._inbound:
            batch, self._inbound = self._inbound, []
            heard_in_batch = await self._loop.run_in_executor(_LISTENING, self._listener.listen,
                                                              batch)
            self.listening_lag = max(self.listening_lag, self._loop.time() - batch[0].at)
            for heard in heard_in_batch:
                if isinstance(heard, SpeechStarted):
                    if self._engines.settings.barge_in == "voice":
                        self._barge_in()
                elif isinstance(heard, SpeechAudio):
                    self._recognizer.feed(heard.pcm)
                elif isinstance(heard, TurnEnded):
                    self._answer_turn(heard.speech_ended_at, self._recognizer.end_turn())

    def _answer_turn(self, speech_ended_at: float, text: asyncio.Future[str]) -> None:
        turn = Turn("", speech_ended_at, ended_at=self._loop.time())

        async def hear() -> BotReply | None:
            turn.text = await text
            turn.text_at = self._loop.time()
            if not turn.text:
                # Noise or a cough: nothing to answer, and a reply still playing goes on.
                return None
            self.turns.append(turn)
            reply = await self._ask(partial(self._conversation.hear, turn.text))
            turn.reply_at = self._loop.time()
            return reply

        self._answer(hear, turn)

    def _on_partial(self, words: str) -> None:
        if self._engines.settings.barge_in == "words":
            self._barge_in()

    def _barge_in(self) -> None:
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()

    def _answer(self, step: Callable[[], Awaitable[BotReply | None]],
                turn: Turn | None = None) -> None:
        """Runs one conversation step (open, a turn, a key) and speaks its reply, if any; steps
        run in the order they came."""
        previous = self._steps[-1] if self._steps else None

        async def answer() -> None:
            if previous is not None:
                await asyncio.wait({previous})
            reply = await step()
            if reply is not None:
                # The dialogue may expect something else now that it has answered.
                self._recognizer.set_grammar(self._grammar())
                self._speaking = asyncio.create_task(self._speak(reply, turn))
                self._speaking.add_done_callback(self._note_failure)

        task = asyncio.create_task(answer())
        self._steps.append(task)
        task.add_done_callback(self._step_done)

    def _step_done(self, task: asyncio.Task[None]) -> None:
        self._steps.remove(task)
        self._note_failure(task)

    async def _ask(self, call: Callable[[datetime], Awaitable[BotReply]]) -> BotReply:
        """Stops a reply still playing, so that its heard share reaches the conversation before
        the step that interrupted it, then asks the conversation."""
        await self._stop_speaking()
        return await call(self._clock())

    def _note_failure(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._failure = task.exception()
            self._bot_hung_up.set()

    async def _stop_speaking(self) -> None:
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()
        if self._speaking is not None:
            await asyncio.wait({self._speaking})

    async def _speak(self, reply: BotReply, turn: Turn | None) -> None:
        renders = self._engines.phrases.render_reply(reply.text)
        played = 0
        next_at = self._loop.time()
        try:
            for render in renders:
                for frame in split_frames(await render):
                    delay = next_at - self._loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    else:
                        # Late (a slow rendering): restart the clock rather than burst to catch up.
                        next_at = self._loop.time()
                    if played == 0 and turn is not None:
                        turn.first_audio_at = self._loop.time()
                    await self._sink.write(frame)
                    played += 1
                    next_at += FRAME_SECONDS
        except asyncio.CancelledError:
            total = sum([frame_count(await render) for render in renders])
            self._conversation.heard(played / total if total else 1.0)
            raise
        self._conversation.heard(1.0)
        if reply.hang_up:
            self._bot_hung_up.set()
