"""One answered call talking to one voice-bot session (voicebot/speech): frames and keys from the
line go in, the bot's paced frames go out, and the session's outcome is the call's."""
from __future__ import annotations

from collections.abc import AsyncIterator

from campaigns.outcomes.report import OutcomeReport
from dialer.line import DtmfKey, LiveCall
from voicebot.speech.session import AudioSession, Inbound, KeyPress


class LineSink:
    """The session's AudioSink: each frame joins the RTP sender's queue."""

    def __init__(self, call: LiveCall) -> None:
        self._call = call

    async def write(self, frame: bytes) -> None:
        self._call.send_frame(frame)


async def _inbound(call: LiveCall) -> AsyncIterator[Inbound]:
    async for item in call.inbound():
        yield KeyPress(item.digit) if isinstance(item, DtmfKey) else item


async def talk(call: LiveCall, session: AudioSession) -> OutcomeReport:
    """Hold the conversation until either side hangs up; the bot's last words go out whole."""
    report = await session.run(_inbound(call))
    if not call.ended:
        await call.wait_sent()
        await call.hang_up()
    return report
