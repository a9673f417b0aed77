"""``vozvrat import DIR|FILE…``: load billing exports (docs/import-format.md)."""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from backoffice.cli.common import add_database_option, open_database
from backoffice.imports.pipeline import import_files
from backoffice.imports.report import ImportReport

SHOWN_ERRORS = 50


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("import", help="import billing files (CSV, XLSX)")
    parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
    parser.add_argument("--skip-bad-rows", action="store_true",
                        help="write the good rows and report the bad ones")
    parser.add_argument("--report", type=Path, help="write every bad row to this CSV file")
    add_database_option(parser)
    parser.set_defaults(func=run)


class _BarProgress:
    """Rich progress bar, one task per file."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: int | None = None

    def file_started(self, name: str, rows: int | None) -> None:
        self._task = self._progress.add_task(name, total=rows)

    def rows_done(self, count: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, count)

    def stage(self, description: str) -> None:
        self._progress.console.log(description)


async def run(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"нет такого файла или папки: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    engine = await open_database(args)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            report = await import_files(engine, args.paths, skip_bad_rows=args.skip_bad_rows,
                                        progress=_BarProgress(bar))
    finally:
        await engine.dispose()
    print_report(report)
    if args.report:
        _write_error_csv(report, args.report)
    return 0 if report.committed else 1


def print_report(report: ImportReport) -> None:
    console = Console()
    table = Table(title="Импорт")
    for header in ("данные", "файлы", "новых", "изменено", "без изменений", "ошибочных строк"):
        table.add_column(header)
    for result in report.results:
        counts = result.counts
        table.add_row(result.title, ", ".join(result.files), str(counts.inserted),
                      str(counts.updated), str(counts.unchanged), str(result.bad_rows))
    if report.results:
        console.print(table)
    for error in report.errors[:SHOWN_ERRORS]:
        console.print(f"[red]{error}[/red]", highlight=False)
    if len(report.errors) > SHOWN_ERRORS:
        console.print(f"… и ещё {len(report.errors) - SHOWN_ERRORS} ошибок (полный список: --report)")
    if report.committed:
        console.print("[green]Импорт записан.[/green]")
    else:
        console.print("[red]Импорт отклонён: ничего не записано.[/red] Исправьте строки выше "
                      "или запустите с --skip-bad-rows, чтобы записать верные строки.")


def _write_error_csv(report: ImportReport, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["файл", "строка", "причина"])
        for error in report.errors:
            writer.writerow([error.file, error.line, error.reason])
