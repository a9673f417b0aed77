"""A wave's member and attempt rows checked against their referenced rows once, set-based.

PostgreSQL checks a foreign key per inserted row (one SPI query with a FOR KEY SHARE lock per
reference): at a million debtors that was 62 % of the member insert and 47 % of the attempt
insert. The planning statements take every reference from the referenced tables themselves
(cases from ``debt_case``, persons through ``ownership``, the wave just read), so per row they
can only fail if a referenced row is deleted concurrently before commit. Instead, inside this
block the per-row triggers are off (``session_replication_role = replica``, scoped to a
savepoint of the planning transaction), and afterwards every case, person and wave the wave's
rows reference is locked FOR KEY SHARE in one statement each — the lock the per-row check takes
— and counted: a missing row raises, and the rollback undoes the inserts just as a failed
foreign key would. Once locked, no referenced row can be deleted until the transaction ends,
so the references are as sound as the per-row checks make them.

Setting the role needs a superuser; as any other user (and on SQLite) the block does nothing
and the ordinary per-row checks run.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class MissingReference(RuntimeError):
    """A row the wave references was deleted while the wave was planned."""


# Each pair: the distinct ids the wave's rows reference, and how many of them exist once locked.
_REFERENCES = {
    "debt_case": "SELECT case_id FROM wave_member WHERE wave_id = :wave"
                 " UNION SELECT case_id FROM attempt WHERE wave_id = :wave",
    "person": "SELECT person_id FROM attempt WHERE wave_id = :wave AND person_id IS NOT NULL",
    "wave": "SELECT CAST(:wave AS INTEGER)",
}


@asynccontextmanager
async def references_checked_in_bulk(session: AsyncSession, wave_id: int) -> AsyncIterator[None]:
    if not await _may_defer(session):
        yield
        return
    async with session.begin_nested():
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        # Released savepoints keep SET LOCAL until the transaction ends; restore it here.
        await session.execute(text("SET LOCAL session_replication_role = origin"))
    for table, referenced in _REFERENCES.items():
        wanted, locked = (await session.execute(text(
            f"SELECT (SELECT count(*) FROM ({referenced}) AS r),"
            f" (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE id IN ({referenced})"
            f" FOR KEY SHARE) AS l)"), {"wave": wave_id})).one()
        if wanted != locked:
            raise MissingReference(f"wave {wave_id}: {wanted - locked} rows of {table} vanished")


async def _may_defer(session: AsyncSession) -> bool:
    if session.bind.dialect.name != "postgresql":
        return False
    return (await session.execute(text("SELECT current_setting('is_superuser')"))).scalar_one() == "on"
