"""The PostgreSQL initial-load path that parses in a worker process (used for big files)."""
from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.imports import direct_load
from backoffice.imports.copy_rows import copy_text
from backoffice.imports.pipeline import import_files
from models.entities import Charge, Payment
from tests.imports.files import CHARGES, PAYMENTS, write_utility


# Direct loads (charge, payment) and staged upserts into empty tables drop and rebuild these.
TABLES_LOADED_IN_BULK = ("account", "person", "person_phone", "person_email", "ownership",
                         "ownership_representative", "charge", "payment")


@pytest.fixture
def worker_for_every_file(db_kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if db_kind != "postgresql":
        pytest.skip("the parse worker feeds PostgreSQL's COPY; SQLite inserts in process")
    monkeypatch.setattr(direct_load, "WORKER_MIN_ROWS", 0)


async def test_worker_loads_good_rows_and_reports_bad_lines(
    worker_for_every_file: None, engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    header, rows = CHARGES
    folder = write_utility(tmp_path / "export", charges=(header, [*rows, ["7777", "01.2026", "ХВС", "1"]]),
                           payments=(PAYMENTS[0], [*PAYMENTS[1], ["P-9", "1001", "30.02.2026", "1", "", ""]]))
    report = await import_files(engine, [folder], skip_bad_rows=True)
    assert report.committed
    assert [str(e) for e in report.errors] == [
        "charges.csv:7: неизвестный лицевой счёт «7777»",
        "payments.csv:5: paid_on: неверная дата «30.02.2026» (ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)",
    ]
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(Charge))).scalar_one() == 5
        payments = {row[0]: tuple(row[1:]) for row in (await session.execute(
            select(Payment.external_id, Payment.source, Payment.period, Payment.confirmed))).all()}
    # Empty text stays empty text and a missing period is NULL through the COPY text format.
    assert payments == {"PAY-1": ("", date(2026, 1, 1), True), "PAY-2": ("", None, True),
                        "PAY-3": ("", None, False)}


async def test_repeated_key_stops_the_worker_and_falls_back(
    worker_for_every_file: None, engine: AsyncEngine, tmp_path: Path
) -> None:
    header, rows = CHARGES
    folder = write_utility(tmp_path / "export", charges=(header, [*rows, rows[0]]))
    report = await import_files(engine, [folder])
    assert not report.committed
    assert [str(e) for e in report.errors] == [
        "charges.csv:7: начисление (счёт, период, услуга) повторяется в импорте (впервые: строка 2)"]
    assert multiprocessing.active_children() == []


def test_copy_text_escapes_what_would_split_a_line() -> None:
    assert copy_text("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert (copy_text(None), copy_text(True), copy_text(False)) == ("\\N", "t", "f")


@pytest.mark.usefixtures("sessionmaker")  # empties the tables the import filled
async def test_initial_load_puts_back_every_index_and_constraint(
    worker_for_every_file: None, engine: AsyncEngine, tmp_path: Path
) -> None:
    catalogue = (
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = CAST(:t AS regclass)"
        " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = CAST(:t AS regclass) ORDER BY 1, 2"
    )

    async def definitions() -> dict[str, list[tuple[str, str]]]:
        async with engine.connect() as conn:
            return {table: [tuple(row) for row in await conn.execute(text(catalogue), {"t": table})]
                    for table in TABLES_LOADED_IN_BULK}

    before = await definitions()
    report = await import_files(engine, [write_utility(tmp_path / "export")])
    assert report.committed and report.results[-1].counts.inserted == len(PAYMENTS[1])
    assert await definitions() == before
    assert {name for name, _ in before["payment"]} >= {"ix_payment_account_id_paid_on"}
    assert {name for name, _ in before["ownership"]} >= {"fk_ownership_person_id_person"}
