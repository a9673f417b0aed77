"""Settings of the data layer: which database, and where local data files live."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from models.config import load_section


class DatabaseSettings(BaseModel):
    # The embedded default: one SQLite file beside the working copy. Production sets a
    # postgresql+asyncpg:// URL (VOZVRAT_DATABASE_URL).
    url: str = "sqlite+aiosqlite:///var/vozvrat.db"
    echo: bool = False


def database_settings() -> DatabaseSettings:
    return load_section("database", DatabaseSettings)


def ensure_sqlite_directory(url: str) -> None:
    """SQLite creates the file but not its folder; create the folder so a fresh clone just works."""
    marker = ":///"
    if url.startswith("sqlite") and marker in url:
        path = url.split(marker, 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
