"""Idempotent set-based upserts shared by every kind: insert new keys, update changed rows only."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports.spec import UpsertCounts


def differs(left: str, right: str, dialect: str) -> str:
    return f"{left} IS NOT {right}" if dialect == "sqlite" else f"{left} IS DISTINCT FROM {right}"


async def count_rows(conn: AsyncConnection, table: str) -> int:
    return int((await conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}")).scalar_one())


async def upsert(
    conn: AsyncConnection,
    *,
    target: str,
    keys: Sequence[str],
    values: Sequence[str],
    select_sql: str,
    staging_table: str,
) -> UpsertCounts:
    """INSERT … SELECT … ON CONFLICT DO UPDATE that leaves identical rows untouched.

    ``select_sql`` yields the key columns then the value columns, in that order, one row per
    row of ``staging_table`` (the checks have removed rows whose references do not resolve).
    Rows whose values are already stored are not rewritten, so a re-import reports them as
    unchanged.
    """
    dialect = conn.dialect.name
    columns = [*keys, *values]
    before = await count_rows(conn, target)
    action = "DO NOTHING"
    if values:
        assignments = ", ".join(f"{v} = excluded.{v}" for v in values)
        changed = " OR ".join(differs(f"{target}.{v}", f"excluded.{v}", dialect) for v in values)
        action = f"DO UPDATE SET {assignments} WHERE {changed}"
    # "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint.
    result = await conn.exec_driver_sql(
        f"INSERT INTO {target} ({', '.join(columns)}) SELECT * FROM ({select_sql}) AS src"
        f" WHERE true ON CONFLICT ({', '.join(keys)}) {action}"
    )
    inserted = await count_rows(conn, target) - before
    staged = await count_rows(conn, staging_table)
    return UpsertCounts(staged=staged, inserted=inserted, updated=max(result.rowcount - inserted, 0))


async def sync_children(
    conn: AsyncConnection,
    *,
    target: str,
    parent_column: str,
    child_key: str,
    parents_sql: str,
    listed_sql: str,
) -> None:
    """Make a parent's child set (phones, owners, representatives) equal to what the import lists.

    ``parents_sql`` selects the ids of the parents in this import; ``listed_sql`` selects
    (parent_id, child) pairs that should remain. Listed children are inserted by the caller.
    The pairs are materialised and indexed first: as a correlated subquery SQLite would
    re-run the join for every row of the target, which is quadratic in the import size.
    """
    await conn.exec_driver_sql("DROP TABLE IF EXISTS stg_keep")
    await conn.exec_driver_sql(f"CREATE TEMPORARY TABLE stg_keep AS {listed_sql}")
    await conn.exec_driver_sql("CREATE INDEX ix_stg_keep ON stg_keep (parent_id, child)")
    await conn.exec_driver_sql(
        f"DELETE FROM {target} WHERE {parent_column} IN ({parents_sql})"
        " AND NOT EXISTS (SELECT 1 FROM stg_keep keep"
        f" WHERE keep.parent_id = {target}.{parent_column} AND keep.child = {target}.{child_key})"
    )
    await conn.exec_driver_sql("DROP TABLE stg_keep")
