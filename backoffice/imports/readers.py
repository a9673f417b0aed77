"""Reading rows out of CSV and XLSX exports, with the line numbers a user will look up."""
from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from backoffice.imports.values import Cell

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx")
_SNIFF_BYTES = 1 << 16


class UnreadableFile(Exception):
    """The file as a whole cannot be read (not a table, wrong format)."""


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    # Total data rows if known cheaply (for the progress bar), else None.
    row_count: int | None

    @property
    def cells_are_text(self) -> bool:
        """CSV cells are always str; XLSX cells may be numbers and dates."""
        return self.path.suffix.lower() != ".xlsx"

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(line number, cells) for each non-empty data row; the header is line 1."""
        if self.path.suffix.lower() == ".xlsx":
            return _xlsx_rows(self.path)
        return _csv_rows(self.path)


def detect_encoding(head: bytes) -> str:
    """UTF-8 if the bytes decode as UTF-8, else Windows-1251 (as 1C and Excel save Russian CSV)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multibyte character cut at the sniff boundary is still UTF-8.
        if exc.start < len(head) - 4:
            return "cp1251"
    return "utf-8"


def detect_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv_format(path: Path) -> tuple[str, str]:
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    encoding = detect_encoding(head)
    first_line = head.decode(encoding, errors="replace").splitlines()[0] if head else ""
    return encoding, detect_delimiter(first_line)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    encoding, delimiter = _csv_format(path)
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        next(reader, None)
        for row in reader:
            # any(row) is the cheap test; the strip() pass only runs on rows of blank cells.
            if any(row) and (row[0].strip() or any(cell.strip() for cell in row)):
                yield reader.line_num, row


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        seen_header = False
        for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(cell not in (None, "") for cell in row):
                continue
            if not seen_header:
                seen_header = True
                continue
            yield line, list(row)
    finally:
        workbook.close()


def open_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"{path.name}: неподдерживаемый формат (нужен CSV или XLSX)")
    if suffix == ".xlsx":
        return _open_xlsx(path)
    encoding, delimiter = _csv_format(path)
    with path.open(encoding=encoding, newline="") as fh:
        try:
            header = next(csv.reader(fh, delimiter=delimiter), [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"{path.name}: не удаётся прочитать заголовок ({exc})") from exc
    if not header:
        raise UnreadableFile(f"{path.name}: файл пуст")
    return Table(path, [h.strip() for h in header], max(_count_lines(path) - 1, 0))


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError) as exc:
        raise UnreadableFile(f"{path.name}: не удаётся открыть XLSX ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            if any(cell not in (None, "") for cell in row):
                header = ["" if cell is None else str(cell).strip() for cell in row]
                rows = sheet.max_row - 1 if sheet.max_row else None
                return Table(path, header, rows)
    finally:
        workbook.close()
    raise UnreadableFile(f"{path.name}: лист пуст")

