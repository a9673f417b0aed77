"""The import as one transaction: read → parse → stage → check → upsert, kind by kind.

Field-level problems are found in Python while parsing; everything that needs the other rows or
the database (repeated keys, unknown references) is checked set-based in SQL on the staging
tables, which keeps a 100 000-account import from doing per-row queries. All kinds are written
inside one transaction so later kinds see earlier ones; if any row was bad and bad rows may not
be skipped, the transaction is rolled back and nothing is written. Into an empty table the big
kinds skip staging altogether (direct_load).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backoffice.imports import deferred_indexes, direct_load, staging
from backoffice.imports.checks import DUPLICATE_PREFIX
from backoffice.imports.kinds import KINDS
from backoffice.imports.parsing import SourceFile, collect_files, parsed_rows, recognise
from backoffice.imports.progress import ImportProgress, SilentProgress
from backoffice.imports.report import ImportReport, KindResult, RowError
from backoffice.imports.spec import DirectLoad, RecordKind, UpsertCounts
from backoffice.imports.values import CellError

class _Rollback(Exception):
    """Raised inside the transaction to undo an import that had bad rows."""


async def _stage_file(
    conn: AsyncConnection, source: SourceFile, errors: list[RowError], progress: ImportProgress
) -> None:
    kind = source.kind
    buffers: list[list[tuple[Any, ...]]] = [[] for _ in kind.staging]
    for line, row in parsed_rows(source, errors, progress):
        try:
            staged = list(kind.to_staged(row))
        except CellError as exc:
            errors.append(RowError(source.name, line, str(exc)))
            continue
        for table_index, values in staged:
            buffers[table_index].append((*values, source.index, line))
        if len(buffers[0]) >= staging.CHUNK_ROWS:
            await _flush(conn, kind, buffers)
    await _flush(conn, kind, buffers)


async def _load_directly(
    conn: AsyncConnection,
    load: DirectLoad,
    sources: list[SourceFile],
    errors: list[RowError],
    progress: ImportProgress,
) -> int:
    maps = await direct_load.reference_maps(conn, load)
    loaded = 0
    for source in sources:
        loaded += await direct_load.load_file(conn, load, source, maps, errors, progress)
    return loaded


async def _flush(conn: AsyncConnection, kind: RecordKind, buffers: list[list[tuple[Any, ...]]]) -> None:
    for table, rows in zip(kind.staging, buffers):
        await staging.load(conn, table, rows)
        rows.clear()


async def _run_checks(
    conn: AsyncConnection, kind: RecordKind, names: dict[int, str]
) -> list[tuple[int, int, str]]:
    bad: list[tuple[int, int, str]] = []
    for check in kind.checks:
        for src_file, src_line, detail in (await conn.exec_driver_sql(check.sql)).all():
            bad.append((src_file, src_line, check.message(_describe(str(detail), src_file, names))))
    for python_check in kind.python_checks:
        bad.extend(await python_check(conn))
    return bad


def _describe(detail: str, src_file: int, names: dict[int, str]) -> str:
    if not detail.startswith(DUPLICATE_PREFIX):
        return detail
    first_file, first_line = (int(x) for x in detail[len(DUPLICATE_PREFIX):].split(":"))
    if first_file == src_file:
        return f"строка {first_line}"
    return f"{names[first_file]}, строка {first_line}"


async def _import_kind(
    conn: AsyncConnection,
    kind: RecordKind,
    sources: list[SourceFile],
    report: ImportReport,
    progress: ImportProgress,
) -> None:
    result = KindResult(kind.name, kind.title, [s.name for s in sources])
    report.results.append(result)
    if kind.direct and await deferred_indexes.is_empty(conn, kind.direct.target):
        errors: list[RowError] = []
        try:
            async with conn.begin_nested():
                loaded = await _load_directly(conn, kind.direct, sources, errors, progress)
        except direct_load.RepeatedKey:
            progress.stage(f"{kind.title}: в файле повторяются ключи, построчная проверка")
        else:
            result.counts = UpsertCounts(staged=loaded, inserted=loaded)
            result.bad_rows = len(errors)
            report.errors.extend(errors)
            return
    names = {s.index: s.name for s in sources}
    for table in kind.staging:
        await staging.create(conn, table)
    parse_errors: list[RowError] = []
    for source in sources:
        await _stage_file(conn, source, parse_errors, progress)
    progress.stage(f"{kind.title}: проверка")
    for table in kind.staging:
        await staging.index(conn, table)
    bad = await _run_checks(conn, kind, names)
    await staging.delete_lines(conn, kind.staging, {(f, line) for f, line, _ in bad})
    progress.stage(f"{kind.title}: запись")
    empty = [table for table in kind.targets if await deferred_indexes.is_empty(conn, table)]
    async with deferred_indexes.built_after_load(conn, empty, keep_unique=True):
        result.counts = await kind.upsert(conn)
    for table in kind.staging:
        await staging.drop(conn, table)
    set_errors = [RowError(names[f], line, reason) for f, line, reason in bad]
    result.bad_rows = len(parse_errors) + len({(e.file, e.line) for e in set_errors})
    report.errors.extend(parse_errors + set_errors)


async def import_files(
    engine: AsyncEngine,
    paths: Iterable[Path],
    *,
    skip_bad_rows: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    progress = progress or SilentProgress()
    report = ImportReport()
    sources = [s for i, p in enumerate(collect_files(paths))
               if (s := recognise(p, i, report.errors))]
    if not sources and not report.errors:
        report.errors.append(RowError("", 0, "нет файлов для импорта (нужны CSV или XLSX)"))
    if report.errors and not skip_bad_rows:
        return report
    try:
        async with engine.begin() as conn:
            for kind in KINDS:
                kind_sources = [s for s in sources if s.kind is kind]
                if kind_sources:
                    await _import_kind(conn, kind, kind_sources, report, progress)
            if report.errors and not skip_bad_rows:
                raise _Rollback
        report.committed = True
    except _Rollback:
        pass
    report.errors.sort()
    return report
