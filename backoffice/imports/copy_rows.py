"""A file's good rows as lines of PostgreSQL's COPY text format, for the initial load.

Parsing a cell into a Python object (a date, a Decimal) only to print it again for COPY costs
more than PostgreSQL's own ingest. So a CSV row takes a cheaper way when it can: text cells are
stripped, plain amounts are checked by one regular expression, and every other cell (periods,
dates, flags) is parsed by its own parser once per distinct text and its COPY text remembered:
the values of such columns repeat (36 periods, a few hundred payment dates) and the parsers are
pure functions of the text. A row the cheap way cannot answer whole (an empty required cell,
a bad value, an unknown account, an XLSX cell) is parsed as before, which gives the same row or
the same error with its line.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from operator import methodcaller
from typing import Any

from backoffice.imports import staging, values as v
from backoffice.imports.checks import unknown_reference_message
from backoffice.imports.parsing import SourceFile, column_positions, counted_rows, parse_row
from backoffice.imports.progress import ImportProgress
from backoffice.imports.report import RowError
from backoffice.imports.spec import Column, DirectLoad, ReferenceMaps
from backoffice.imports.values import CellError

# Distinct texts remembered per column; past this the memo starts afresh (a column whose
# values do not repeat gains nothing from it, and memory stays bounded).
MEMO_LIMIT = 50_000

# COPY text format: backslash escapes for the four characters that would break a line apart.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# Amounts plain enough to pass to PostgreSQL as they are (comma made a point): digits, at most
# kopecks, within Numeric(14,2), never negative; positive ones also not zero. A whole column of
# them is checked by one match over its cells, one a line. Whatever these refuse, an_amount
# parses and gives its exact verdict.
_NON_NEGATIVE = r"\d{1,12}(?:[.,]\d{1,2})?"
_POSITIVE = r"(?=[\d.,]*[1-9])" + _NON_NEGATIVE
_PLAIN_AMOUNTS: Mapping[Callable[[v.Cell], Any], tuple[re.Pattern[str], re.Pattern[str]]] = {
    parser: (re.compile(one), re.compile(f"(?:{one}\n)*"))
    for parser, one in ((v.a_non_negative_amount, _NON_NEGATIVE), (v.a_positive_amount, _POSITIVE))
}
_DECIMAL_POINT = methodcaller("replace", ",", ".")


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


def target_row(load: DirectLoad, row: Mapping[str, Any], maps: ReferenceMaps) -> tuple[Any, ...]:
    """A parsed row as a target-table tuple; CellError for a reference that is not there."""
    values: list[Any] = []
    for name in load.fields:
        value = row[name]
        reference = load.references.get(name)
        if reference is not None:
            found = maps[name].get(value)
            if found is None:
                raise CellError(unknown_reference_message(reference.what, value))
            value = found
        values.append(value)
    return tuple(values)


def target_records(source: SourceFile, maps: ReferenceMaps, progress: ImportProgress,
                   result: FileResult) -> Iterator[tuple[Any, ...]]:
    """The file's good rows as target-table tuples; bad rows and the count go to ``result``."""
    assert source.kind.direct is not None
    load = source.kind.direct
    columns = column_positions(source)
    for line, cells in counted_rows(source, progress):
        try:
            record = target_row(load, parse_row(columns, cells), maps)
        except CellError as exc:
            result.errors.append(RowError(source.name, line, str(exc)))
            continue
        result.loaded += 1
        yield record


def copy_text_chunks(source: SourceFile, maps: ReferenceMaps, progress: ImportProgress,
                     result: FileResult) -> Iterator[str]:
    """The file's good rows as chunks of COPY text lines; bad rows and the count go to ``result``."""
    assert source.kind.direct is not None
    batches = _Batches(source, maps, result)
    progress.file_started(source.name, source.table.row_count)
    rows = source.table.rows()
    while batch := list(islice(rows, staging.CHUNK_ROWS)):
        lines = batches.lines(batch)
        progress.rows_done(len(batch))
        if lines:
            yield "\n".join(lines) + "\n"


class _Batches:
    """Turns batches of (line, cells) into COPY lines, a column at a time where it can."""

    def __init__(self, source: SourceFile, maps: ReferenceMaps, result: FileResult) -> None:
        assert source.kind.direct is not None
        self._source, self._maps, self._result = source, maps, result
        self._load = source.kind.direct
        self._columns = column_positions(source)
        self._plan: list[tuple[int | None, ColumnText]] = []
        by_name = {c.name: c for c in source.kind.columns}
        for name in self._load.fields:
            column, position = by_name[name], source.positions.get(name)
            if position is None:
                self._plan.append((None, _constant(copy_text(column.parse(None)))))
            elif name in self._load.references:
                self._plan.append((position, _ids(maps[name])))
            else:
                self._plan.append((position, _column_text(column)))
        positions = [p for p, _ in self._plan if p is not None]
        self._width = max(positions) + 1 if positions else 0

    def lines(self, batch: list[tuple[int, list[Any]]]) -> list[str]:
        lines = self._columnwise(batch) if self._source.table.cells_are_text else [
            self._parsed(line, cells) for line, cells in batch]
        good = [line for line in lines if line is not None]
        self._result.loaded += len(good)
        return good

    def _columnwise(self, batch: list[tuple[int, list[Any]]]) -> list[str | None]:
        cells = [row for _, row in batch]
        odd: set[int] = set()
        if min(map(len, cells)) < self._width:
            # Short rows go the full way, which names their missing cells.
            filler = [""] * self._width
            odd.update(i for i, row in enumerate(cells) if len(row) < self._width)
            cells = [filler if i in odd else row for i, row in enumerate(cells)]
        by_position = list(zip(*cells))
        texts = []
        for position, convert in self._plan:
            column_texts, misses = convert(by_position[position] if position is not None else
                                           len(cells))
            texts.append(column_texts)
            odd.update(misses)
        lines: list[str | None] = list(map("\t".join, zip(*texts)))
        for i in odd:
            lines[i] = self._parsed(*batch[i])
        return lines

    def _parsed(self, line: int, cells: list[Any]) -> str | None:
        try:
            record = target_row(self._load, parse_row(self._columns, cells), self._maps)
        except CellError as exc:
            self._result.errors.append(RowError(self._source.name, line, str(exc)))
            return None
        return "\t".join(map(copy_text, record))


ColumnText = Callable[[Any], tuple[list[str], list[int]]]
"""A column of CSV cells (or, for a constant, the row count) → (COPY texts, rows to parse the
full way). A row to parse has a placeholder text."""


def _misses(texts: list[Any], bad: Any) -> list[int]:
    if bad not in texts:
        return []
    misses = [i for i, text in enumerate(texts) if text == bad]
    for i in misses:
        texts[i] = ""
    return misses


def _constant(text: str) -> ColumnText:
    return lambda count: ([text] * count, [])


def _ids(ids: Mapping[str, int]) -> ColumnText:
    texts = {key: str(id_) for key, id_ in ids.items()}

    def convert(cells: tuple[str, ...]) -> tuple[list[str], list[int]]:
        found = list(map(texts.get, cells))
        return found, _misses(found, None)

    return convert


def _column_text(column: Column) -> ColumnText:
    if column.parse is v.text:
        return partial(_stripped, column.required)
    patterns = _PLAIN_AMOUNTS.get(column.parse)
    if patterns is not None:
        return partial(_plain_amounts, patterns)
    return _memo(column)


def _stripped(required: bool, cells: tuple[str, ...]) -> tuple[list[str], list[int]]:
    texts = list(map(str.strip, cells))
    joined = "".join(texts)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        texts = list(map(copy_text, texts))
    return texts, _misses(texts, "") if required else []


def _plain_amounts(patterns: tuple[re.Pattern[str], re.Pattern[str]],
                   cells: tuple[str, ...]) -> tuple[list[str], list[int]]:
    one, column = patterns
    joined = "\n".join(cells) + "\n"
    if column.fullmatch(joined):
        texts = joined.replace(",", ".").split("\n")
        texts.pop()
        if len(texts) == len(cells):  # else a cell held a line break itself
            return texts, []
    matched = list(map(one.fullmatch, cells))
    return list(map(_DECIMAL_POINT, cells)), _misses(matched, None)


def _memo(column: Column) -> ColumnText:
    known: dict[str, str] = {}
    required, parse = column.required, column.parse

    def convert(cells: tuple[str, ...]) -> tuple[list[str], list[int]]:
        texts = list(map(known.get, cells))
        misses = []
        for i in _misses(texts, None):
            cell = cells[i]
            try:
                if required and not cell.strip():
                    raise CellError(cell)
                text = copy_text(parse(cell))
            except CellError:
                misses.append(i)
                continue
            if len(known) >= MEMO_LIMIT:
                known.clear()
            known[cell] = texts[i] = text
        return texts, misses

    return convert
