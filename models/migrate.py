"""Bring a database to the newest schema with Alembic (``vozvrat db upgrade``, tests, the demo)."""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from models.settings import database_settings, ensure_sqlite_directory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_sync(url: str | None = None, revision: str = "head") -> None:
    url = url or database_settings().url
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


async def upgrade(url: str | None = None, revision: str = "head") -> None:
    # Alembic's env.py runs its own event loop for the async engine, so it gets a thread.
    await asyncio.to_thread(upgrade_sync, url, revision)
