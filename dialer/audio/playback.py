"""What the bot says, queued frame by frame for the line, with how much of it was heard."""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from dialer.audio.frames import SILENCE, split_frames


@dataclass
class Playback:
    """One message put on the line; ``share`` is the part already sent when asked."""

    total_frames: int
    sent_frames: int = 0
    stopped: bool = False
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def share(self) -> float:
        return 1.0 if self.total_frames == 0 else min(1.0, self.sent_frames / self.total_frames)


# After running dry, sending resumes once this many frames wait (or as many ticks passed): a
# speaker that writes frame by frame on its own 20 ms clock (the voice bot's session) then keeps
# 60 ms in hand instead of leaving a gap at every scheduling hiccup.
PRIME_FRAMES = 3


class Outbound:
    """Frames waiting for the transmit clock; appends and pops are atomic on a deque."""

    def __init__(self) -> None:
        self._queue: deque[tuple[bytes, Playback]] = deque()
        self._dry = True
        self._waited = 0

    def enqueue(self, pcm16: bytes) -> Playback:
        frames = split_frames(pcm16)
        playback = Playback(total_frames=len(frames))
        if not frames:
            playback.finished.set()
        self._queue.extend((frame, playback) for frame in frames)
        return playback

    def enqueue_frame(self, frame: bytes) -> None:
        """One frame of a stream whose speaker keeps its own count of what was said."""
        playback = Playback(total_frames=1)
        self._queue.append((frame, playback))

    def next_frame(self) -> bytes:
        if self._dry:
            if not self._queue:
                return SILENCE
            self._waited += 1
            if len(self._queue) < PRIME_FRAMES and self._waited < PRIME_FRAMES:
                return SILENCE
            self._dry, self._waited = False, 0
        try:
            frame, playback = self._queue.popleft()
        except IndexError:
            self._dry = True
            return SILENCE
        if playback.stopped:
            return SILENCE
        playback.sent_frames += 1
        if playback.sent_frames == playback.total_frames:
            playback.finished.set()
        return frame

    def clear(self) -> None:
        """Stop everything queued (barge-in, hang-up): what was not sent stays unheard."""
        while True:
            try:
                _, playback = self._queue.popleft()
            except IndexError:
                return
            playback.stopped = True
            playback.finished.set()

    @property
    def pending_frames(self) -> int:
        return len(self._queue)
