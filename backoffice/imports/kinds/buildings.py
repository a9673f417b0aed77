"""buildings: addresses, time zones and due-day overrides (key: building code)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import Check, Column, RecordKind, StagedRows, StagingTable, UpsertCounts
from backoffice.imports.upsert_sql import upsert

STAGING = StagingTable(
    "stg_building",
    (("code", "TEXT"), ("region", "TEXT"), ("city", "TEXT"), ("street", "TEXT"), ("house", "TEXT"),
     ("postal_code", "TEXT"), ("timezone", "TEXT"), ("due_day", "INTEGER"), ("creditor_inn", "TEXT")),
)

COLUMNS = (
    Column("building_code", v.text, ("код дома", "код здания"), required=True),
    Column("region", v.text, ("регион", "субъект"), required=True),
    Column("city", v.text, ("город", "населенный пункт"), required=True),
    Column("street", v.text, ("улица",), required=True),
    Column("house", v.text, ("дом", "номер дома"), required=True),
    Column("postal_code", v.text, ("индекс", "почтовый индекс")),
    Column("timezone", v.a_timezone, ("часовой пояс",)),
    Column("due_day", v.a_day_of_month, ("срок оплаты", "день оплаты", "срок оплаты день")),
    Column("creditor_inn", v.text, ("ИНН кредитора", "ИНН УК")),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    yield 0, (row["building_code"], row["region"], row["city"], row["street"], row["house"],
              row["postal_code"], row["timezone"], row["due_day"], row["creditor_inn"])


# An empty creditor ИНН is unambiguous only while the database holds exactly one creditor.
_CREDITOR_CHECK = Check(
    f"SELECT s.src_file, s.src_line, s.creditor_inn FROM {STAGING.name} s"
    " WHERE (s.creditor_inn <> '' AND NOT EXISTS"
    "   (SELECT 1 FROM creditor c WHERE c.inn = s.creditor_inn))"
    " OR (s.creditor_inn = '' AND (SELECT COUNT(*) FROM creditor) <> 1)",
    lambda inn: f"неизвестный кредитор с ИНН «{inn}»" if inn
    else "не указан ИНН кредитора, а кредитор в базе не один",
)


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    return await upsert(
        conn, target="building", keys=("code",), staging_table=STAGING.name,
        values=("creditor_id", "region", "city", "street", "house", "postal_code", "timezone",
                "due_day"),
        select_sql=(
            "SELECT s.code, COALESCE(c.id, (SELECT MIN(id) FROM creditor)), s.region, s.city,"
            " s.street, s.house, s.postal_code, s.timezone, s.due_day"
            f" FROM {STAGING.name} s LEFT JOIN creditor c ON c.inn = s.creditor_inn"
        ),
    )


KIND = RecordKind(
    name="buildings", title="дома", columns=COLUMNS, staging=(STAGING,),
    to_staged=_staged, upsert=_upsert,
    checks=(checks.repeated_key(STAGING.name, ("code",), "код дома"), _CREDITOR_CHECK),
)
