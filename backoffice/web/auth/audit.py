"""The personal-data audit: every view of a debtor's data is one row (who, what, when, from where)."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from aiohttp import web

from backoffice.web.auth.access import current_user
from backoffice.web.auth.audit_writer import AUDIT_WRITER
from models.user import AuditEntry

T = TypeVar("T")


async def audit(request: web.Request, subject: str, action: str = "view") -> None:
    """Committed apart from the page's own transaction (with the rows of other requests arriving
    meanwhile), so the record stays even if the page then fails."""
    await request.app[AUDIT_WRITER].write(AuditEntry(
        user_login=current_user(request).login, action=action, subject=subject,
        path=request.path_qs[:500], remote=(request.remote or "")[:64]))


async def audited(request: web.Request, subject: str, action: str, reading: Awaitable[T]) -> T:
    """Run ``reading`` while the audit row commits beside it on another connection: the page does
    not wait for the commit's flush, yet is not sent before the record is durable."""
    _, result = await asyncio.gather(audit(request, subject, action), reading)
    return result
