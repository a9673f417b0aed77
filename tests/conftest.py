"""Shared fixtures: every database test runs on the engine chosen by ``--db`` (or VOZVRAT_TEST_DB).

The suite is run twice by ``make test``: once on SQLite, once on PostgreSQL. Each run creates
its own database (a temp SQLite file, or a fresh PostgreSQL database next to ``test``) migrated
with Alembic, so the migrations themselves are under test.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.base import Base
from models.db import make_engine, make_sessionmaker
from models.migrate import upgrade_sync
import models.entities  # noqa: F401

POSTGRES_ADMIN_DSN = os.environ.get(
    "VOZVRAT_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("VOZVRAT_TEST_DB", "sqlite"),
        help="database engine the suite runs on",
    )


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


async def _create_pg_database(name: str) -> None:
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def pg_url_for(name: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session."""
    import asyncio

    if db_kind == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "vozvrat.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade_sync(url)
        yield url
        return
    name = f"vozvrat_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_create_pg_database(name))
    url = pg_url_for(name)
    try:
        upgrade_sync(url)
        yield url
    finally:
        asyncio.run(_drop_pg_database(name))


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


async def truncate_all(engine: AsyncEngine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on a database emptied after the test."""
    yield make_sessionmaker(engine)
    await truncate_all(engine)
