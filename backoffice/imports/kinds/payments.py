"""payments: money received (key: the payment's document id)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import (Column, DirectLoad, RecordKind, Reference, StagedRows,
                                     StagingTable, UpsertCounts)
from backoffice.imports.upsert_sql import upsert

STAGING = StagingTable(
    "stg_payment",
    (("external_id", "TEXT"), ("account_number", "TEXT"), ("paid_on", "DATE"),
     ("amount", "NUMERIC(14,2)"), ("period", "DATE"), ("source", "TEXT"), ("confirmed", "BOOLEAN")),
    index=("account_number",),
)


def _optional_period(value: v.Cell) -> Any:
    return None if v.text(value) == "" else v.a_period(value)


def _confirmed(value: v.Cell) -> bool:
    return v.a_flag(value, default=True)


COLUMNS = (
    Column("payment_id", v.text, ("номер документа", "идентификатор платежа", "номер платежа"),
           required=True),
    Column("account_number", v.text, ("лицевой счет", "ЛС", "номер ЛС"), required=True),
    Column("paid_on", v.a_date, ("дата оплаты", "дата платежа", "дата"), required=True),
    Column("amount", v.a_positive_amount, ("сумма", "сумма оплаты", "оплачено"), required=True),
    Column("period", _optional_period, ("за период", "период")),
    Column("source", v.text, ("источник", "способ оплаты")),
    Column("confirmed", _confirmed, ("подтвержден", "подтверждено")),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    yield 0, (row["payment_id"], row["account_number"], row["paid_on"], row["amount"],
              row["period"], row["source"], row["confirmed"])


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    return await upsert(
        conn, target="payment", keys=("external_id",), staging_table=STAGING.name,
        values=("account_id", "paid_on", "amount", "period", "source", "confirmed"),
        select_sql=(
            "SELECT s.external_id, a.id, s.paid_on, s.amount, s.period, s.source, s.confirmed"
            f" FROM {STAGING.name} s JOIN account a ON a.number = s.account_number"
        ),
    )


DIRECT = DirectLoad(
    target="payment",
    columns=("external_id", "account_id", "paid_on", "amount", "period", "source", "confirmed"),
    fields=("payment_id", "account_number", "paid_on", "amount", "period", "source", "confirmed"),
    references={"account_number": Reference("account", "number", "лицевой счёт")},
)


KIND = RecordKind(
    name="payments", title="оплаты", columns=COLUMNS, staging=(STAGING,),
    to_staged=_staged, upsert=_upsert,
    checks=(
        checks.repeated_key(STAGING.name, ("external_id",), "номер платёжного документа"),
        checks.unknown_reference(STAGING.name, "account_number", "account", "number", "лицевой счёт"),
    ),
    direct=DIRECT,
)
