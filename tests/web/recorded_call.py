"""A finished call attempt with the recording the call worker would have left for it."""
from __future__ import annotations

import math
import struct
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.audio.frames import RATE
from dialer.audio.recording import CallRecording
from models.outreach import Attempt
from tests.campaigns.world import utc

FRAMES = 50  # one second of 20 ms frames


def write_recording(path: Path) -> None:
    """A second of a 440 Hz tone heard, silence sent: a real stereo WAV as the dialer writes."""
    samples = RATE // 50
    recording = CallRecording(path)
    for frame in range(FRAMES):
        heard = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * (frame * samples + i) / RATE)))
                         for i in range(samples))
        recording.write(heard, bytes(2 * samples))
    recording.close()


async def recorded_call(sessionmaker: async_sessionmaker[AsyncSession], folder: Path,
                        case_id: int = 1) -> tuple[int, int]:
    """Two answered calls of the case, the first with its recording in ``folder``: their ids."""
    async with sessionmaker.begin() as session:
        attempts = [Attempt(case_id=case_id, channel="call", address="+79101234567",
                            idempotency_key=f"recorded-{case_id}-{n}", status="done",
                            finished_at=utc(f"2026-06-1{n}T10:00:00"), outcome="answered",
                            note="запись разговора")
                    for n in (3, 4)]
        session.add_all(attempts)
        await session.flush()
        ids = attempts[0].id, attempts[1].id
    write_recording(folder / f"attempt-{ids[0]}.wav")
    return ids
