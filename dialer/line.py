"""The phone line behind an asyncio interface: the API the call worker and the voice bot use.

Everything SIP/RTP runs in pyVoIP-style threads (dialer/sip); this module hands their events and
audio frames to the event loop in batches (handoff.py) and runs every blocking step in a thread,
so the loop is never blocked.

    line = PhoneLine(sip_settings())
    await line.start()
    call = await line.dial("79161234567")
    if await call.wait_answered():
        playback = call.play(pcm16)           # 8 kHz 16-bit PCM, any length
        frame = await call.read_frame()       # 20 ms of the debtor, silence where nothing came
        await call.hang_up()
    result = await call.wait_ended()          # one CallResult, result.outcome_kind for campaigns
"""
from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from campaigns.outcomes.report import OutcomeKind
from dialer.audio.playback import Playback
from dialer.audio.recording import CallRecording, purge_recordings
from dialer.handoff import LoopHandoff
from dialer.settings import SipSettings
from dialer.sip.call import DialerCall
from dialer.sip.phone import DialerPhone
from dialer.sip.progress import OUTCOME_OF_END, CallEnd, CallEvent, Progress
from dialer.sip.registration import RegistrationState, RegistrationStatus

# Frames kept for a reader that lags (10 s); older ones are dropped rather than growing memory.
MAX_PENDING_FRAMES = 500
# Early media (a carrier's ringback or announcement before the answer) is kept only this far back
# once the call is answered: the callee's first words may arrive a moment before its 200 OK is
# handled, a ringback must not reach the bot as if the debtor had spoken.
KEPT_BEFORE_ANSWER_FRAMES = 10


class CallEndedError(Exception):
    """The call is over: no more frames will come."""


@dataclass(frozen=True)
class DtmfKey:
    """A key the callee pressed, in order among the audio frames."""

    digit: str


@dataclass(frozen=True)
class CallResult:
    end: CallEnd
    sip_code: int | None
    reason: str
    answered: bool
    # Seconds from answer to the end; 0 when never answered.
    talk_s: float
    recording: Path | None

    @property
    def outcome_kind(self) -> OutcomeKind:
        return OUTCOME_OF_END[self.end]

    @property
    def sip_note(self) -> str:
        return f"SIP {self.sip_code or '—'} {self.reason}".strip()


class LiveCall:
    def __init__(self, handoff: LoopHandoff, recording: Path | None) -> None:
        self._handoff = handoff
        self._events: asyncio.Queue[CallEvent] = asyncio.Queue()
        # The callee's frames and keys in arrival order; None once the call is over.
        self._frames: asyncio.Queue[bytes | DtmfKey | None] = asyncio.Queue()
        self._answered = asyncio.Event()
        self._ended = asyncio.Event()
        self._recording = recording
        self._answered_at: float | None = None
        self.history: list[CallEvent] = []
        self.result: CallResult | None = None
        self.sip: DialerCall | None = None

    @property
    def call_id(self) -> str:
        assert self.sip is not None
        return self.sip.call_id

    # Called from SIP/RTP threads.
    def _on_event(self, event: CallEvent) -> None:
        self._handoff.put(self._handle_event, event)

    def _on_frame(self, frame: bytes) -> None:
        self._handoff.put(self._handle_frame, frame)

    # On the loop.
    def _handle_event(self, event: CallEvent) -> None:
        self.history.append(event)
        if event.progress == Progress.ANSWERED:
            self._answered_at = time.monotonic()
            self._drop_early_media()
            self._answered.set()
        elif event.progress == Progress.DTMF and event.digit:
            self._frames.put_nowait(DtmfKey(event.digit))
        elif event.progress == Progress.ENDED:
            assert event.end is not None
            talk = time.monotonic() - self._answered_at if self._answered_at else 0.0
            # Unanswered, the file holds only the early media: kept as the evidence of an
            # announcement, or removed when nothing was heard.
            kept = self._recording is not None and (self._answered_at is not None or self.early_audio)
            if self._recording is not None and not kept:
                self._recording.unlink(missing_ok=True)
            self.result = CallResult(event.end, event.sip_code, event.reason,
                                     self._answered_at is not None, round(talk, 3),
                                     self._recording if kept else None)
            self._frames.put_nowait(None)
            self._ended.set()
        self._events.put_nowait(event)

    def _drop_early_media(self) -> None:
        pending = []
        while not self._frames.empty():
            pending.append(self._frames.get_nowait())
        for item in pending[-KEPT_BEFORE_ANSWER_FRAMES:]:
            self._frames.put_nowait(item)

    def _handle_frame(self, frame: bytes) -> None:
        if self._frames.qsize() >= MAX_PENDING_FRAMES:
            self._frames.get_nowait()
        self._frames.put_nowait(frame)

    async def events(self) -> AsyncIterator[CallEvent]:
        """Progress events in order, the last one ENDED."""
        while True:
            event = await self._events.get()
            yield event
            if event.progress == Progress.ENDED:
                return

    async def wait_answered(self) -> bool:
        """True once answered; False if the call ended without an answer."""
        answered = asyncio.ensure_future(self._answered.wait())
        ended = asyncio.ensure_future(self._ended.wait())
        await asyncio.wait({answered, ended}, return_when=asyncio.FIRST_COMPLETED)
        answered.cancel()
        ended.cancel()
        return self._answered.is_set()

    async def wait_ended(self) -> CallResult:
        await self._ended.wait()
        assert self.result is not None
        return self.result

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    @property
    def early_audio(self) -> bytes:
        """The callee's audio before the answer (16-bit 8 kHz PCM; at most ``[sip] early_media_max_s``):
        a carrier's ringback or announcement, for the answer classifier. The reader of
        ``inbound``/``read_frame`` gets only its last moment (see KEPT_BEFORE_ANSWER_FRAMES)."""
        return self.sip.rtp.early_audio() if self.sip is not None else b""

    async def inbound(self) -> AsyncIterator[bytes | DtmfKey]:
        """The callee's 20 ms frames (16-bit PCM, 8 kHz) and key presses, until the call ends."""
        while True:
            item = await self._frames.get()
            if item is None:
                self._frames.put_nowait(None)
                return
            yield item

    async def read_frame(self) -> bytes:
        """The next 20 ms of the callee (keys skipped); CallEndedError once the call is over."""
        while True:
            item = await self._frames.get()
            if item is None:
                self._frames.put_nowait(None)
                raise CallEndedError(self.result.end if self.result else "ended")
            if isinstance(item, bytes):
                return item

    def send_frame(self, frame: bytes) -> None:
        """One 20 ms frame from a speaker that paces itself (the voice bot's session)."""
        assert self.sip is not None
        self.sip.rtp.outbound.enqueue_frame(frame)

    async def wait_sent(self, limit_s: float = 2.0) -> None:
        """Until everything queued for the line went out (before hanging up after a goodbye)."""
        assert self.sip is not None
        deadline = time.monotonic() + limit_s
        while self.sip.rtp.outbound.pending_frames and not self.ended and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def play(self, pcm16: bytes) -> Playback:
        """Queue speech (8 kHz 16-bit PCM) for the line; ``Playback.share`` tells how much went."""
        assert self.sip is not None
        return self.sip.rtp.outbound.enqueue(pcm16)

    def stop_playback(self) -> None:
        """Barge-in: drop what the bot has not said yet."""
        assert self.sip is not None
        self.sip.rtp.outbound.clear()

    async def wait_played(self, playback: Playback) -> float:
        """Wait until the message was sent whole or cut off; the share the debtor heard."""
        while not playback.finished.is_set() and not self.ended:
            await asyncio.sleep(0.02)
        return playback.share

    async def hang_up(self) -> CallResult:
        assert self.sip is not None
        await asyncio.to_thread(self.sip.hang_up)
        return await self.wait_ended()


class PhoneLine:
    def __init__(self, settings: SipSettings, register: bool = True) -> None:
        self.settings = settings
        self._register = register
        self._phone: DialerPhone | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.handoff: LoopHandoff | None = None
        self._registration_changed = asyncio.Condition()
        self.registration = RegistrationState(RegistrationStatus.UNREGISTERED)
        self.registration_history: list[RegistrationState] = []

    @property
    def phone(self) -> DialerPhone:
        assert self._phone is not None, "PhoneLine.start() first"
        return self._phone

    @property
    def live_calls(self) -> int:
        return len(self.phone.calls)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.handoff = LoopHandoff(self._loop)
        self._phone = DialerPhone(self.settings, self._on_registration, register=self._register)
        await asyncio.to_thread(self._phone.start)
        await asyncio.to_thread(purge_recordings, self.settings.recordings_dir,
                                self.settings.recording_retention_days)
        # A full collection scans every object with the GIL held: 51 ms measured at 50 calls
        # (bench/dialer.py), a stall of every call's RTP clock at once. What is alive now
        # (modules, engines, settings) lives as long as the process: out of the collector's reach,
        # once per process (the garbage collected first, so none of it is kept for ever).
        if not gc.get_freeze_count():
            gc.collect()
            gc.freeze()

    def _on_registration(self, state: RegistrationState) -> None:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(lambda: self._loop.create_task(self._registered(state)))
        except RuntimeError:
            pass

    async def _registered(self, state: RegistrationState) -> None:
        async with self._registration_changed:
            self.registration = state
            self.registration_history.append(state)
            self._registration_changed.notify_all()

    async def wait_registration(self, *statuses: RegistrationStatus,
                                timeout: float = 10.0) -> RegistrationState:
        """Wait until the registration is in one of ``statuses``; TimeoutError otherwise."""
        async def _wait() -> RegistrationState:
            async with self._registration_changed:
                await self._registration_changed.wait_for(lambda: self.registration.status in statuses)
                return self.registration
        return await asyncio.wait_for(_wait(), timeout)

    async def dial(self, number: str, *, recording_name: str | None = None,
                   ring_timeout_s: float | None = None) -> LiveCall:
        """Place a call; returns at once with the call ringing out (or already over)."""
        assert self.handoff is not None, "PhoneLine.start() first"
        path = None
        if self.settings.recording_retention_days > 0:
            stamp = time.strftime("%Y%m%dT%H%M%S")
            path = self.settings.recordings_dir / f"{recording_name or stamp + '-' + number}.wav"
        live = LiveCall(self.handoff, path)

        def _dial() -> DialerCall:
            recording = CallRecording(path) if path is not None else None
            return self.phone.dial(number, live._on_event, live._on_frame, recording, ring_timeout_s)

        live.sip = await asyncio.to_thread(_dial)
        return live

    async def stop(self) -> None:
        if self._phone is not None:
            await asyncio.to_thread(self._phone.stop)
