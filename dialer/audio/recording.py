"""A call's audio, both sides, one stereo WAV per call: left the debtor, right the bot."""
from __future__ import annotations

import audioop
import time
import wave
from pathlib import Path

from dialer.audio.frames import RATE


class CallRecording:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._wave = wave.open(str(path), "wb")
        self._wave.setnchannels(2)
        self._wave.setsampwidth(2)
        self._wave.setframerate(RATE)

    def write(self, heard: bytes, sent: bytes) -> None:
        self._wave.writeframes(audioop.add(audioop.tostereo(heard, 2, 1, 0),
                                           audioop.tostereo(sent, 2, 0, 1), 2))

    def close(self) -> None:
        self._wave.close()


def purge_recordings(directory: Path, retention_days: int, now: float | None = None) -> int:
    """Delete recordings older than the retention setting; returns how many went."""
    if not directory.exists():
        return 0
    limit = (now if now is not None else time.time()) - retention_days * 86400
    removed = 0
    for path in directory.glob("*.wav"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
