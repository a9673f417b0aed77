"""The audit rows of concurrent requests committed together (group commit).

One transaction per viewed page meant one commit (a WAL flush on PostgreSQL, the one write lock
on SQLite) per page: under a few concurrent managers the views queued behind each other's
commits and behind the workers' writes. Here the rows that arrive while a commit is running go
into the next one, all in one INSERT. Each request still waits for its own row to be committed,
so no page with personal data is sent before its record is durable.
"""
from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.web.keys import SESSIONMAKER
from models.user import AuditEntry


class AuditWriter:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._pending: list[tuple[AuditEntry, asyncio.Future[None]]] = []
        self._committing: asyncio.Task[None] | None = None

    async def write(self, entry: AuditEntry) -> None:
        """Returns once the row is committed; raises what the commit raised."""
        committed = asyncio.get_running_loop().create_future()
        self._pending.append((entry, committed))
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit_pending())
        await committed

    async def _commit_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            error: BaseException | None = None
            try:
                async with self._sessionmaker.begin() as session:
                    session.add_all([entry for entry, _ in batch])
            except Exception as exc:
                error = exc
            for _, committed in batch:
                # A request cancelled meanwhile (the client left) no longer waits; its row stays.
                if committed.done():
                    continue
                if error is None:
                    committed.set_result(None)
                else:
                    committed.set_exception(error)

    async def close(self) -> None:
        """Wait for the rows already handed in (the application is shutting down)."""
        if self._committing is not None:
            await self._committing


AUDIT_WRITER: web.AppKey[AuditWriter] = web.AppKey("audit_writer", AuditWriter)


def install(app: web.Application) -> None:
    app[AUDIT_WRITER] = AuditWriter(app[SESSIONMAKER])

    async def close(app: web.Application) -> None:
        await app[AUDIT_WRITER].close()

    app.on_cleanup.append(close)
