"""creditors: the utility itself (key: ИНН)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import Column, RecordKind, StagedRows, StagingTable, UpsertCounts
from backoffice.imports.upsert_sql import upsert

_FIELDS = ("name", "short_name", "ogrn", "kpp", "address", "bank_name", "bik", "bank_account",
           "corr_account", "phone", "email")

STAGING = StagingTable("stg_creditor", (("inn", "TEXT"), *((f, "TEXT") for f in _FIELDS)))


def _ogrn(value: v.Cell) -> str:
    from models.identifiers import is_valid_ogrn

    raw = v.text(value)
    if raw and not is_valid_ogrn(raw):
        raise v.CellError(f"неверный ОГРН «{raw}» (13 или 15 цифр с контрольным разрядом)")
    return raw


COLUMNS = (
    Column("inn", v.an_inn, ("ИНН",), required=True),
    Column("name", v.text, ("наименование", "полное наименование"), required=True),
    Column("short_name", v.text, ("краткое наименование",)),
    Column("ogrn", _ogrn, ("ОГРН",)),
    Column("kpp", v.text, ("КПП",)),
    Column("address", v.text, ("адрес", "юридический адрес")),
    Column("bank_name", v.text, ("банк",)),
    Column("bik", v.text, ("БИК",)),
    Column("bank_account", v.text, ("расчетный счет", "р/с")),
    Column("corr_account", v.text, ("корр. счет", "корреспондентский счет", "к/с")),
    Column("phone", v.text, ("телефон",)),
    Column("email", v.text, ("email", "электронная почта")),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    yield 0, (row["inn"], *(row[f] for f in _FIELDS))


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    return await upsert(
        conn, target="creditor", keys=("inn",), values=_FIELDS, staging_table=STAGING.name,
        select_sql=f"SELECT inn, {', '.join(_FIELDS)} FROM {STAGING.name}",
    )


KIND = RecordKind(
    name="creditors", title="кредиторы", columns=COLUMNS, staging=(STAGING,),
    to_staged=_staged, upsert=_upsert,
    checks=(checks.repeated_key(STAGING.name, ("inn",), "ИНН"),),
)
