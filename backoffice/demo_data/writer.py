"""The files as billing systems export them: 1C-style CSV in CP1251 or UTF-8, and XLSX.

Each file uses a different mix of encoding, header language and line ending on purpose, so a
demo import walks through every path of the importer's format detection.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

Row = Sequence[object]


@dataclass(frozen=True, slots=True)
class CsvFile:
    name: str
    header: tuple[str, ...]
    encoding: str
    bom: bool
    line_end: str

    def header_bytes(self) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + self.encode([self.header])

    def encode(self, rows: Iterable[Row]) -> bytes:
        pieces = _Pieces()
        csv.writer(pieces, delimiter=";", lineterminator=self.line_end).writerows(rows)
        return "".join(pieces).encode(self.encoding)


class _Pieces(list[str]):
    """A csv.writer target: collecting pieces is twice as fast as writing to io.StringIO."""

    write = list.append


ACCOUNTS = CsvFile(
    "accounts.csv",
    ("Лицевой счет", "Код дома", "Помещение", "Площадь", "Тип должника"),
    encoding="utf-8", bom=True, line_end="\r\n",
)
PERSONS = CsvFile(
    "persons.csv",
    ("Код лица", "Фамилия", "Имя", "Отчество", "Дата рождения", "Место рождения", "СНИЛС", "ИНН",
     "Паспорт", "Адрес регистрации", "Телефоны", "Электронная почта"),
    encoding="cp1251", bom=False, line_end="\r\n",
)
OWNERSHIP = CsvFile(
    "ownership.csv",
    ("Лицевой счёт", "Код лица", "Вид", "Доля", "Несовершеннолетний", "Законные представители"),
    encoding="cp1251", bom=False, line_end="\r\n",
)
CHARGES = CsvFile(
    "charges.csv",
    ("account_number", "period", "service", "amount"),
    encoding="utf-8", bom=False, line_end="\n",
)
PAYMENTS = CsvFile(
    "payments.csv",
    ("Номер документа", "Лицевой счет", "Дата оплаты", "Сумма", "За период", "Источник",
     "Подтвержден"),
    encoding="utf-8", bom=False, line_end="\n",
)
CSV_FILES = (ACCOUNTS, PERSONS, OWNERSHIP, CHARGES, PAYMENTS)

CREDITORS_XLSX = "creditors.xlsx"
CREDITORS_HEADER = ("ИНН", "Наименование", "Краткое наименование", "ОГРН", "КПП", "Адрес", "Банк",
                    "БИК", "Расчетный счет", "Корр. счет", "Телефон", "Email")
BUILDINGS_XLSX = "buildings.xlsx"
BUILDINGS_HEADER = ("building_code", "region", "city", "street", "house", "postal_code",
                    "timezone", "due_day", "creditor_inn")

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _ReproducibleZip(ZipFile):
    """openpyxl stamps zip entries with the current time; a fixed stamp keeps a seed's output
    byte-for-byte identical between runs."""

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | ZipInfo, data: bytes | str, *args: object, **kwargs: object
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)  # type: ignore[arg-type]

    def write(  # type: ignore[override]
        self, filename: str, arcname: str | None = None, *args: object, **kwargs: object
    ) -> None:
        with open(filename, "rb") as source:
            self.writestr(arcname or filename, source.read())


def write_xlsx(
    path: Path, sheet: str, header: Row, rows: Iterable[Row], stamp: datetime
) -> None:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Vozvrat demo-data"
    workbook.properties.created = workbook.properties.modified = stamp
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    ExcelWriter(workbook, _ReproducibleZip(path, "w", ZIP_DEFLATED)).save()
