"""The initial-load fast path: stream parsed rows straight into an empty target table.

Staging then INSERT … SELECT … ON CONFLICT costs PostgreSQL twice the work of one COPY into the
real table (measured here: 30 s against 17 s for 3.6 M charges). When the target table is empty
there is nothing to upsert, so the rows are streamed by one COPY per file directly into it,
while Python parses the next rows (PostgreSQL works on the other core meanwhile). References
are resolved in Python from maps of the (small) referenced tables. It runs under a savepoint:
a repeated key trips the unique index, the savepoint is rolled back, and the import falls back
to the staging path, whose checks name every repeated line.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import staging
from backoffice.imports.checks import unknown_reference_message
from backoffice.imports.values import CellError

ReferenceMaps = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class DirectLoad:
    target: str
    columns: tuple[str, ...]
    # name → (table, key column): maps from natural key to id, loaded before streaming.
    references: Mapping[str, tuple[str, str]]
    # Parsed row + reference maps → target tuple; raises CellError for an unknown reference.
    to_target: Callable[[dict[str, Any], ReferenceMaps], tuple[Any, ...]]


def account_id(row: Mapping[str, Any], maps: ReferenceMaps) -> int:
    """The id of the row's account, or the same "unknown account" error the staging check gives."""
    found = maps["account"].get(row["account_number"])
    if found is None:
        raise CellError(unknown_reference_message("лицевой счёт", row["account_number"]))
    return found


class RepeatedKey(Exception):
    """The direct load hit the unique index: use the staging path to find and name the rows."""


async def target_is_empty(conn: AsyncConnection, load: DirectLoad) -> bool:
    found = await conn.exec_driver_sql(f"SELECT 1 FROM {load.target} LIMIT 1")
    return found.first() is None


async def reference_maps(conn: AsyncConnection, load: DirectLoad) -> dict[str, dict[str, int]]:
    maps: dict[str, dict[str, int]] = {}
    for name, (table, key) in load.references.items():
        rows = await conn.exec_driver_sql(f"SELECT {key}, id FROM {table}")
        maps[name] = dict(rows.all())
    return maps


async def stream(conn: AsyncConnection, load: DirectLoad, records: AsyncIterator[tuple[Any, ...]],
                 chunk_rows: int) -> None:
    """Load ``records`` into the target; raises RepeatedKey if a key is already there."""
    try:
        if conn.dialect.name == "postgresql":
            raw = await conn.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                load.target, records=records, columns=list(load.columns)
            )
            return
        chunk: list[tuple[Any, ...]] = []
        async for record in records:
            chunk.append(record)
            if len(chunk) >= chunk_rows:
                await staging.insert_rows(conn, load.target, load.columns, chunk)
                chunk.clear()
        await staging.insert_rows(conn, load.target, load.columns, chunk)
    except (IntegrityError, asyncpg.UniqueViolationError) as exc:
        raise RepeatedKey from exc
