from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.imports.pipeline import import_files
from models.base import Base
from models.entities import Account, Charge, Payment
from tests.imports.files import (ACCOUNTS, CHARGES, OWNERSHIP, PAYMENTS, PERSONS, write_csv,
                                 write_utility)


async def _total_rows(session: AsyncSession) -> int:
    total = 0
    for table in Base.metadata.sorted_tables:
        total += int((await session.execute(select(func.count()).select_from(table))).scalar_one())
    return total


def _with_row(table: tuple[list[str], list[list[str]]], row: list[str]) -> tuple[list[str], list[list[str]]]:
    header, rows = table
    return header, [*rows, row]


# (kind replaced, the table with one bad row appended as data line 2 + len(rows), reason fragment)
BAD_ROWS = {
    "unknown account": ("charges", _with_row(CHARGES, ["9999", "01.2026", "ХВС", "10"]),
                        "неизвестный лицевой счёт «9999»"),
    "bad date": ("payments", _with_row(PAYMENTS, ["PAY-9", "1001", "31.02.2026", "10", "", ""]),
                 "неверная дата «31.02.2026»"),
    "bad period": ("charges", _with_row(CHARGES, ["1001", "13.2026", "ХВС", "10"]),
                   "неверный период «13.2026»"),
    "negative area": ("accounts", _with_row(ACCOUNTS, ["1003", "B1", "3", "-20"]),
                      "площадь должна быть больше нуля"),
    "negative charge": ("charges", _with_row(CHARGES, ["1002", "02.2026", "ХВС", "-5,00"]),
                        "отрицательная сумма"),
    "zero payment": ("payments", _with_row(PAYMENTS, ["PAY-9", "1001", "01.03.2026", "0", "", ""]),
                     "сумма должна быть больше нуля"),
    "bad amount": ("charges", _with_row(CHARGES, ["1002", "02.2026", "ХВС", "12,345"]),
                   "точнее копейки"),
    "shares over one": ("ownership", _with_row(OWNERSHIP, ["1001", "P4", "долевая", "1/2", "", ""]),
                        "в сумме 3/2 — больше 1"),
    "repeated key": ("charges", _with_row(CHARGES, ["1001", "01.2026", "ХВС", "1,00"]),
                     "повторяется в импорте (впервые: строка 3)"),
    "unknown building": ("accounts", _with_row(ACCOUNTS, ["1003", "B9", "3", "20"]),
                         "неизвестный код дома «B9»"),
    "unknown person": ("ownership", _with_row(OWNERSHIP, ["1002", "P9", "член семьи", "", "", ""]),
                       "неизвестный код лица «P9»"),
    "unknown representative": ("ownership", _with_row(OWNERSHIP, ["2001", "P1", "член семьи", "", "да", "P8"]),
                               "неизвестный код законного представителя «P8»"),
    "bad phone": ("persons", _with_row(PERSONS, ["P5", "Петров", "Пётр", "", "", "12-34", ""]),
                  "неверный номер телефона «12-34»"),
    "bad snils": ("persons", _with_row(PERSONS, ["P5", "Петров", "Пётр", "", "", "", "112-233-445 96"]),
                  "неверный СНИЛС"),
    "missing value": ("accounts", _with_row(ACCOUNTS, ["", "B1", "3", "20"]),
                      "не заполнено поле «account_number»"),
    "bad flag": ("payments", _with_row(PAYMENTS, ["PAY-9", "1001", "01.03.2026", "10", "", "может"]),
                 "ожидается «да» или «нет»"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
async def test_bad_row_rejects_whole_import_with_its_line(
    case: str, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    kind, table, reason = BAD_ROWS[case]
    folder = write_utility(tmp_path / "export", **{kind: table})
    report = await import_files(engine, [folder])
    assert not report.committed
    bad_line = len(table[1]) + 1
    # Shares that overflow are a fault of the account's whole set: every owner row is named.
    lines = [2, 3, 4, bad_line] if case == "shares over one" else [bad_line]
    assert [(e.file, e.line) for e in report.errors] == [(f"{kind}.csv", n) for n in lines]
    assert all(reason in e.reason for e in report.errors)
    async with sessionmaker() as session:
        assert await _total_rows(session) == 0


async def test_skip_bad_rows_writes_the_good_ones(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_utility(
        tmp_path / "export",
        charges=_with_row(CHARGES, ["9999", "01.2026", "ХВС", "10"]),
        payments=_with_row(PAYMENTS, ["PAY-9", "1001", "31.02.2026", "10", "", ""]),
    )
    report = await import_files(engine, [folder], skip_bad_rows=True)
    assert report.committed
    assert [str(e) for e in report.errors] == [
        "charges.csv:7: неизвестный лицевой счёт «9999»",
        "payments.csv:5: paid_on: неверная дата «31.02.2026» (ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)",
    ]
    by_kind = {r.kind: r for r in report.results}
    assert by_kind["charges"].bad_rows == 1 and by_kind["charges"].counts.inserted == 5
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(Charge))).scalar_one() == 5
        assert (await session.execute(select(func.count()).select_from(Payment))).scalar_one() == 3


async def test_skipped_account_makes_its_charges_bad_too(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_utility(
        tmp_path / "export",
        accounts=_with_row(ACCOUNTS, ["1003", "B1", "3", "-1"]),
        charges=_with_row(CHARGES, ["1003", "01.2026", "ХВС", "10"]),
    )
    report = await import_files(engine, [folder], skip_bad_rows=True)
    assert [(e.file, e.line) for e in report.errors] == [("accounts.csv", 5), ("charges.csv", 7)]
    async with sessionmaker() as session:
        numbers = (await session.execute(select(Account.number).order_by(Account.number))).scalars().all()
    assert numbers == ["1001", "1002", "2001"]


async def test_unrecognised_file_is_reported(engine: AsyncEngine, tmp_path: Path) -> None:
    folder = write_utility(tmp_path / "export")
    write_csv(folder / "notes.csv", ["what", "ever"], [["a", "b"]])
    report = await import_files(engine, [folder])
    assert not report.committed
    assert [str(e) for e in report.errors] == [
        "notes.csv: не удалось определить вид данных по заголовку (см. docs/import-format.md)"]


async def test_repeated_key_across_files_names_the_first_file(engine: AsyncEngine, tmp_path: Path) -> None:
    folder = write_utility(tmp_path / "export")
    write_csv(folder / "charges_more.csv", *_with_row((CHARGES[0], []), ["1001", "01.2026", "ХВС", "1"]))
    report = await import_files(engine, [folder])
    assert [str(e) for e in report.errors] == [
        "charges_more.csv:2: начисление (счёт, период, услуга) повторяется в импорте "
        "(впервые: charges.csv, строка 3)"]
