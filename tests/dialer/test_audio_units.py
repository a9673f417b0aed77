"""Parts of the line without a network: codec path, jitter buffer, playback share, retention,
outcome mapping, request resending."""
from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import numpy as np
import pytest
from pyVoIP import RTP

from dialer.audio.frames import FRAME_BYTES, PCMA, PCMU, SILENCE, decode_g711, encode_g711, split_frames
from dialer.audio.jitter import JitterBuffer
from dialer.audio.playback import Outbound
from dialer.audio.recording import CallRecording, purge_recordings
from dialer.sip.progress import CallEnd, end_of_final_response
from dialer.sip.resend import T1_S, Resender
from dialer.sip.rtp import parse_rtp
from tests.dialer.audio_compare import fidelity
from tests.dialer.speech import read_pcm, speak


def test_16_bit_g711_keeps_35_db_where_pyvoip_8_bit_path_loses_it(tmp_path: Path) -> None:
    # PEERS.md defect 6: pyVoIP decodes to 8-bit unsigned PCM and encodes PCMA as PCMU.
    speech = read_pcm(speak(tmp_path / "s.wav", "Здравствуйте, это звонок по поводу оплаты."))
    speech = speech[: len(speech) // FRAME_BYTES * FRAME_BYTES]
    for payload_type in (PCMU, PCMA):
        ours = b"".join(decode_g711(encode_g711(f, payload_type), payload_type) for f in split_frames(speech))
        assert fidelity(speech, ours).snr_db >= 35
    stock = RTP.RTPClient({0: RTP.PayloadType.PCMU}, "127.0.0.1", 0, "127.0.0.1", 0,
                          RTP.TransmitType.SENDRECV)
    u8 = np.frombuffer(speech, "<i2").astype(np.int32) // 256 + 128
    wire = stock.encode_pcmu(u8.astype(np.uint8).tobytes())
    back = (np.frombuffer(decode_g711(wire, PCMU), "<i2")).tobytes()
    assert fidelity(speech, back).snr_db < 30


def test_jitter_buffer_orders_conceals_losses_and_skips_events() -> None:
    frames = [bytes([i]) * FRAME_BYTES for i in range(1, 6)]
    buffer = JitterBuffer(prime_frames=2)
    assert buffer.pop() == SILENCE
    buffer.put(65534, frames[0])
    buffer.put(0, frames[2])  # 65535 lost, sequence wraps
    buffer.put(1, None)  # a DTMF event took this number
    buffer.put(2, frames[3])
    assert [buffer.pop() for _ in range(3)] == [frames[0], SILENCE, frames[2]]
    assert buffer.pop() == frames[3]
    assert buffer.lost == 1
    buffer.put(65000, frames[4])  # from before what was played: dropped
    assert buffer.pop() == SILENCE


def test_playback_share_counts_sent_frames_and_barge_in() -> None:
    outbound = Outbound()
    playback = outbound.enqueue(b"\x01\x00" * 800)  # 100 ms: five frames
    assert playback.total_frames == 5
    outbound.next_frame()
    outbound.next_frame()
    assert playback.share == 0.4 and not playback.finished.is_set()
    outbound.clear()
    assert playback.stopped and playback.finished.is_set() and playback.share == 0.4
    assert outbound.next_frame() == SILENCE


def test_recordings_older_than_the_retention_are_purged(tmp_path: Path) -> None:
    old, new = CallRecording(tmp_path / "old.wav"), CallRecording(tmp_path / "new.wav")
    for recording in (old, new):
        recording.write(SILENCE, SILENCE)
        recording.close()
    month_ago = time.time() - 31 * 86400
    os.utime(old.path, (month_ago, month_ago))
    assert purge_recordings(tmp_path, retention_days=30) == 1
    assert [p.name for p in tmp_path.glob("*.wav")] == ["new.wav"]


def test_final_responses_map_to_one_end() -> None:
    assert [end_of_final_response(code) for code in (486, 600, 603, 404, 484, 480, 408, 487, 500, 503)] == [
        CallEnd.BUSY, CallEnd.BUSY, CallEnd.DECLINED, CallEnd.NOT_FOUND, CallEnd.NOT_FOUND,
        CallEnd.UNAVAILABLE, CallEnd.NO_ANSWER, CallEnd.NO_ANSWER, CallEnd.FAILED, CallEnd.FAILED]


def test_an_unanswered_bye_is_resent_until_its_answer() -> None:
    sent: list[float] = []
    finished: list[Resender] = []
    bye = Resender(lambda text: sent.append(time.monotonic()), "BYE …", finished.append)
    bye.start()
    deadline = time.monotonic() + 30
    while len(sent) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    bye.answered()
    # Past the moment the fourth would go (4·T1 after the third): an answered BYE is not resent.
    time.sleep(4 * T1_S + 0.1)
    # A busy machine fires timers late, never early: each wait is at least T1, then 2·T1.
    gaps = [later - earlier for earlier, later in zip(sent, sent[1:])]
    assert len(sent) == 3 and gaps[0] >= T1_S - 0.01 and gaps[1] >= 2 * T1_S - 0.01
    assert finished == [bye]


def test_rtp_header_extension_csrc_and_padding_are_not_audio() -> None:
    # pyVoIP's RTPMessage handed all of them to the decoder as audio (a click a packet).
    audio = bytes(range(160))
    header = struct.pack("!BBHII", 0x80 | 0x20 | 0x10 | 2, 0x80 | PCMA, 65535, 123456, 7)
    csrcs = struct.pack("!II", 1, 2)
    extension = struct.pack("!HH", 0xBEDE, 2) + bytes(8)
    padding = bytes(3) + b"\x04"
    packet = parse_rtp(header + csrcs + extension + audio + padding)
    assert (packet.payload_type, packet.sequence, packet.timestamp, packet.payload) == (
        PCMA, 65535, 123456, audio)
    stock = RTP.RTPMessage(header + csrcs + extension + audio + padding, {PCMA: RTP.PayloadType.PCMA})
    assert stock.payload != audio
    for broken in (header[:8], bytes([0x40]) + header[1:] + audio, header[:1] + bytes(11) + b"\x00\x05"):
        with pytest.raises(RTP.RTPParseError):
            parse_rtp(broken)
