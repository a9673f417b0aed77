"""Early media: a carrier's announcement sent after a 183 Session Progress with SDP, before a failure
response, through Kamailio from a sipp callee streaming a known clip (SIT tones and "аппарат
абонента выключен"). pyVoIP 1.6.8 ignores the 183; our line used to hand over only its last 200 ms.
"""
from __future__ import annotations

import asyncio
import audioop
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.report import OutcomeKind
from dialer.answering import unanswered
from dialer.line import PhoneLine
from dialer.peers.processes import Kamailio, SippCallee
from dialer.sip.progress import CallEnd, Progress
from tests.amd import clips
from tests.dialer.audio_compare import fidelity, stereo_channel
from tests.dialer.test_worker import _queue, work_the_queue
from voicebot.amd.settings import AmdSettings
from voicebot.speech.engines import SpeechEngines

BYTES_PER_S = 16000


async def _announcing_callee(folder: Path, kamailio: Kamailio, user: str, code: int = 480,
                             reason: str = "Temporarily Unavailable") -> tuple[bytes, SippCallee]:
    clip = await asyncio.to_thread(clips.announcement, clips.ANNOUNCEMENTS[0])
    raw = folder / f"{user}.ulaw"
    raw.write_bytes(audioop.lin2ulaw(clip, 2))
    fill = {"CLIP": str(raw), "PLAY_MS": str(len(clip) * 1000 // BYTES_PER_S + 800),
            "CODE": str(code), "REASON": reason}
    callee = await asyncio.to_thread(SippCallee(folder, kamailio.port, "uas_early_media", user, fill=fill).start)
    return clip, callee


async def test_announcement_before_a_failure_is_kept_recorded_and_classified(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path, engines: SpeechEngines) -> None:  # noqa: F811
    clip, callee = await _announcing_callee(tmp_path, kamailio, "switchedoff")
    call = await line.dial("switchedoff")
    assert not await call.wait_answered()
    result = await call.wait_ended()
    assert (result.end, result.sip_code, result.outcome_kind) == (
        CallEnd.UNAVAILABLE, 480, OutcomeKind.UNREACHABLE)
    progress = [event.progress for event in call.history]
    assert progress[progress.index(Progress.RINGING) + 1] == Progress.EARLY_MEDIA
    heard = fidelity(clip, call.early_audio)
    assert heard.xcorr > 0.95, heard
    assert heard.aligned_s > len(clip) / BYTES_PER_S - 0.2, "the whole announcement, not its end"
    assert result.recording is not None, "the early media is the unanswered call's evidence"
    with wave.open(str(result.recording)) as recording:
        left = stereo_channel(recording.readframes(recording.getnframes()), 0)
    assert fidelity(clip, left).xcorr > 0.95
    report = await unanswered(call, result, AmdSettings(), engines)
    assert report.kind == OutcomeKind.UNREACHABLE
    assert "carrier_announcement" in report.note and "sit_tones_hz" in report.note, report.note
    assert kamailio.requests("ACK", call.call_id) == 1
    assert callee.wait(10) == 0


async def test_announcement_until_our_ring_timeout_is_unreachable_not_no_answer(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path, engines: SpeechEngines) -> None:  # noqa: F811
    # The carrier plays "аппарат абонента выключен" and sends no final answer: our ring timeout
    # CANCELs (487, no_answer); the announcement heard makes the number unreachable.
    clip, callee = await _announcing_callee(tmp_path, kamailio, "playsforever")
    call = await line.dial("playsforever", ring_timeout_s=len(clip) / BYTES_PER_S + 0.5)
    result = await call.wait_ended()
    assert (result.end, result.sip_code) == (CallEnd.NO_ANSWER, 487)
    assert fidelity(clip, call.early_audio).xcorr > 0.95
    report = await unanswered(call, result, AmdSettings(), engines)
    assert report.kind == OutcomeKind.UNREACHABLE and "carrier_announcement" in report.note, report.note
    assert callee.wait(10) == 0


async def test_early_media_kept_is_bounded_by_the_setting(
        kamailio: Kamailio, make_line: Callable[..., PhoneLine], tmp_path: Path) -> None:
    clip, callee = await _announcing_callee(tmp_path, kamailio, "longannouncement")
    line = make_line(kamailio.port, early_media_max_s=2.0)
    await line.start()
    call = await line.dial("longannouncement")
    await call.wait_ended()
    early = call.early_audio
    assert len(early) == 2 * BYTES_PER_S
    # The clip ends in a second of silence: its last four seconds hold the newest two at 2 s.
    tail = fidelity(clip[-4 * BYTES_PER_S:], early)
    assert tail.xcorr > 0.95 and abs(tail.lag_s + 2.0) < 0.1, tail
    assert callee.wait(10) == 0


@pytest.mark.parametrize(("answering", "outcome"), [(AmdSettings(), "unreachable"), (None, "failed")])
async def test_worker_reports_an_announced_failure_as_unreachable(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        sessionmaker: async_sessionmaker[AsyncSession], engines: SpeechEngines,  # noqa: F811
        answering: AmdSettings | None, outcome: str) -> None:
    # The carrier plays its announcement, then fails the call (503, a 500 from the proxy): on
    # its own a trunk failure, with the announcement heard a number nobody reaches.
    await _announcing_callee(tmp_path, kamailio, "announced", 503, "Service Unavailable")
    await _queue(sessionmaker, ["announced"])
    line = make_line(kamailio.port)
    _, rows, _ = await work_the_queue(sessionmaker, line, engines, 60, answering=answering)
    (row,) = [row for row in rows if row.channel == "call"]
    assert row.outcome == outcome
    assert row.note.startswith("SIP 500") and "запись разговора" in row.note, row.note
    assert ("звук до ответа: сообщение оператора связи" in row.note) == (answering is not None), row.note
