"""charges: monthly charges per service (key: account + period + service)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import (Column, DirectLoad, RecordKind, Reference, StagedRows,
                                     StagingTable, UpsertCounts)
from backoffice.imports.upsert_sql import upsert

STAGING = StagingTable(
    "stg_charge",
    (("account_number", "TEXT"), ("period", "DATE"), ("service", "TEXT"),
     ("amount", "NUMERIC(14,2)")),
    index=("account_number",),
)

COLUMNS = (
    Column("account_number", v.text, ("лицевой счет", "ЛС", "номер ЛС"), required=True),
    Column("period", v.a_period, ("период", "месяц"), required=True),
    Column("service", v.text, ("услуга", "вид услуги"), required=True),
    Column("amount", v.a_non_negative_amount, ("сумма", "начислено", "сумма начисления"),
           required=True),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    yield 0, (row["account_number"], row["period"], row["service"], row["amount"])


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    return await upsert(
        conn, target="charge", keys=("account_id", "period", "service"), values=("amount",),
        staging_table=STAGING.name,
        select_sql=(
            "SELECT a.id, s.period, s.service, s.amount"
            f" FROM {STAGING.name} s JOIN account a ON a.number = s.account_number"
        ),
    )


DIRECT = DirectLoad(
    target="charge",
    columns=("account_id", "period", "service", "amount"),
    fields=("account_number", "period", "service", "amount"),
    references={"account_number": Reference("account", "number", "лицевой счёт")},
)


KIND = RecordKind(
    name="charges", title="начисления", columns=COLUMNS, staging=(STAGING,),
    to_staged=_staged, upsert=_upsert,
    checks=(
        checks.repeated_key(STAGING.name, ("account_number", "period", "service"),
                            "начисление (счёт, период, услуга)"),
        checks.unknown_reference(STAGING.name, "account_number", "account", "number", "лицевой счёт"),
    ),
    direct=DIRECT,
)
