"""How far a long job is, for its page to poll: an upload's import while its form is being
answered, a batch of court packs (``pack_batches``).

The importer page names its upload with a random job id (a hidden field); the import reports into
a ``JobProgress`` under that id and its owner reads it at ``/imports/progress/{job}`` as JSON.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiohttp import web

from backoffice.imports.report import ImportReport, RowError
from backoffice.web.auth.access import current_user
from backoffice.web.xlsx import xlsx_response

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Finished jobs are kept this long for a last poll, then forgotten.
KEEP_SECONDS = 600
MAX_ERRORS_KEPT = 100_000


@dataclass
class Job:
    """Whose job it is (only they read it) and when it finished (kept for a last poll)."""

    owner: str
    finished: float | None = None


@dataclass
class JobProgress(Job):
    """An ``ImportProgress`` keeping the figures the page shows."""

    files_done: list[str] = field(default_factory=list)
    file: str = ""
    rows: int = 0
    rows_total: int | None = None
    description: str = "файлы получены"
    committed: bool = False
    errors: int = 0
    # The rejected rows, for their XLSX while the job is kept.
    rows_rejected: list[RowError] = field(default_factory=list)

    def file_started(self, name: str, rows: int | None) -> None:
        if self.file:
            self.files_done.append(self.file)
        self.file, self.rows, self.rows_total = name, 0, rows
        self.description = f"чтение файла {name}"

    def rows_done(self, count: int) -> None:
        self.rows += count

    def stage(self, description: str) -> None:
        self.description = description

    def finish(self, report: ImportReport) -> None:
        self.finished = time.monotonic()
        self.committed = report.committed
        self.errors = len(report.errors)
        self.rows_rejected = report.errors[:MAX_ERRORS_KEPT]
        self.description = "записано" if report.committed else "ничего не записано: есть ошибки"

    def fail(self) -> None:
        # The import is one transaction, so a failure part-way has written nothing.
        self.finished = time.monotonic()
        self.description = "сбой на сервере: ничего не записано, загрузите файлы ещё раз"

    def as_json(self) -> dict[str, Any]:
        percent = (min(100, round(100 * self.rows / self.rows_total))
                   if self.rows_total else None)
        return {"state": "done" if self.finished is not None else "running",
                "file": self.file, "files_done": self.files_done, "rows": self.rows,
                "rows_total": self.rows_total, "percent": percent, "stage": self.description,
                "committed": self.committed, "errors": self.errors}


J = TypeVar("J", bound=Job)


class Jobs(Generic[J]):
    """The running and recently finished jobs of one kind, by id."""

    def __init__(self, make: Callable[[str], J]) -> None:
        self.make = make
        self.jobs: dict[str, J] = {}

    def start(self, job_id: str, owner: str) -> J | None:
        """A progress to report into, or None for a missing or malformed id (no polling then)."""
        limit = time.monotonic() - KEEP_SECONDS
        for old in [key for key, job in self.jobs.items()
                    if job.finished is not None and job.finished < limit]:
            del self.jobs[old]
        if not JOB_ID.match(job_id) or job_id in self.jobs:
            return None
        progress = self.jobs[job_id] = self.make(owner)
        return progress

    def own(self, request: web.Request, job_id: str) -> J | None:
        """The job ``job_id``, if the current user started it."""
        job = self.jobs.get(job_id)
        return job if job is not None and job.owner == current_user(request).login else None


IMPORT_JOBS: web.AppKey[Jobs[JobProgress]] = web.AppKey("import_jobs", Jobs)


def install(app: web.Application) -> None:
    app[IMPORT_JOBS] = Jobs(JobProgress)


async def progress(request: web.Request) -> web.Response:
    job = request.app[IMPORT_JOBS].own(request, request.match_info["job"])
    if job is None:
        return web.json_response({"state": "unknown", "stage": "файлы ещё передаются"})
    return web.json_response(job.as_json())


async def export_errors(request: web.Request) -> web.Response:
    """The rejected rows of a finished upload, to fix in the billing export."""
    job = request.app[IMPORT_JOBS].own(request, request.match_info["job"])
    if job is None or job.finished is None:
        raise web.HTTPNotFound(text="Отчёт об этой загрузке уже не хранится (их держат 10 минут): "
                                    "загрузите файлы снова, чтобы получить его.")
    return await xlsx_response(
        request, f"import:{request.match_info['job']}:errors", "ошибки загрузки.xlsx",
        "Ошибки загрузки", ("Файл", "Строка", "Что не так"),
        [(error.file, error.line or None, error.reason) for error in job.rows_rejected])
