"""Writing small billing exports for import tests, in the formats a billing system produces."""
from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

CREDITOR = (["inn", "name", "ogrn", "address"],
            [["6234000014", "ООО «УК Тест»", "1026200954504", "г. Рязань, ул. Есенина, д. 1"]])
BUILDINGS = (["building_code", "region", "city", "street", "house", "timezone", "due_day"],
             [["B1", "Рязанская область", "Рязань", "ул. Ленина", "10", "Europe/Moscow", ""],
              ["B2", "Рязанская область", "Рязань", "ул. Есенина", "5", "Europe/Moscow", "20"]])
ACCOUNTS = (["account_number", "building_code", "premises", "area"],
            [["1001", "B1", "1", "45,5"], ["1002", "B1", "2", "60"], ["2001", "B2", "7", "33,3"]])
PERSONS = (["Код лица", "Фамилия", "Имя", "Отчество", "Дата рождения", "Телефоны", "СНИЛС"],
           [["P1", "Иванов", "Иван", "Петрович", "01.02.1970", "8 (910) 123-45-67", "112-233-445 95"],
            ["P2", "Иванова", "Мария", "Сергеевна", "03.04.1975", "", ""],
            ["P3", "Иванов", "Пётр", "Иванович", "05.06.2012", "", ""],
            ["P4", "Сидорова", "Анна", "Ильинична", "", "+7 920 000 11 22, 89200001123", ""]])
OWNERSHIP = (["Лицевой счет", "Код лица", "Вид", "Доля", "Несовершеннолетний", "Законные представители"],
             [["1001", "P1", "долевая", "1/3", "нет", ""],
              ["1001", "P2", "долевая", "1/3", "нет", ""],
              ["1001", "P3", "долевая", "1/3", "да", "P1, P2"],
              ["1002", "P4", "", "1", "", ""],
              ["2001", "P4", "", "1", "", ""]])
CHARGES = (["account_number", "period", "service", "amount"],
           [["1001", "01.2026", "Отопление", "2500,00"], ["1001", "01.2026", "ХВС", "300,50"],
            ["1001", "02.2026", "Отопление", "2400,00"], ["1002", "01.2026", "Отопление", "1 200,00"],
            ["2001", "2026-01", "Отопление", "900"]])
PAYMENTS = (["payment_id", "account_number", "paid_on", "amount", "period", "confirmed"],
            [["PAY-1", "1001", "15.02.2026", "2800,50", "01.2026", "да"],
             ["PAY-2", "1002", "2026-02-20", "500", "", ""],
             ["PAY-3", "2001", "01.03.2026", "900,00", "", "нет"]])

KINDS = {
    "creditors": CREDITOR, "buildings": BUILDINGS, "accounts": ACCOUNTS, "persons": PERSONS,
    "ownership": OWNERSHIP, "charges": CHARGES, "payments": PAYMENTS,
}


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]],
              *, encoding: str = "utf-8", delimiter: str = ";") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_utility(folder: Path, **overrides: tuple[list[str], list[list[str]]]) -> Path:
    """The small valid utility above as one CSV per kind; ``overrides`` replace a kind's table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in {**KINDS, **overrides}.items():
        encoding = "cp1251" if name in ("persons", "ownership") else "utf-8"
        write_csv(folder / f"{name}.csv", header, rows, encoding=encoding)
    return folder
