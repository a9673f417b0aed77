"""The PostgreSQL initial-load fast path, second half: parse a big file in its own process.

In one process, parsing (≈5 µs a row) and asyncpg's binary COPY encoding of Decimal and date
(≈4 µs a row) add up, and PostgreSQL waits. Here a worker process parses the file and writes
COPY *text* lines, so parsing runs on one core while PostgreSQL ingests on the other; the
importing process only forwards bytes and stays responsive. The queue is bounded, so a slow
database slows the worker down instead of filling memory.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import queue as queue_module
import traceback
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backoffice.imports.kinds import KINDS
from backoffice.imports.parsing import SourceFile, parsed_rows
from backoffice.imports.progress import ImportProgress
from backoffice.imports.readers import open_table
from backoffice.imports.report import RowError
from backoffice.imports.spec import ReferenceMaps
from backoffice.imports.values import CellError

CHUNK_LINES = 10_000
QUEUE_CHUNKS = 16
POLL_SECONDS = 1.0

_DATA, _PROGRESS, _DONE, _FAILED = "data", "progress", "done", "failed"
# COPY text format: backslash escapes for the four characters that would break a line apart.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class WorkerFailed(RuntimeError):
    """The parse worker died or raised; the import cannot continue."""


def copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    cls = value.__class__
    if cls is str:
        # translate() is slow on Cyrillic text and almost never needed: test first.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)  # type: ignore[no-any-return]
        return value  # type: ignore[no-any-return]
    if cls is bool:
        return "t" if value else "f"
    return str(value)


@dataclass
class FileResult:
    """What loading one file directly left behind: its bad rows and how many rows went in."""

    errors: list[RowError] = field(default_factory=list)
    loaded: int = 0


class _QueueProgress:
    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def file_started(self, name: str, rows: int | None) -> None:
        self._queue.put((_PROGRESS, "file", name, rows))

    def rows_done(self, count: int) -> None:
        self._queue.put((_PROGRESS, "rows", count))

    def stage(self, description: str) -> None:
        self._queue.put((_PROGRESS, "stage", description))


def target_records(source: SourceFile, maps: ReferenceMaps, progress: ImportProgress,
                   result: FileResult) -> Iterator[tuple[Any, ...]]:
    """The file's good rows as target-table tuples; bad rows and the count go to ``result``."""
    assert source.kind.direct is not None
    to_target = source.kind.direct.to_target
    for line, row in parsed_rows(source, result.errors, progress):
        try:
            record = to_target(row, maps)
        except CellError as exc:
            result.errors.append(RowError(source.name, line, str(exc)))
            continue
        result.loaded += 1
        yield record


def text_chunks(source: SourceFile, maps: ReferenceMaps, progress: ImportProgress,
                result: FileResult) -> Iterator[bytes]:
    """The file's good rows as COPY text chunks; bad rows and the count go to ``result``."""
    lines: list[str] = []
    for record in target_records(source, maps, progress, result):
        lines.append("\t".join(map(copy_text, record)))
        if len(lines) >= CHUNK_LINES:
            yield ("\n".join(lines) + "\n").encode()
            lines.clear()
    if lines:
        yield ("\n".join(lines) + "\n").encode()


def _work(path: Path, file_index: int, kind_name: str, positions: dict[str, int],
          maps: ReferenceMaps, queue: Any) -> None:
    try:
        kind = next(k for k in KINDS if k.name == kind_name)
        source = SourceFile(file_index, open_table(path), kind, positions)
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
        target=_work, args=(path, source.index, source.kind.name, source.positions, maps, queue),
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
