"""Call recordings on the case card: the stereo WAV the dialer wrote for an attempt, played in the
browser. Staff only, every listen in the audit log; a recording past the retention setting is
gone (purged, or due to be) and answers 404, as if it had never been made."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from backoffice.web.auth.audit import audit
from backoffice.web.keys import SESSIONMAKER
from dialer.settings import sip_settings
from models.enums import Channel
from models.outreach import Attempt


@dataclass(frozen=True, slots=True)
class RecordingStore:
    folder: Path
    retention_days: int

    def path_of(self, attempt_id: int) -> Path:
        # The name the call worker gives each attempt's recording (dialer/worker.py).
        return self.folder / f"attempt-{attempt_id}.wav"

    def kept(self, attempt_id: int, now: float | None = None) -> Path | None:
        """The recording if it exists and is within the retention; blocking (stat)."""
        path = self.path_of(attempt_id)
        try:
            written = path.stat().st_mtime
        except OSError:
            return None
        limit = (now if now is not None else time.time()) - self.retention_days * 86400
        return path if written >= limit else None

    async def recorded(self, attempt_ids: list[int]) -> set[int]:
        """Which of the attempts still have a recording to play."""
        if not attempt_ids:
            # Most cards have no calls: no trip through the thread pool for them.
            return set()
        return await asyncio.to_thread(
            lambda: {attempt_id for attempt_id in attempt_ids if self.kept(attempt_id)})


RECORDINGS: web.AppKey[RecordingStore] = web.AppKey("recordings", RecordingStore)


def install(app: web.Application) -> None:
    """The store where the phone line of this installation writes (section ``[sip]``)."""
    settings = sip_settings()
    app[RECORDINGS] = RecordingStore(settings.recordings_dir, settings.recording_retention_days)


async def play(request: web.Request) -> web.StreamResponse:
    attempt_id = int(request.match_info["attempt_id"])
    await audit(request, f"recording:attempt:{attempt_id}", "listen")
    async with request.app[SESSIONMAKER]() as session:
        attempt = await session.get(Attempt, attempt_id)
    if attempt is None or attempt.channel != Channel.CALL.value:
        raise web.HTTPNotFound(text="Такого звонка нет.")
    path = await asyncio.to_thread(request.app[RECORDINGS].kept, attempt_id)
    if path is None:
        raise web.HTTPNotFound(
            text="Записи этого звонка нет: она не велась или удалена по сроку хранения записей.")
    # FileResponse answers Range requests, so the player can seek.
    return web.FileResponse(path, headers={"Content-Type": "audio/wav",
                                           "Cache-Control": "private, no-store"})
