"""Calls answered by a baresip "debtor": audio both ways on the 16-bit path, DTMF, long calls,
hang-up mid-message (PEERS.md pyVoIP defects 1, 6 and 7)."""
from __future__ import annotations

import asyncio
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from dialer.line import CallEndedError, LiveCall, PhoneLine
from dialer.sip.progress import CallEnd, Progress
from dialer.sip.registration import RegistrationStatus
from tests.dialer.audio_compare import fidelity, stereo_channel
from dialer.peers.processes import Baresip, Kamailio
from tests.dialer.speech import long_text, read_pcm, speak

HOLD_S = 47.0


async def _collect(call: LiveCall, frames: list[bytes]) -> None:
    try:
        while True:
            frames.append(await call.read_frame())
    except CallEndedError:
        return


@pytest.fixture
async def debtor_clip(tmp_path: Path) -> Path:
    return await asyncio.to_thread(speak, tmp_path / "debtor.wav", long_text("Говорит должник", 9), 8.0)


@pytest.mark.slow
async def test_long_call_carries_audio_both_ways_and_dtmf(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine],
        debtor_clip: Path) -> None:
    bot_clip = await asyncio.to_thread(speak, tmp_path / "bot.wav", long_text("Говорит робот", 8))
    bot_pcm, debtor_pcm = read_pcm(bot_clip), read_pcm(debtor_clip)
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, debtor_clip).start)
    try:
        line = make_line(kamailio.port)
        await line.start()
        # Dialled at once after start: pyVoIP lost the callee's first second here (defect 7).
        call = await line.dial("debtor")
        assert await call.wait_answered()
        heard: list[bytes] = []
        reader = asyncio.create_task(_collect(call, heard))
        playback = call.play(bot_pcm)
        await asyncio.sleep(5)
        key_frames = len(heard)
        debtor.command("1")
        await asyncio.sleep(1)
        debtor.command("#")
        await asyncio.sleep(1)
        after_keys_frames = len(heard)
        await asyncio.sleep(HOLD_S - 7)
        # Still up after 32 s: pyVoIP's ACK carried a wrong To-tag and baresip dropped the call.
        assert not call.ended
        result = await call.hang_up()
        await reader
    finally:
        debtor.stop()
    assert result.end == CallEnd.WE_HUNG_UP and result.talk_s >= HOLD_S
    assert [e.digit for e in call.history if e.progress == Progress.DTMF] == ["1", "#"]
    assert playback.share == 1.0

    # Debtor → bot: the frames the reader got, against the clip baresip played. baresip 1.0.0
    # sometimes skips a frame of its audio as a key press starts, so the stream is measured as
    # two unbroken stretches: before the keys and from a second after them to the end.
    received = b"".join(heard)
    before_keys = fidelity(debtor_pcm, b"".join(heard[:key_frames - 10]))
    after_keys = fidelity(debtor_pcm, b"".join(heard[after_keys_frames:]))
    assert before_keys.aligned_s >= 4 and after_keys.aligned_s >= HOLD_S - 8
    for heard_by_bot in (before_keys, after_keys):
        assert heard_by_bot.xcorr >= 0.99 and heard_by_bot.snr_db >= 35, heard_by_bot
    # The first second of the callee is there, from the start of the stream.
    first_second = fidelity(debtor_pcm[:16000], received)
    assert first_second.lag_s <= 0.1 and first_second.xcorr >= 0.99, first_second
    # Bot → debtor: what baresip decoded and recorded, against the message played.
    with wave.open(str(next(debtor.recordings.glob("*-dec.wav")))) as dump:
        got_by_debtor = dump.readframes(dump.getnframes())
    heard_by_debtor = fidelity(bot_pcm, got_by_debtor)
    assert heard_by_debtor.aligned_s >= HOLD_S - 2
    assert heard_by_debtor.xcorr >= 0.99 and heard_by_debtor.snr_db >= 35, heard_by_debtor
    # Our recording: stereo, the debtor left and the bot right, both whole.
    assert result.recording is not None
    with wave.open(str(result.recording)) as recording:
        assert (recording.getnchannels(), recording.getframerate()) == (2, 8000)
        both = recording.readframes(recording.getnframes())
    assert fidelity(bot_pcm, stereo_channel(both, 1)).xcorr >= 0.99
    assert fidelity(debtor_pcm[:80000], stereo_channel(both, 0)).xcorr >= 0.99
    print("debtor → bot", before_keys, after_keys, "bot → debtor", heard_by_debtor)


async def test_debtor_hanging_up_mid_message_leaves_a_listened_share_below_one(
        tmp_path: Path, kamailio: Kamailio, make_line: Callable[..., PhoneLine]) -> None:
    # baresip hangs up when its clip ends: a debtor who listens 3 s and puts the phone down.
    short_clip = await asyncio.to_thread(speak, tmp_path / "short.wav", "Алло, да, слушаю.", 1.5)
    message = read_pcm(await asyncio.to_thread(speak, tmp_path / "bot.wav", long_text("Говорит робот", 2)))
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, short_clip).start)
    try:
        line = make_line(kamailio.port)
        await line.start()
        await line.wait_registration(RegistrationStatus.REGISTERED)
        call = await line.dial("debtor")
        assert await call.wait_answered()
        playback = call.play(message)
        share = await call.wait_played(playback)
        result = await call.wait_ended()
    finally:
        debtor.stop()
    assert result.end == CallEnd.CALLEE_HUNG_UP
    assert 0.05 < share < 0.6, share
    assert playback.stopped
