"""Court packs of several accounts at once, from the lawyers' queue.

The batch is built in the background and reports into a ``PackBatch`` the queue page polls ("n из
N"); then its owner downloads one ZIP. An account whose pack cannot be made is listed with the
reason and the others are still packed.
"""
from __future__ import annotations

import asyncio
import io
import logging
import secrets
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from backoffice.web.auth.access import current_user
from backoffice.web.auth.audit import audit
from backoffice.web.import_jobs import Job, Jobs
from backoffice.web.keys import TODAY
from backoffice.web.legal import load_claim, write_court_pack

log = logging.getLogger(__name__)

# As many as the queue page shows.
MAX_ACCOUNTS = 200


@dataclass
class PackBatch(Job):
    accounts: list[str] = field(default_factory=list)
    done: int = 0
    # (account, why its pack, or part of it, was not made)
    refused: list[tuple[str, str]] = field(default_factory=list)
    packed: int = 0
    archive: bytes = b""
    failed: bool = False

    @property
    def ready(self) -> bool:
        """Whether there is a ZIP to download."""
        return self.finished is not None and not self.failed and self.packed > 0

    @property
    def stage(self) -> str:
        total = len(self.accounts)
        if self.failed:
            return "сбой на сервере: пакеты не сформированы, запустите формирование ещё раз"
        if self.finished is None:
            return f"{self.done} из {total}"
        return f"готово: пакеты {self.packed} из {total} лицевых счетов"

    def as_json(self) -> dict[str, Any]:
        return {"state": "done" if self.finished is not None else "running",
                "done": self.done, "total": len(self.accounts), "stage": self.stage,
                "packed": self.packed, "ready": self.ready,
                "refused": [{"account": account, "reason": reason}
                            for account, reason in self.refused]}


PACK_BATCHES: web.AppKey[Jobs[PackBatch]] = web.AppKey("pack_batches", Jobs)
# Running builds, held so they are not collected and are cancelled when the app stops.
PACK_TASKS: web.AppKey[set[asyncio.Task[None]]] = web.AppKey("pack_tasks", set)


def install(app: web.Application) -> None:
    app[PACK_BATCHES] = Jobs(PackBatch)
    app[PACK_TASKS] = set()
    app.on_cleanup.append(_cancel_builds)


async def _cancel_builds(app: web.Application) -> None:
    for task in app[PACK_TASKS]:
        task.cancel()
    await asyncio.gather(*app[PACK_TASKS], return_exceptions=True)


async def start(request: web.Request) -> web.Response:
    form = await request.post()
    accounts = list(dict.fromkeys(str(value).strip() for value in form.getall("account", [])))
    accounts = [number for number in accounts if number]
    if not accounts:
        raise web.HTTPBadRequest(text="Отметьте в очереди хотя бы один лицевой счёт.")
    if len(accounts) > MAX_ACCOUNTS:
        raise web.HTTPBadRequest(text=f"За один раз — не больше {MAX_ACCOUNTS} лицевых счетов.")
    job_id = secrets.token_urlsafe(12)
    batch = request.app[PACK_BATCHES].start(job_id, current_user(request).login)
    assert batch is not None, "a fresh random id is always free"
    batch.accounts = accounts
    for number in accounts:
        await audit(request, f"account:{number}", "pack")
    task = asyncio.create_task(_build(request.app, batch))
    request.app[PACK_TASKS].add(task)
    task.add_done_callback(request.app[PACK_TASKS].discard)
    raise web.HTTPSeeOther(f"/lawyer?batch={job_id}#pack-batch")


async def _build(app: web.Application, batch: PackBatch) -> None:
    out = io.BytesIO()
    try:
        with tempfile.TemporaryDirectory(prefix="vozvrat-packs-") as folder, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for index, number in enumerate(batch.accounts):
                packed, reason = await _pack_into(app, number, Path(folder) / str(index), archive)
                batch.packed += packed
                if reason:
                    batch.refused.append((number, reason))
                batch.done += 1
        batch.archive = out.getvalue()
    except Exception:
        log.exception("pack batch of %s failed", batch.owner)
        batch.failed = True
    finally:
        batch.finished = time.monotonic()


async def _pack_into(app: web.Application, number: str, folder: Path,
                     archive: zipfile.ZipFile) -> tuple[bool, str]:
    """Add the pack of ``number`` to ``archive``: whether any document went in, and why it (or a
    debtor's part of it) is missing, or ""."""
    try:
        claim = await load_claim(app, number)
    except LookupError:
        return False, "лицевой счёт не найден"
    if not claim.debtors:
        return False, "у лицевого счёта нет должников"

    def render() -> tuple[bool, str]:
        # Rendering is CPU and disk work: off the event loop.
        result = write_court_pack(claim, folder)
        for path in result.docx:
            archive.write(path, path.name)
        return bool(result.docx), "; ".join(str(refusal) for refusal in result.refused)

    return await asyncio.to_thread(render)


def _own(request: web.Request) -> PackBatch:
    batch = request.app[PACK_BATCHES].own(request, request.match_info["job"])
    if batch is None:
        raise web.HTTPNotFound(text="Такого формирования пакетов нет (их держат 10 минут).")
    return batch


async def progress(request: web.Request) -> web.Response:
    return web.json_response(_own(request).as_json())


async def download(request: web.Request) -> web.Response:
    batch = _own(request)
    if not batch.ready:
        raise web.HTTPNotFound(text="Готовых пакетов в этом формировании нет.")
    return web.Response(body=batch.archive, content_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="packs-{request.app[TODAY]()}.zip"'})


def batch_of(request: web.Request) -> tuple[str, PackBatch] | None:
    """The batch the queue page's ``batch`` parameter names, if it is the user's."""
    job_id = request.query.get("batch", "")
    batch = request.app[PACK_BATCHES].own(request, job_id) if job_id else None
    return (job_id, batch) if batch is not None else None
