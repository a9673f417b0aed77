"""The initial load's COPY lines: the column-at-a-time way must agree with the full parse."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.imports import copy_rows, staging
from backoffice.imports.copy_rows import FileResult, copy_text, copy_text_chunks, target_row
from backoffice.imports.parsing import column_positions, parse_row, recognise
from backoffice.imports.pipeline import import_files
from backoffice.imports.progress import SilentProgress
from backoffice.imports.report import RowError
from backoffice.imports.values import CellError
from models.entities import Account, Charge, Payment
from tests.imports.files import write_csv, write_utility

PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
MAPS = {"account_number": {"1001": 11, "1002": 12}}

# Rows the cheap way takes, rows it must hand to the full parse (which accepts or rejects them),
# and rows that only go wrong together with their neighbours.
CHARGE_ROWS = [
    ["1001", "01.2026", "Отопление", "2500,00"],
    ["1001", "2026-02", "Отопление", "0"],
    [" 1002 ", " 03.2026 ", " ХВС ", " 1 200,5 "],
    ["1002", "04.2026", "ХВС", "1e3"],
    ["1002", "05.2026", "ХВС", "12,345"],
    ["1002", "06.2026", "ХВС", "-5,00"],
    ["1002", "13.2026", "ХВС", "10"],
    ["9999", "07.2026", "ХВС", "10"],
    ["1002", "", "ХВС", "10"],
    ["1002", "08.2026", "", "10"],
    ["1002", "09.2026"],
    ["1002", "10.2026", "Газ\tи\\свет", "10.5"],
    ["1002", "11.2026", "ХВС", "1234567890123"],
]
PAYMENT_ROWS = [
    ["PAY-1", "1001", "15.02.2026", "2800,50", "01.2026", "да"],
    ["PAY-2", "1002", "2026-02-20", "0,01", "", ""],
    ["PAY-3", "1001", "01.03.2026", "0,00", "", "нет"],
    ["PAY-4", "1001", "30.02.2026", "10", "", ""],
    ["PAY-5", "1001", "01.03.2026", "10", "", "может"],
    ["PAY-6", "1001", "01.03.2026 10:00", "000,10", "2026-01-15", "нет"],
]


def _full_parse(path: Path) -> tuple[list[str], list[RowError]]:
    """What the import did before the cheap way: parse every cell, then print it for COPY."""
    source = recognise(path, 0, [])
    assert source is not None and source.kind.direct is not None
    lines: list[str] = []
    errors: list[RowError] = []
    for line, cells in source.table.rows():
        try:
            record = target_row(source.kind.direct, parse_row(column_positions(source), cells), MAPS)
        except CellError as exc:
            errors.append(RowError(source.name, line, str(exc)))
            continue
        lines.append("\t".join(map(copy_text, record)))
    return lines, errors


def _values(lines: list[str]) -> list[list[object]]:
    """COPY fields as PostgreSQL reads them: "0" and "0.00" are the same amount."""
    return [[Decimal(f) if PLAIN_NUMBER.fullmatch(f) else f for f in line.split("\t")]
            for line in lines]


def _copy_lines(path: Path) -> tuple[list[str], list[RowError]]:
    source = recognise(path, 0, [])
    assert source is not None
    result = FileResult()
    text = "".join(copy_text_chunks(source, MAPS, SilentProgress(), result))
    lines = text.split("\n")[:-1]
    assert result.loaded == len(lines)
    return lines, result.errors


def test_cheap_way_gives_the_full_parse_values_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several batches, so a batch of all-plain rows and batches with odd ones both occur.
    monkeypatch.setattr(staging, "CHUNK_ROWS", 4)
    charges = write_csv(tmp_path / "charges.csv", ["account_number", "period", "service", "amount"],
                        CHARGE_ROWS)
    payments = write_csv(tmp_path / "payments.csv",
                         ["payment_id", "account_number", "paid_on", "amount", "period", "confirmed"],
                         PAYMENT_ROWS, encoding="cp1251")
    for path, good in ((charges, 6), (payments, 3)):
        lines, errors = _copy_lines(path)
        full_lines, full_errors = _full_parse(path)
        assert (_values(lines), errors) == (_values(full_lines), full_errors)
        assert len(lines) == good
    lines, _ = _copy_lines(charges)
    assert lines[:2] == ["11\t2026-01-01\tОтопление\t2500.00", "11\t2026-02-01\tОтопление\t0"]
    assert "12\t2026-10-01\tГаз\\tи\\\\свет\t10.5" in lines


def test_memo_forgets_past_its_limit_and_still_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_rows, "MEMO_LIMIT", 2)
    rows = [["1001", f"{month:02}.2026", "ХВС", "1"] for month in range(1, 13)]
    path = write_csv(tmp_path / "charges.csv", ["account_number", "period", "service", "amount"],
                     [*rows, *rows[:3]])
    lines, errors = _copy_lines(path)
    assert errors == []
    assert [line.split("\t")[1] for line in lines] == [
        f"2026-{month:02}-01" for month in [*range(1, 13), 1, 2, 3]]


async def test_xlsx_charges_and_payments_load_directly(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_utility(tmp_path / "export")
    for name in ("charges", "payments"):
        (folder / f"{name}.csv").unlink()
    book = Workbook()
    book.active.append(["account_number", "period", "service", "amount"])
    book.active.append([1001, datetime(2026, 1, 1), "ХВС", 300.5])
    book.active.append([1002, "02.2026", "ХВС", "1 200,00"])
    book.save(folder / "charges.xlsx")
    book = Workbook()
    book.active.append(["payment_id", "account_number", "paid_on", "amount"])
    book.active.append(["PAY-1", "2001", datetime(2026, 3, 5, 12, 0), 0.1])
    book.save(folder / "payments.xlsx")
    report = await import_files(engine, [folder])
    assert report.committed, report.errors
    async with sessionmaker() as session:
        charges = (await session.execute(
            select(Account.number, Charge.period, Charge.amount).join(Account)
            .order_by(Account.number))).all()
        payment = (await session.execute(select(Payment.paid_on, Payment.amount))).one()
    assert charges == [("1001", date(2026, 1, 1), Decimal("300.50")),
                       ("1002", date(2026, 2, 1), Decimal("1200.00"))]
    assert tuple(payment) == (date(2026, 3, 5), Decimal("0.10"))
