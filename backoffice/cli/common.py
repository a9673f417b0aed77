"""What several commands share: the database they work on."""
from __future__ import annotations

import argparse

from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import make_engine
from models.migrate import upgrade
from models.settings import database_settings


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="database URL (default: VOZVRAT_DATABASE_URL or the SQLite file)")


async def open_database(args: argparse.Namespace) -> AsyncEngine:
    """The engine of the chosen database, migrated to the newest schema first."""
    url = args.url or database_settings().url
    await upgrade(url)
    return make_engine(url)
