"""Recognising an export file's kind and turning its rows into parsed values.

Used in the importing process and in the parse worker processes of the PostgreSQL fast path.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backoffice.imports.kinds import KINDS
from backoffice.imports.progress import ImportProgress
from backoffice.imports.readers import SUPPORTED_SUFFIXES, Table, UnreadableFile, open_table
from backoffice.imports.report import RowError
from backoffice.imports.spec import Column, RecordKind
from backoffice.imports.values import CellError, text

PROGRESS_STEP = 5_000


@dataclass(frozen=True)
class SourceFile:
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


def recognise(path: Path, index: int, errors: list[RowError]) -> SourceFile | None:
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
    return SourceFile(index, table, kind, positions)


def parse_row(columns: Sequence[tuple[Column, int | None]], cells: list[Any]) -> dict[str, Any]:
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


def column_positions(source: SourceFile) -> list[tuple[Column, int | None]]:
    return [(c, source.positions.get(c.name)) for c in source.kind.columns]


def counted_rows(source: SourceFile, progress: ImportProgress) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of every data row of a file, telling ``progress`` as they are read."""
    progress.file_started(source.name, source.table.row_count)
    done = 0
    for done, (line, cells) in enumerate(source.table.rows(), start=1):
        yield line, cells
        if done % PROGRESS_STEP == 0:
            progress.rows_done(PROGRESS_STEP)
    progress.rows_done(done % PROGRESS_STEP)


def parsed_rows(
    source: SourceFile, errors: list[RowError], progress: ImportProgress
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, parsed row) for every good row of a file; bad rows go to ``errors``."""
    columns = column_positions(source)
    for line, cells in counted_rows(source, progress):
        try:
            row = parse_row(columns, cells)
        except CellError as exc:
            errors.append(RowError(source.name, line, str(exc)))
            continue
        yield line, row
