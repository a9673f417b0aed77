from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.imports.pipeline import import_files
from models.entities import (Account, Building, Charge, Creditor, Ownership, OwnershipRepresentative,
                             Payment, Person, PersonPhone)
from tests.imports.files import CHARGES, PERSONS, write_csv, write_utility


async def _count(session: AsyncSession, entity: type) -> int:
    return int((await session.execute(select(func.count()).select_from(entity))).scalar_one())


async def test_valid_folder_lands_every_kind(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    report = await import_files(engine, [write_utility(tmp_path / "export")])
    assert report.committed, report.errors
    assert report.errors == []
    assert [r.kind for r in report.results] == [
        "creditors", "buildings", "accounts", "persons", "ownership", "charges", "payments"]
    async with sessionmaker() as session:
        assert await _count(session, Account) == 3
        assert await _count(session, Charge) == 5
        building = (await session.execute(select(Building).where(Building.code == "B2"))).scalar_one()
        assert building.due_day == 20
        creditor = (await session.execute(select(Creditor))).scalar_one()
        assert building.creditor_id == creditor.id
        account = (await session.execute(select(Account).where(Account.number == "1001"))).scalar_one()
        assert account.area == Decimal("45.50")
        heating = (await session.execute(
            select(Charge).where(Charge.account_id == account.id, Charge.service == "ХВС"))).scalar_one()
        assert heating.amount == Decimal("300.50") and heating.period == date(2026, 1, 1)
        payment = (await session.execute(select(Payment).where(Payment.external_id == "PAY-1"))).scalar_one()
        assert payment.period == date(2026, 1, 1) and payment.paid_on == date(2026, 2, 15)
        unconfirmed = (await session.execute(select(Payment).where(Payment.external_id == "PAY-3"))).scalar_one()
        assert unconfirmed.confirmed is False and unconfirmed.period is None
        phones = (await session.execute(
            select(PersonPhone.number).join(Person).where(Person.code == "P4")
            .order_by(PersonPhone.position))).scalars().all()
        assert phones == ["+79200001122", "+79200001123"]
        minor = (await session.execute(
            select(Ownership).join(Person).where(Person.code == "P3"))).scalar_one()
        assert minor.is_minor and (minor.share_numerator, minor.share_denominator) == (1, 3)
        parents = (await session.execute(
            select(Person.code).join(OwnershipRepresentative,
                                     OwnershipRepresentative.person_id == Person.id)
            .where(OwnershipRepresentative.ownership_id == minor.id).order_by(Person.code))).scalars().all()
        assert parents == ["P1", "P2"]
        ivanov = (await session.execute(select(Person).where(Person.code == "P1"))).scalar_one()
        assert ivanov.snils == "112-233-445 95" and ivanov.birth_date == date(1970, 2, 1)


async def test_reimport_changes_nothing(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_utility(tmp_path / "export")
    first = await import_files(engine, [folder])
    async with sessionmaker() as session:
        ids_before = (await session.execute(select(Charge.id, Charge.amount).order_by(Charge.id))).all()
    second = await import_files(engine, [folder])
    assert first.committed and second.committed
    for result in second.results:
        assert (result.counts.inserted, result.counts.updated) == (0, 0), result.kind
        assert result.counts.unchanged == result.counts.staged > 0
    async with sessionmaker() as session:
        ids_after = (await session.execute(select(Charge.id, Charge.amount).order_by(Charge.id))).all()
        assert await _count(session, OwnershipRepresentative) == 2
        assert await _count(session, PersonPhone) == 3
    assert ids_after == ids_before


async def test_changed_value_updates_in_place(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await import_files(engine, [write_utility(tmp_path / "a")])
    header, rows = CHARGES
    changed = [row[:] for row in rows]
    changed[0][3] = "2600,00"
    report = await import_files(engine, [write_csv(tmp_path / "fix.csv", header, changed)])
    assert report.committed
    (result,) = report.results
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (0, 1, 4)
    async with sessionmaker() as session:
        amount = (await session.execute(
            select(Charge.amount).join(Account).where(
                Account.number == "1001", Charge.period == date(2026, 1, 1),
                Charge.service == "Отопление"))).scalar_one()
    assert amount == Decimal("2600.00")


async def test_owner_no_longer_listed_is_removed(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await import_files(engine, [write_utility(tmp_path / "a")])
    sold = write_csv(tmp_path / "own.csv", ["account_number", "person_code", "share"],
                     [["1002", "P1", "1"]])
    report = await import_files(engine, [sold])
    assert report.committed, report.errors
    async with sessionmaker() as session:
        owners = (await session.execute(
            select(Person.code).join(Ownership).join(Account).where(Account.number == "1002"))).scalars().all()
        kept = (await session.execute(
            select(Person.code).join(Ownership).join(Account).where(Account.number == "2001"))).scalars().all()
    assert owners == ["P1"]
    assert kept == ["P4"]


async def test_cp1251_comma_separated_and_xlsx(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_utility(tmp_path / "export")
    (folder / "accounts.csv").unlink()
    write_csv(folder / "ls.csv", ["Лицевой счёт", "Код дома", "Кв.", "Площадь"],
              [["1001", "B1", "1", "45.5"], ["1002", "B1", "2", "60"], ["2001", "B2", "7", "33.3"]],
              encoding="cp1251", delimiter=",")
    (folder / "buildings.csv").unlink()
    book = Workbook()
    sheet = book.active
    sheet.append(["Код дома", "Регион", "Город", "Улица", "Дом", "Срок оплаты"])
    sheet.append(["B1", "Рязанская область", "Рязань", "ул. Ленина", 10, None])
    sheet.append(["B2", "Рязанская область", "Рязань", "ул. Есенина", 5, 20])
    book.save(folder / "дома.xlsx")
    report = await import_files(engine, [folder])
    assert report.committed, report.errors
    async with sessionmaker() as session:
        house = (await session.execute(select(Building.house).where(Building.code == "B1"))).scalar_one()
        area = (await session.execute(select(Account.area).where(Account.number == "2001"))).scalar_one()
    assert house == "10"
    assert area == Decimal("33.30")


async def test_a_debtors_bank_is_imported_and_checked(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    header, rows = PERSONS
    with_bank = ([*header, "Банк", "БИК", "Счёт должника"],
                 [[*rows[0], "ПАО Сбербанк", "044525225", "4081 7810 0000 0001 2345"],
                  *([*row, "", "", ""] for row in rows[1:])])
    report = await import_files(engine, [write_utility(tmp_path / "a", persons=with_bank)])
    assert report.committed, report.errors
    async with sessionmaker() as session:
        person = (await session.execute(select(Person).where(Person.code == "P1"))).scalar_one()
    assert (person.bank_name, person.bik, person.bank_account) == (
        "ПАО Сбербанк", "044525225", "40817810000000012345")
    bad = (with_bank[0], [[*rows[0], "ПАО Сбербанк", "04452522", ""]])
    report = await import_files(engine, [write_utility(tmp_path / "b", persons=bad)])
    assert not report.committed
    assert "неверный БИК «04452522» (9 цифр)" in report.errors[0].reason
