"""Read the generated files back and check what the importer and the demo rely on."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from backoffice.demo_data import writer
from backoffice.demo_data.plan import CREDITOR
from backoffice.demo_data.tariffs import SERVICES as ALL_SERVICES
from models.contacts import is_valid_email, normalise_phone
from models.identifiers import is_valid_inn, is_valid_ogrn, is_valid_snils
from tests.demo_data.conftest import ACCOUNTS, AS_OF, MONTHS, SERVICES, kopecks, read_rows


def _accounts(demo_dir: Path) -> list[dict[str, str]]:
    return read_rows(demo_dir / writer.ACCOUNTS.name, "utf-8-sig")


def _persons(demo_dir: Path) -> list[dict[str, str]]:
    return read_rows(demo_dir / writer.PERSONS.name, "cp1251")


def _ownership(demo_dir: Path) -> list[dict[str, str]]:
    return read_rows(demo_dir / writer.OWNERSHIP.name, "cp1251")


def _charges(demo_dir: Path) -> list[dict[str, str]]:
    return read_rows(demo_dir / writer.CHARGES.name, "utf-8")


def _payments(demo_dir: Path) -> list[dict[str, str]]:
    return read_rows(demo_dir / writer.PAYMENTS.name, "utf-8")


def _sheet(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    # Empty trailing cells are not stored, so short rows are padded to the header.
    width = len(rows[0])
    return [tuple(row) + (None,) * (width - len(row)) for row in rows]


def _russian_date(text: str) -> date:
    day, month, year = text.split(".")
    return date(int(year), int(month), int(day))


def test_every_kind_is_written(demo_dir: Path) -> None:
    names = {p.name for p in demo_dir.iterdir()}
    assert names == {writer.CREDITORS_XLSX, writer.BUILDINGS_XLSX,
                     *(spec.name for spec in writer.CSV_FILES)}


@pytest.mark.parametrize("spec", [writer.PERSONS, writer.OWNERSHIP], ids=lambda s: s.name)
def test_1c_files_are_cp1251_with_russian_headers(demo_dir: Path, spec: writer.CsvFile) -> None:
    raw = (demo_dir / spec.name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header = raw.decode("cp1251").split("\r\n", 1)[0]
    assert header.split(";") == list(spec.header)
    assert any("а" <= ch <= "я" for ch in header.lower())


def test_utf8_files_mix_bom_and_header_languages(demo_dir: Path) -> None:
    accounts = (demo_dir / writer.ACCOUNTS.name).read_bytes()
    assert accounts.startswith(b"\xef\xbb\xbf" + "Лицевой счет;".encode())
    charges = (demo_dir / writer.CHARGES.name).read_bytes()
    assert charges.startswith(b"account_number;period;service;amount\n")
    payments = (demo_dir / writer.PAYMENTS.name).read_text(encoding="utf-8")
    assert payments.startswith("Номер документа;Лицевой счет;")


def test_creditor_identifiers_are_valid(demo_dir: Path) -> None:
    header, row = _sheet(demo_dir / writer.CREDITORS_XLSX)
    creditor = dict(zip(header, row))
    assert creditor["ИНН"] == CREDITOR.inn
    assert is_valid_inn(CREDITOR.inn) and len(CREDITOR.inn) == 10
    assert is_valid_ogrn(CREDITOR.ogrn) and len(CREDITOR.ogrn) == 13
    assert CREDITOR.kpp.startswith(CREDITOR.inn[:4]) and len(CREDITOR.kpp) == 9
    assert _bank_key_valid(CREDITOR.bik[-3:], CREDITOR.bank_account)
    assert _bank_key_valid("0" + CREDITOR.bik[4:6], CREDITOR.corr_account)
    assert "Рязань" in str(creditor["Адрес"])


def _bank_key_valid(prefix: str, account: str) -> bool:
    """The Bank of Russia control key of a 20-digit account (weights 7, 1, 3)."""
    digits = prefix + account
    weights = (7, 1, 3) * 8
    return len(account) == 20 and sum(int(d) * w % 10 for d, w in zip(digits, weights)) % 10 == 0


def test_buildings_are_in_ryazan_and_one_overrides_the_due_day(demo_dir: Path) -> None:
    header, *rows = _sheet(demo_dir / writer.BUILDINGS_XLSX)
    buildings = [dict(zip(header, row)) for row in rows]
    assert len(buildings) == round(ACCOUNTS / 150)
    assert len({b["building_code"] for b in buildings}) == len(buildings)
    assert {b["region"] for b in buildings} == {"Рязанская область"}
    assert {b["city"] for b in buildings} == {"Рязань"}
    assert {b["timezone"] for b in buildings} == {"Europe/Moscow"}
    assert all(str(b["postal_code"]).startswith("390") for b in buildings)
    assert [b["due_day"] for b in buildings if b["due_day"] is not None] == [20]
    assert {b["creditor_inn"] for b in buildings} == {CREDITOR.inn, None}
    codes = {str(b["building_code"]) for b in buildings}
    assert {a["Код дома"] for a in _accounts(demo_dir)} <= codes


def test_accounts(demo_dir: Path) -> None:
    accounts = _accounts(demo_dir)
    assert len(accounts) == ACCOUNTS
    numbers = [a["Лицевой счет"] for a in accounts]
    assert len(set(numbers)) == len(numbers)
    assert all(len(n) == 10 and n.isdigit() for n in numbers)
    kinds = Counter(a["Тип должника"] for a in accounts)
    assert kinds["физлицо"] > 0.9 * ACCOUNTS
    assert kinds["юрлицо"] > 0 and kinds["бюджет"] > 0
    for account in accounts:
        whole, tenths = account["Площадь"].split(",")
        assert len(tenths) == 1
        if account["Тип должника"] == "физлицо":
            assert 28 <= int(whole) <= 95 and account["Помещение"].isdigit()
        else:
            assert account["Помещение"].startswith("Н")


def test_ownership_references_existing_accounts_and_persons(demo_dir: Path) -> None:
    accounts = {a["Лицевой счет"] for a in _accounts(demo_dir)}
    persons = {p["Код лица"] for p in _persons(demo_dir)}
    ownership = _ownership(demo_dir)
    assert {o["Лицевой счёт"] for o in ownership} <= accounts
    assert {o["Код лица"] for o in ownership} <= persons
    keys = [(o["Лицевой счёт"], o["Код лица"]) for o in ownership]
    assert len(set(keys)) == len(keys)
    owned = {o["Лицевой счёт"] for o in ownership}
    individuals = {a["Лицевой счет"] for a in _accounts(demo_dir) if a["Тип должника"] == "физлицо"}
    assert owned == individuals


def test_shares_of_an_account_never_exceed_one(demo_dir: Path) -> None:
    shared: dict[str, Fraction] = defaultdict(Fraction)
    joint: dict[str, Fraction] = {}
    for row in _ownership(demo_dir):
        account, kind = row["Лицевой счёт"], row["Вид"]
        if kind == "Долевая":
            shared[account] += Fraction(row["Доля"])
        elif kind == "Совместная":
            joint[account] = Fraction(row["Доля"])  # one joint part, however many owners
        else:
            assert kind == "Член семьи" and row["Доля"] == ""
    for account in shared.keys() | joint.keys():
        assert shared[account] + joint.get(account, Fraction(0)) <= 1, account


def test_ownership_variety(demo_dir: Path) -> None:
    ownership = _ownership(demo_dir)
    assert {o["Вид"] for o in ownership} == {"Долевая", "Совместная", "Член семьи"}
    assert {"1", "1/2", "1/3", "2/3", "1/4"} <= {o["Доля"] for o in ownership}
    owners = Counter(o["Код лица"] for o in ownership)
    assert any(count > 1 for count in owners.values()), "someone owns a second flat"
    persons = {p["Код лица"] for p in _persons(demo_dir)}
    assert persons - owners.keys(), "a father who represents his child without owning a share"


def test_minors_have_parents_who_exist(demo_dir: Path) -> None:
    persons = {p["Код лица"]: p for p in _persons(demo_dir)}
    minors = [o for o in _ownership(demo_dir) if o["Несовершеннолетний"] == "Да"]
    assert len(minors) > 20
    for minor in minors:
        birth = _russian_date(persons[minor["Код лица"]]["Дата рождения"])
        assert date(birth.year + 18, birth.month, 1) > AS_OF.replace(day=1)
        parents = minor["Законные представители"].split(", ")
        assert len(parents) == 2
        for parent in parents:
            assert parent in persons and parent != minor["Код лица"]
            parent_birth = persons[parent]["Дата рождения"]
            if parent_birth:  # a few adults' birth dates are unknown to the billing system
                assert (birth - _russian_date(parent_birth)).days >= 20 * 365
    adults = [o for o in _ownership(demo_dir) if o["Несовершеннолетний"] == "Нет"]
    assert all(o["Законные представители"] == "" for o in adults)


def test_person_identifiers_have_valid_checksums(demo_dir: Path) -> None:
    persons = _persons(demo_dir)
    snils = [p["СНИЛС"] for p in persons if p["СНИЛС"]]
    inns = [p["ИНН"] for p in persons if p["ИНН"]]
    assert 0.75 * len(persons) < len(snils) < len(persons)
    assert 0.1 * len(persons) < len(inns) < 0.5 * len(persons)
    for number in snils:
        assert is_valid_snils(number) and len(number) == 14 and number[3] == number[7] == "-"
    assert all(is_valid_inn(number) and len(number) == 12 for number in inns)
    passports = [p["Паспорт"] for p in persons if p["Паспорт"]]
    assert passports and all(len(p) == 11 and p[4] == " " and p[:2] == "61" for p in passports)


def test_names_agree_in_gender(demo_dir: Path) -> None:
    for person in _persons(demo_dir):
        last, middle = person["Фамилия"], person["Отчество"]
        if middle.endswith(("вич", "ьич", "тич", "зьмич")):  # male: Петрович, Ильич, Никитич
            assert not last.endswith(("ова", "ева", "ёва", "ина", "ская", "цкая")), person
        else:
            assert middle.endswith("на"), person
            assert not last.endswith(("ов", "ев", "ёв", "ин", "ский", "цкий")), person


def test_phones_and_emails_are_accepted(demo_dir: Path) -> None:
    persons = _persons(demo_dir)
    counts = Counter(len(p["Телефоны"].split(", ")) if p["Телефоны"] else 0 for p in persons)
    assert counts[0] and counts[1] and counts[2]
    numbers = [n for p in persons if p["Телефоны"] for n in p["Телефоны"].split(", ")]
    normalised = [normalise_phone(n) for n in numbers]
    assert None not in normalised
    mobiles = sum(1 for n in normalised if n and n.startswith("+79"))
    assert mobiles > 0.85 * len(numbers)
    assert len({n[:2] for n in numbers}) > 3, "the numbers are written in several ways"
    emails = [p["Электронная почта"] for p in persons if p["Электронная почта"]]
    assert 0.1 * len(persons) < len(emails) < 0.5 * len(persons)
    assert all(is_valid_email(e) and e.isascii() for e in emails)


def test_charges(demo_dir: Path) -> None:
    accounts = {a["Лицевой счет"] for a in _accounts(demo_dir)}
    charges = _charges(demo_dir)
    assert {c["account_number"] for c in charges} == accounts
    keys = [(c["account_number"], c["period"], c["service"]) for c in charges]
    assert len(set(keys)) == len(keys)
    assert all(kopecks(c["amount"]) > 0 for c in charges)
    periods = sorted({c["period"] for c in charges}, key=lambda p: (p[3:], p[:2]))
    assert len(periods) == MONTHS and periods[-1] == "04.2026" and periods[0] == "05.2023"
    assert {c["service"] for c in charges} == {s.name for s in ALL_SERVICES[:SERVICES]}
    heating_months = {c["period"][:2] for c in charges if c["service"] == "Отопление"}
    assert heating_months == {"10", "11", "12", "01", "02", "03", "04"}


def test_payments(demo_dir: Path) -> None:
    accounts = {a["Лицевой счет"] for a in _accounts(demo_dir)}
    payments = _payments(demo_dir)
    ids = [p["Номер документа"] for p in payments]
    assert len(set(ids)) == len(ids)
    assert {p["Лицевой счет"] for p in payments} <= accounts
    assert all(kopecks(p["Сумма"]) > 0 for p in payments)
    dates = [_russian_date(p["Дата оплаты"]) for p in payments]
    assert date(2023, 6, 1) <= min(dates) and max(dates) <= AS_OF
    named = [p["За период"] for p in payments if p["За период"]]
    assert 0.1 * len(payments) < len(named) < 0.5 * len(payments)
    assert {p["Источник"] for p in payments} == {"bank", "cash", "online"}
    confirmed = Counter(p["Подтвержден"] for p in payments)
    assert set(confirmed) == {"да", "нет"} and confirmed["нет"] < 0.01 * len(payments)
    unconfirmed = [d for p, d in zip(payments, dates) if p["Подтвержден"] == "нет"]
    assert all((AS_OF - d).days < 5 for d in unconfirmed), "only recent payments await the bank"


def test_behaviour_mix(demo_dir: Path) -> None:
    """Debt at the end, in months of bills: ~70 % owe at most the bill not yet due, ~20 % owe
    a few months, ~10 % owe most of three years."""
    charged: Counter[str] = Counter()
    paid: Counter[str] = Counter()
    for charge in _charges(demo_dir):
        charged[charge["account_number"]] += kopecks(charge["amount"])
    for payment in _payments(demo_dir):
        paid[payment["Лицевой счет"]] += kopecks(payment["Сумма"])
    mix: Counter[str] = Counter()
    for account, total in charged.items():
        months_owed = (total - paid[account]) / (total / MONTHS)
        mix["good" if months_owed < 2 else "late" if months_owed < 15 else "chronic"] += 1
    share = {kind: count / len(charged) for kind, count in mix.items()}
    assert share["good"] == pytest.approx(0.70, abs=0.05)
    assert share["late"] == pytest.approx(0.20, abs=0.05)
    assert share["chronic"] == pytest.approx(0.10, abs=0.04)
