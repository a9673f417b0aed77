"""accounts: лицевые счета (key: account number)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import Column, RecordKind, StagedRows, StagingTable, UpsertCounts
from backoffice.imports.upsert_sql import upsert

STAGING = StagingTable(
    "stg_account",
    (("number", "TEXT"), ("building_code", "TEXT"), ("premises", "TEXT"),
     ("area", "NUMERIC(14,2)"), ("debtor_kind", "TEXT")),
    index=("number",),
)

COLUMNS = (
    Column("account_number", v.text, ("лицевой счет", "ЛС", "номер ЛС", "номер лицевого счета"),
           required=True),
    Column("building_code", v.text, ("код дома", "код здания"), required=True),
    Column("premises", v.text, ("помещение", "кв", "квартира")),
    Column("area", v.an_area, ("площадь", "общая площадь")),
    Column("debtor_kind", v.a_debtor_kind, ("тип должника", "категория")),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    yield 0, (row["account_number"], row["building_code"], row["premises"], row["area"],
              row["debtor_kind"])


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    return await upsert(
        conn, target="account", keys=("number",), staging_table=STAGING.name,
        values=("building_id", "premises", "area", "debtor_kind"),
        select_sql=(
            "SELECT s.number, b.id, s.premises, s.area, s.debtor_kind"
            f" FROM {STAGING.name} s JOIN building b ON b.code = s.building_code"
        ),
    )


KIND = RecordKind(
    name="accounts", title="лицевые счета", columns=COLUMNS, staging=(STAGING,),
    to_staged=_staged, upsert=_upsert, targets=("account",),
    checks=(
        checks.repeated_key(STAGING.name, ("number",), "лицевой счёт"),
        checks.unknown_reference(STAGING.name, "building_code", "building", "code", "код дома"),
    ),
)
