"""pyVoIP's RTP client on a 16-bit G.711 path, paced on an absolute clock.

What pyVoIP 1.6.8 does and why each part is replaced here:
- it decodes G.711 to 8-bit unsigned PCM and encodes from it (10–28 dB SNR lost) and sends PCMA
  encoded as PCMU: we decode/encode 16-bit with the negotiated codec;
- its sender sleeps "20 ms minus the work" each packet and drifts (49.8 packets/s, 0.25 s a
  minute): the phone's media loop (media.py) sends packet n of every call at start + n·20 ms;
- its packet parser walks the header bit by bit through strings (6 µs a packet, 60 times
  ``parse_rtp``'s cost, paid 50 times a second per call while the GIL is held) and leaves header
  extensions and padding in the audio;
- its receiver polls a non-blocking socket every 10 ms and fills lost packets with clicks: the
  media loop waits in epoll; each frame goes to the reader as it arrives in sequence (silence for
  lost ones, and silence on our 20 ms clock while nothing arrives), so the reader follows the
  callee's own clock and never waits; the recording pairs both sides on our clock through a
  jitter buffer;
- its sockets are bound only once the call is answered, so the callee's first audio is lost:
  we bind and listen before the INVITE leaves;
- a re-INVITE restarts its threads (two senders, 100 packets/s): ``connect`` here only moves the
  remote address of the one sender;
- it ignores early media (a 183 with SDP): everything received before the answer (a carrier's
  ringback or "аппарат абонента выключен", sent before or instead of a 200) is kept here, bounded,
  and recorded against silence on our side, for the answer classifier and the recording.
"""
from __future__ import annotations

import logging
import random
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from pyVoIP import RTP

from dialer.audio.frames import FRAME_SAMPLES, PCMA, PCMU, SILENCE, decode_g711, encode_g711, split_frames
from dialer.audio.jitter import JitterBuffer
from dialer.audio.playback import Outbound
from dialer.audio.recording import CallRecording
from dialer.sip.dialog import TELEPHONE_EVENT
from dialer.sip.media import MediaLoop

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!BBHII")
# No packet for this long (the callee sends nothing, or the network lost a stretch): the reader
# gets silence on our clock until packets come back. Shorter, and a loaded machine's stalled
# receive thread would be taken for a gap: the late packets then arrive after the silence and
# shift the stream (seen at 200 ms with the load average at 8 on 2 cores).
GAP_S = 0.3
# A jump in sequence numbers beyond this is a new stream (e.g. after a re-INVITE), not a loss.
MAX_CONCEALED_FRAMES = 50
DTMF_KEYS = "0123456789*#ABCD"


class NoRtpPortError(RuntimeError):
    pass


class RtpPacket(NamedTuple):
    payload_type: int
    sequence: int
    timestamp: int
    payload: bytes


def parse_rtp(packet: bytes) -> RtpPacket:
    """An RTP packet (RFC 3550 5.1): CSRCs, a header extension and padding are not audio."""
    if len(packet) < _HEADER.size:
        raise RTP.RTPParseError("RTP packet shorter than its header")
    first, second, sequence, timestamp, _ = _HEADER.unpack_from(packet)
    if first >> 6 != 2:
        raise RTP.RTPParseError(f"RTP version {first >> 6}")
    start, end = _HEADER.size + 4 * (first & 0x0F), len(packet)
    if first & 0x10:
        if end < start + 4:
            raise RTP.RTPParseError("RTP header extension cut short")
        start += 4 + 4 * int.from_bytes(packet[start + 2:start + 4], "big")
    if first & 0x20 and end > start:
        end -= packet[-1]
    if end < start:
        raise RTP.RTPParseError("RTP header longer than its packet")
    return RtpPacket(second & 0x7F, sequence, timestamp, packet[start:end])


class PcmRtpClient(RTP.RTPClient):
    def __init__(self, media: MediaLoop, local_address: str, port_low: int, port_high: int,
                 on_frame: Callable[[bytes], None], on_dtmf: Callable[[str], None],
                 recording: CallRecording | None = None, early_media_frames: int = 0) -> None:
        assoc = {0: RTP.PayloadType.PCMU, 8: RTP.PayloadType.PCMA, 101: RTP.PayloadType.EVENT}
        super().__init__(assoc, local_address, 0, "", 0, RTP.TransmitType.SENDRECV, dtmf=on_dtmf)
        self._media = media
        self._port_range = (port_low, port_high)
        self._on_frame = on_frame
        self.recording = recording
        self.outbound = Outbound()
        # Only the recording plays out through it; 100 ms absorbs the arrival jitter seen here.
        self.jitter = JitterBuffer(prime_frames=5)
        self.payload_type = 0
        self._last_dtmf_timestamp: int | None = None
        self._expected_sequence: int | None = None
        self._deliver_lock = threading.Lock()
        self._last_delivery = time.monotonic()
        self._sequence, self._timestamp = self.outSequence, self.outTimestamp
        self._record_lock = threading.Lock()
        # Send times (monotonic s) of every packet, when a benchmark asks for them.
        self.send_times: list[float] | None = None
        self.packets_sent = 0
        # Silence frames handed to the reader for lost packets and for stretches with no packets.
        self.concealed_frames = 0
        self.gap_frames = 0
        # The callee's frames before the answer (the newest ones past the bound), in arrival order.
        self.early: deque[bytes] = deque(maxlen=early_media_frames)
        self._answered = False

    def open(self) -> int:
        """Bind a free port of the range and start receiving now, before the INVITE is sent."""
        self.sin = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        low, high = self._port_range
        for _ in range(200):
            port = random.randrange(low, high, 2)
            try:
                self.sin.bind((self.inIP, port))
                break
            except OSError:
                continue
        else:
            self.sin.close()
            raise NoRtpPortError(f"no free RTP port in {low}-{high}")
        self.sout = self.sin
        self.inPort = port
        self._media.listen(self)
        return port

    def start(self) -> None:
        raise RuntimeError("use open() and connect(): pyVoIP's start() rebinds on every re-INVITE")

    def connect(self, address: str, port: int, payload_type: int) -> None:
        """Media answered: send to the callee. Called again on a re-INVITE, it only re-targets."""
        with self._deliver_lock:
            if not self._answered:
                self._answered = True
                # Early media went to the recording as it came: the media clock must not write it again.
                self.jitter = JitterBuffer(prime_frames=5)
        self.outIP, self.outPort = address, port
        self.payload_type = payload_type
        self._media.send(self)

    def stop(self) -> None:
        self.NSD = False
        self._media.forget(self)
        self.sin.close()
        with self._record_lock:
            if self.recording is not None:
                self.recording.close()
                self.recording = None

    def parse_packet(self, packet: bytes) -> None:
        message = parse_rtp(packet)
        if message.payload_type == TELEPHONE_EVENT:
            # Events share the audio's sequence numbers (baresip even interleaves them with audio):
            # they are no loss to conceal.
            self.jitter.put(message.sequence, None)
            self._in_sequence(message.sequence, None)
            self._telephone_event(message)
        elif message.payload_type in (PCMU, PCMA):
            pcm = decode_g711(message.payload, message.payload_type)
            self.jitter.put(message.sequence, pcm)
            self._in_sequence(message.sequence, pcm)
        else:
            raise RTP.RTPParseError(f"unsupported payload {message.payload_type}")

    def _in_sequence(self, sequence: int, pcm: bytes | None) -> None:
        expected = sequence if self._expected_sequence is None else self._expected_sequence
        gap = (sequence - expected) & 0xFFFF
        if gap >= 0x8000:
            return  # late or duplicate: its slot was already handed over
        self._expected_sequence = (sequence + 1) & 0xFFFF
        if gap <= MAX_CONCEALED_FRAMES:
            for _ in range(gap):
                self._deliver(SILENCE)
            self.concealed_frames += gap
        for frame in split_frames(pcm or b""):
            self._deliver(frame)

    def _deliver(self, frame: bytes) -> None:
        with self._deliver_lock:
            self._last_delivery = time.monotonic()
            if not self._answered:
                self._early(frame)
            self._on_frame(frame)

    def _early(self, frame: bytes) -> None:
        if self.early.maxlen:
            self.early.append(frame)
        with self._record_lock:
            if self.recording is not None:
                self.recording.write(frame, SILENCE)

    def early_audio(self) -> bytes:
        """What the callee sent before the answer (16-bit 8 kHz PCM, the newest part if it was long)."""
        with self._deliver_lock:
            return b"".join(self.early)

    def _telephone_event(self, message: RtpPacket) -> None:
        # RFC 4733: one key press is a run of packets sharing a timestamp (and three end packets);
        # pyVoIP relies on the marker bit alone, which a lost first packet loses.
        if message.timestamp == self._last_dtmf_timestamp or not message.payload:
            return
        self._last_dtmf_timestamp = message.timestamp
        event = message.payload[0]
        if event < len(DTMF_KEYS) and self.dtmf is not None:
            self.dtmf(DTMF_KEYS[event])

    def tick(self) -> None:
        """One 20 ms tick of the media clock: send a packet, keep the reader and the recording fed."""
        frame = self.outbound.next_frame()
        marker = 0x80 if self.packets_sent == 0 else 0
        packet = _HEADER.pack(0x80, marker | self.payload_type, self._sequence & 0xFFFF,
                              self._timestamp & 0xFFFFFFFF, self.outSSRC)
        try:
            self.sout.sendto(packet + encode_g711(frame, self.payload_type), (self.outIP, self.outPort))
        except OSError:
            if not self.NSD:
                return
        if self.send_times is not None:
            self.send_times.append(time.monotonic())
        self._sequence += 1
        self._timestamp += FRAME_SAMPLES
        self.packets_sent += 1
        if time.monotonic() - self._last_delivery > GAP_S:
            self._deliver(SILENCE)
            self.gap_frames += 1
        with self._record_lock:
            if self.recording is not None:
                self.recording.write(self.jitter.pop(), frame)
