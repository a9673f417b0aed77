"""Temporary staging tables and the fast bulk path into them (COPY on PostgreSQL)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports.spec import StagingTable

# Rows per round trip when filling a staging or target table.
CHUNK_ROWS = 20_000

_SQLITE_TYPES = {"DATE": "TEXT", "NUMERIC(14,2)": "TEXT", "BOOLEAN": "INTEGER"}


def _sql_type(sql_type: str, dialect: str) -> str:
    return _SQLITE_TYPES.get(sql_type, sql_type) if dialect == "sqlite" else sql_type


async def create(conn: AsyncConnection, table: StagingTable) -> None:
    dialect = conn.dialect.name
    columns = ", ".join(f"{name} {_sql_type(t, dialect)}" for name, t in table.all_columns)
    await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
    suffix = " ON COMMIT DROP" if dialect == "postgresql" else ""
    await conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {table.name} ({columns}){suffix}")


async def drop(conn: AsyncConnection, table: StagingTable) -> None:
    await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")


async def load(conn: AsyncConnection, table: StagingTable, rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # COPY is an order of magnitude faster than INSERTs for millions of charges; it runs on
        # the very connection (and transaction) SQLAlchemy holds, so a rollback undoes it.
        raw = await conn.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=rows, columns=table.column_names
        )
        return
    await insert_rows(conn, table.name, table.column_names, rows)


async def insert_rows(
    conn: AsyncConnection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Plain multi-row INSERT for SQLite (its executemany is the fastest path it has)."""
    if not rows:
        return
    placeholders = ", ".join("?" for _ in columns)
    await conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
        [tuple(map(_sqlite_value, row)) for row in rows],
    )


def _sqlite_value(value: Any) -> Any:
    # Bypassing SQLAlchemy's type processors, so store what its SQLite types store: ISO dates,
    # exact decimal text (NUMERIC affinity converts it on insert into the real table).
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


async def index(conn: AsyncConnection, table: StagingTable) -> None:
    if table.index:
        await conn.exec_driver_sql(
            f"CREATE INDEX ix_{table.name} ON {table.name} ({', '.join(table.index)})"
        )
    if conn.dialect.name == "postgresql":
        # Temp tables are never auto-analyzed; without statistics the planner picks nested loops.
        await conn.exec_driver_sql(f"ANALYZE {table.name}")


async def delete_lines(
    conn: AsyncConnection, tables: Sequence[StagingTable], bad_lines: set[tuple[int, int]]
) -> None:
    """Drop rejected source lines from every staging table of a kind (with --skip-bad-rows)."""
    if not bad_lines:
        return
    await create(conn, _BAD_LINES)
    await load(conn, _BAD_LINES, sorted(bad_lines))
    for table in tables:
        await conn.exec_driver_sql(
            f"DELETE FROM {table.name} WHERE EXISTS (SELECT 1 FROM {_BAD_LINES.name} b"
            f" WHERE b.src_file = {table.name}.src_file AND b.src_line = {table.name}.src_line)"
        )
    await drop(conn, _BAD_LINES)


_BAD_LINES = StagingTable("stg_bad_line", ())
