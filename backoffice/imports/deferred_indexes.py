"""Indexes and foreign keys of empty tables built once after a bulk load, on PostgreSQL.

Per-row foreign-key triggers cost PostgreSQL about three times a COPY itself (measured here:
66 s against 17 s for 3.6 M charges), and maintaining indexes row by row costs it as much
again as building them by one sort afterwards. As the PostgreSQL manual advises for populating
a database, they are dropped for the load and added back from their own definitions in the
catalogue, which validates every row at once: a repeated key fails the unique index build as it
would have failed the insert. Only empty tables qualify, so the checks afterwards cost what the
load brought, and the tables are locked by the importing transaction, so no one sees them
without their indexes; a failure rolls the DDL back with the load. Primary keys stay (their ids
come in ascending order), and so do unique indexes an INSERT … ON CONFLICT needs as arbiter.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

# Index builds sort in memory up to this; the default 64 MB spills 3.6 M charge keys to disk.
INDEX_BUILD_MEMORY = "256MB"


async def is_empty(conn: AsyncConnection, table: str) -> bool:
    found = await conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1")
    return found.first() is None


@asynccontextmanager
async def built_after_load(
    conn: AsyncConnection, tables: Sequence[str], *, keep_unique: bool
) -> AsyncIterator[None]:
    """Load the (empty) ``tables`` inside this block; their indexes and checks come after it."""
    if conn.dialect.name != "postgresql":
        yield
        return
    dropped: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = []
    for table in tables:
        constraints, indexes = await _secondary(conn, table, keep_unique)
        for name, _ in constraints:
            await conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            await conn.exec_driver_sql(f'DROP INDEX "{name}"')
        dropped.append((table, constraints, indexes))
    yield
    await conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    for table, constraints, indexes in dropped:
        for _, definition in indexes:
            await conn.exec_driver_sql(definition)
        # Unique constraints ('u') first: reversed, the foreign keys ('f') come last.
        for name, definition in reversed(constraints):
            await conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


async def _secondary(
    conn: AsyncConnection, table: str, keep_unique: bool
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(constraints, plain indexes) to drop: name and definition of each."""
    kinds = "('f')" if keep_unique else "('u', 'f')"
    constraints = (await conn.exec_driver_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        f" WHERE conrelid = '{table}'::regclass AND contype IN {kinds} ORDER BY contype, conname"
    )).all()
    unique = " AND NOT i.indisunique" if keep_unique else ""
    indexes = (await conn.exec_driver_sql(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        f" WHERE i.indrelid = '{table}'::regclass AND NOT i.indisprimary{unique}"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
    )).all()
    return [tuple(row) for row in constraints], [tuple(row) for row in indexes]  # type: ignore[misc]
