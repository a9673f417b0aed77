"""The PostgreSQL initial-load fast path, second half: parse a big file in its own process.

In one process, parsing and PostgreSQL's ingest take turns, and each waits for the other. Here a
worker process turns the file into COPY *text* lines (copy_rows), so parsing runs on one core
while PostgreSQL ingests on the other; the
importing process only forwards bytes and stays responsive. The queue is bounded, so a slow
database slows the worker down instead of filling memory.
"""
from __future__ import annotations

import asyncio
import gc
import multiprocessing
import queue as queue_module
import traceback
from collections.abc import AsyncIterator, Iterator
from typing import Any

from backoffice.imports.kinds import KINDS
from backoffice.imports.copy_rows import FileResult, copy_text_chunks
from backoffice.imports.parsing import SourceFile
from backoffice.imports.progress import ImportProgress
from backoffice.imports.readers import Table
from backoffice.imports.spec import ReferenceMaps

QUEUE_CHUNKS = 16
POLL_SECONDS = 1.0

_DATA, _PROGRESS, _DONE, _FAILED = "data", "progress", "done", "failed"


class WorkerFailed(RuntimeError):
    """The parse worker died or raised; the import cannot continue."""


class _QueueProgress:
    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def file_started(self, name: str, rows: int | None) -> None:
        self._queue.put((_PROGRESS, "file", name, rows))

    def rows_done(self, count: int) -> None:
        self._queue.put((_PROGRESS, "rows", count))

    def stage(self, description: str) -> None:
        self._queue.put((_PROGRESS, "stage", description))


def text_chunks(source: SourceFile, maps: ReferenceMaps, progress: ImportProgress,
                result: FileResult) -> Iterator[bytes]:
    """The file's good rows as COPY text chunks; bad rows and the count go to ``result``."""
    for text in copy_text_chunks(source, maps, progress, result):
        yield text.encode()


def _work(table: Table, file_index: int, kind_name: str, positions: dict[str, int],
          maps: ReferenceMaps, queue: Any) -> None:
    # The worker lives for one file and makes no reference cycles; the collector would only
    # rescan the batches of rows it holds, which costs it a third of its time.
    gc.disable()
    try:
        kind = next(k for k in KINDS if k.name == kind_name)
        # The table as the importing process opened it: no second sniffing and line count.
        source = SourceFile(file_index, table, kind, positions)
        result = FileResult()
        for chunk in text_chunks(source, maps, _QueueProgress(queue), result):
            queue.put((_DATA, chunk))
        queue.put((_DONE, result.errors, result.loaded))
    except BaseException:  # noqa: BLE001 - every failure must reach the importing process
        queue.put((_FAILED, traceback.format_exc()))


async def copy_chunks(
    source: SourceFile, maps: ReferenceMaps, progress: ImportProgress, result: FileResult
) -> AsyncIterator[bytes]:
    """COPY text chunks of one file, parsed in a worker process; fills ``result`` at the end."""
    path = source.table.path
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=QUEUE_CHUNKS)
    process = context.Process(
        target=_work,
        args=(source.table, source.index, source.kind.name, source.positions, maps, queue),
        daemon=True,
    )
    process.start()
    try:
        while True:
            try:
                message = await asyncio.to_thread(queue.get, True, POLL_SECONDS)
            except queue_module.Empty:
                if not process.is_alive():
                    raise WorkerFailed(f"{path.name}: разбор файла прервался "
                                       f"(код {process.exitcode})") from None
                continue
            tag = message[0]
            if tag == _DATA:
                yield message[1]
            elif tag == _PROGRESS:
                _relay(progress, message[1:])
            elif tag == _DONE:
                result.errors.extend(message[1])
                result.loaded += message[2]
                return
            else:
                raise WorkerFailed(f"{path.name}: ошибка разбора файла\n{message[1]}")
    finally:
        if process.is_alive():
            process.terminate()
        process.join()


def _relay(progress: ImportProgress, event: tuple[Any, ...]) -> None:
    what = event[0]
    if what == "file":
        progress.file_started(event[1], event[2])
    elif what == "rows":
        progress.rows_done(event[1])
    else:
        progress.stage(event[1])
