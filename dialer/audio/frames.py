"""The one audio format between the line and the bot: 16-bit signed little-endian PCM, 8 kHz mono."""
from __future__ import annotations

import audioop  # pyVoIP needs it too; stays on Python 3.11/3.12 (PEERS.md)

RATE = 8000
FRAME_MS = 20
FRAME_SAMPLES = RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * 2
SILENCE = bytes(FRAME_BYTES)

PCMU, PCMA = 0, 8


def split_frames(pcm16: bytes) -> list[bytes]:
    """20 ms frames of ``pcm16``, the last padded with silence."""
    frames = [pcm16[i:i + FRAME_BYTES] for i in range(0, len(pcm16), FRAME_BYTES)]
    if frames and len(frames[-1]) < FRAME_BYTES:
        frames[-1] = frames[-1] + bytes(FRAME_BYTES - len(frames[-1]))
    return frames


def encode_g711(pcm16: bytes, payload_type: int) -> bytes:
    return audioop.lin2alaw(pcm16, 2) if payload_type == PCMA else audioop.lin2ulaw(pcm16, 2)


def decode_g711(payload: bytes, payload_type: int) -> bytes:
    return audioop.alaw2lin(payload, 2) if payload_type == PCMA else audioop.ulaw2lin(payload, 2)
