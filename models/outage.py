"""Riding out a database that is away for a while: restarted, failed over, or (SQLite) locked.

A worker must neither die nor drop what it learnt meanwhile (an SMSC's message id, a receipt, a
call's outcome): the peer will not say it again. So work that touches the database is retried
with a growing pause until the database answers; the engine's ``pool_pre_ping`` replaces the
connections the outage killed. Errors that say the data is wrong (an integrity error) are not
an outage and go up at once.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

log = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")

FIRST_PAUSE_S = 0.2
MAX_PAUSE_S = 5.0


# SQLite reports a wrong schema or statement as an OperationalError too: that is no outage, and
# waiting for it to pass would hang the worker instead of failing it.
_NOT_AN_OUTAGE = ("no such table", "no such column", "syntax error")

# PostgreSQL states of a server going down or not yet up. asyncpg raises them as plain errors
# (SQLAlchemy wraps them in DBAPIError, not OperationalError): "the database system is not yet
# accepting connections" comes while a restarted server replays its log.
_PG_SERVER_AWAY = ("57P01", "57P02", "57P03")
_PG_CONNECTION_EXCEPTION_CLASS = "08"


def _pg_server_away(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None) or ""
    return state in _PG_SERVER_AWAY or state.startswith(_PG_CONNECTION_EXCEPTION_CLASS)


def database_away(exc: BaseException) -> bool:
    """The database could not be reached or dropped the connection (not: refused the data)."""
    if isinstance(exc, (ConnectionError, OSError, InterfaceError)):
        return True
    if isinstance(exc, OperationalError):
        return not any(words in str(exc.orig).lower() for words in _NOT_AN_OUTAGE)
    return isinstance(exc, DBAPIError) and (exc.connection_invalidated or _pg_server_away(exc))


async def until_stored(work: Callable[[], Awaitable[ResultT]], what: str) -> ResultT:
    """Run ``work`` (one whole transaction) until the database takes it."""
    pause = FIRST_PAUSE_S
    while True:
        try:
            return await work()
        except Exception as exc:
            if not database_away(exc):
                raise
            log.warning("database away while %s (%s: %s); again in %.1f s",
                        what, type(exc).__name__, exc, pause)
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_PAUSE_S)
