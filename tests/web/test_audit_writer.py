"""The audit rows of concurrent views commit together, and each view still learns its row's fate."""
from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.auth.audit_writer import AuditWriter
from models.user import AuditEntry


def _entry(subject: Any) -> AuditEntry:
    return AuditEntry(user_login="manager", action="view", subject=subject)


async def test_views_arriving_together_share_one_commit(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    commits: list[int] = []
    listener = lambda _connection: commits.append(1)  # noqa: E731
    event.listen(engine.sync_engine, "commit", listener)
    try:
        writer = AuditWriter(sessionmaker)
        await asyncio.gather(*(writer.write(_entry(f"case:{n}")) for n in range(10)))
        assert len(commits) == 1
        await writer.write(_entry("case:10"))
        assert len(commits) == 2
    finally:
        event.remove(engine.sync_engine, "commit", listener)
    async with sessionmaker() as session:
        subjects = set(await session.scalars(select(AuditEntry.subject)))
    assert subjects == {f"case:{n}" for n in range(11)}


async def test_a_failed_commit_fails_every_view_in_it_and_not_the_next(
    sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    writer = AuditWriter(sessionmaker)
    results = await asyncio.gather(writer.write(_entry("case:1")), writer.write(_entry(None)),
                                   return_exceptions=True)
    assert all(isinstance(result, IntegrityError) for result in results), results
    await writer.write(_entry("case:2"))
    await writer.close()
    async with sessionmaker() as session:
        assert list(await session.scalars(select(AuditEntry.subject))) == ["case:2"]
