"""The demo data goes through the real importer without a single bad row, twice."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.demo_data.generator import generate
from backoffice.imports.pipeline import import_files
from tests.demo_data.conftest import demo_config


async def test_demo_data_imports_cleanly_and_idempotently(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    generate(replace(demo_config(tmp_path, jobs=1), accounts=200, months=14))
    first = await import_files(engine, [tmp_path])
    assert first.committed and first.errors == []
    assert all(r.counts.inserted == r.counts.staged > 0 for r in first.results)
    again = await import_files(engine, [tmp_path])
    assert again.committed and again.errors == []
    assert all(r.counts.unchanged == r.counts.staged for r in again.results)
