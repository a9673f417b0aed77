"""The import as one transaction: read → parse → stage → check → upsert, kind by kind.

Field-level problems are found in Python while parsing; everything that needs the other rows or
the database (repeated keys, unknown references) is checked set-based in SQL on the staging
tables, which keeps a 100 000-account import from doing per-row queries. All kinds are written
inside one transaction so later kinds see earlier ones; if any row was bad and bad rows may not
be skipped, the transaction is rolled back and nothing is written.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backoffice.imports import direct_load, staging
from backoffice.imports.checks import DUPLICATE_PREFIX
from backoffice.imports.kinds import KINDS
from backoffice.imports.progress import ImportProgress, SilentProgress
from backoffice.imports.readers import SUPPORTED_SUFFIXES, Table, UnreadableFile, open_table
from backoffice.imports.report import ImportReport, KindResult, RowError
from backoffice.imports.direct_load import DirectLoad
from backoffice.imports.spec import Column, RecordKind, UpsertCounts
from backoffice.imports.values import CellError, text

CHUNK_ROWS = 20_000
PROGRESS_STEP = 5_000


class _Rollback(Exception):
    """Raised inside the transaction to undo an import that had bad rows."""


@dataclass(frozen=True)
class _SourceFile:
    index: int
    table: Table
    kind: RecordKind
    positions: dict[str, int]

    @property
    def name(self) -> str:
        return self.table.path.name


def collect_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir()
                                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def _recognise(path: Path, index: int, errors: list[RowError]) -> _SourceFile | None:
    try:
        table = open_table(path)
    except (UnreadableFile, OSError) as exc:
        errors.append(RowError(path.name, 0, str(exc)))
        return None
    matches = [(kind, pos) for kind in KINDS if (pos := kind.match_columns(table.header))]
    if not matches:
        errors.append(RowError(path.name, 0, "не удалось определить вид данных по заголовку "
                               "(см. docs/import-format.md)"))
        return None
    # A persons file with an extra "account" column still is a persons file: the kind whose
    # required columns explain most of the header wins.
    best = max(len(kind.required_headers()) for kind, _ in matches)
    winners = [(kind, pos) for kind, pos in matches if len(kind.required_headers()) == best]
    if len(winners) > 1:
        names = ", ".join(kind.title for kind, _ in winners)
        errors.append(RowError(path.name, 0, f"заголовок подходит к нескольким видам данных: {names}"))
        return None
    kind, positions = winners[0]
    return _SourceFile(index, table, kind, positions)


def _parse_row(columns: Sequence[tuple[Column, int | None]], cells: list[Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    width = len(cells)
    for column, position in columns:
        cell = cells[position] if position is not None and position < width else None
        if column.required and not (cell.strip() if cell.__class__ is str else text(cell)):
            raise CellError(f"не заполнено поле «{column.name}»")
        try:
            row[column.name] = column.parse(cell)
        except CellError as exc:
            raise CellError(f"{column.name}: {exc}") from None
    return row


async def _parsed_rows(
    source: _SourceFile, errors: list[RowError], progress: ImportProgress
) -> AsyncIterator[tuple[int, dict[str, Any]]]:
    """(line, parsed row) for every good row of a file; bad rows go to ``errors``."""
    columns = [(c, source.positions.get(c.name)) for c in source.kind.columns]
    progress.file_started(source.name, source.table.row_count)
    done = 0
    for line, cells in source.table.rows():
        try:
            row = _parse_row(columns, cells)
        except CellError as exc:
            errors.append(RowError(source.name, line, str(exc)))
            continue
        yield line, row
        done += 1
        if done % PROGRESS_STEP == 0:
            progress.rows_done(PROGRESS_STEP)
    progress.rows_done(done % PROGRESS_STEP)


async def _stage_file(
    conn: AsyncConnection, source: _SourceFile, errors: list[RowError], progress: ImportProgress
) -> None:
    kind = source.kind
    buffers: list[list[tuple[Any, ...]]] = [[] for _ in kind.staging]
    async for line, row in _parsed_rows(source, errors, progress):
        try:
            staged = list(kind.to_staged(row))
        except CellError as exc:
            errors.append(RowError(source.name, line, str(exc)))
            continue
        for table_index, values in staged:
            buffers[table_index].append((*values, source.index, line))
        if len(buffers[0]) >= CHUNK_ROWS:
            await _flush(conn, kind, buffers)
    await _flush(conn, kind, buffers)


async def _load_directly(
    conn: AsyncConnection,
    load: DirectLoad,
    sources: list[_SourceFile],
    errors: list[RowError],
    progress: ImportProgress,
) -> int:
    maps = await direct_load.reference_maps(conn, load)
    loaded = 0

    async def records(source: _SourceFile) -> AsyncIterator[tuple[Any, ...]]:
        nonlocal loaded
        async for line, row in _parsed_rows(source, errors, progress):
            try:
                record = load.to_target(row, maps)
            except CellError as exc:
                errors.append(RowError(source.name, line, str(exc)))
                continue
            loaded += 1
            yield record

    for source in sources:
        await direct_load.stream(conn, load, records(source), CHUNK_ROWS)
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
    sources: list[_SourceFile],
    report: ImportReport,
    progress: ImportProgress,
) -> None:
    result = KindResult(kind.name, kind.title, [s.name for s in sources])
    report.results.append(result)
    if kind.direct and await direct_load.target_is_empty(conn, kind.direct):
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
               if (s := _recognise(p, i, report.errors))]
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
