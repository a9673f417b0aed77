"""The personal-data audit: every view of a debtor's data is one row (who, what, when, from where)."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from aiohttp import web

from backoffice.web.auth.access import current_user
from backoffice.web.keys import SESSIONMAKER
from models.user import AuditEntry

T = TypeVar("T")


async def audit(request: web.Request, subject: str, action: str = "view") -> None:
    """Written in its own transaction, so the record stays even if the page then fails."""
    async with request.app[SESSIONMAKER].begin() as session:
        session.add(AuditEntry(user_login=current_user(request).login, action=action,
                               subject=subject, path=request.path_qs[:500],
                               remote=(request.remote or "")[:64]))


async def audited(request: web.Request, subject: str, action: str, reading: Awaitable[T]) -> T:
    """Run ``reading`` while the audit row commits beside it on another connection: the page does
    not wait for the commit's flush, yet is not sent before the record is durable."""
    _, result = await asyncio.gather(audit(request, subject, action), reading)
    return result
