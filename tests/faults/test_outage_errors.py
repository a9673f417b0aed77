"""Which database errors a worker waits out, on the real engine: a database that is unreachable
is an outage, a statement the schema refuses is not (waiting would hang the worker)."""
from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from models.db import make_engine
from models.outage import database_away, until_stored
from tests.voicebot.conftest import free_port


async def _error_of(engine: AsyncEngine, statement: str) -> BaseException:
    with pytest.raises(Exception) as caught:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    return caught.value


async def test_an_unreachable_database_is_an_outage(db_kind: str, tmp_path: Path) -> None:
    # Nothing listens on a free port; SQLite cannot open a folder as its file.
    url = (f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none" if db_kind == "postgresql"
           else f"sqlite+aiosqlite:///{tmp_path}")
    engine = make_engine(url)
    try:
        assert database_away(await _error_of(engine, "SELECT 1"))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("refusal", [
    asyncpg.exceptions.CannotConnectNowError("the database system is not yet accepting connections"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
])
async def test_a_server_starting_or_shutting_down_is_an_outage(
    db_kind: str, refusal: asyncpg.PostgresError,
) -> None:
    # A restarted server answers the first connections with these while it replays its log; the
    # error comes through SQLAlchemy's own asyncpg translation, as from a real server.
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL's server states")

    async def refuse() -> asyncpg.Connection:
        raise refusal

    engine = create_async_engine("postgresql+asyncpg://", async_creator=refuse)
    try:
        assert database_away(await _error_of(engine, "SELECT 1"))
    finally:
        await engine.dispose()


async def test_a_refused_statement_is_not_an_outage_and_is_not_retried(engine: AsyncEngine) -> None:
    missing = await _error_of(engine, "SELECT * FROM no_such_table")
    assert isinstance(missing, DBAPIError) and not database_away(missing)
    tries = 0

    async def work() -> None:
        nonlocal tries
        tries += 1
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO creditor (id) VALUES (NULL)"))

    with pytest.raises(IntegrityError):
        await until_stored(work, "a row the schema refuses")
    assert tries == 1
