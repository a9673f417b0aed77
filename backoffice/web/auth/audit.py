"""The personal-data audit: every view of a debtor's data is one row (who, what, when, from where)."""
from __future__ import annotations

from aiohttp import web

from backoffice.web.auth.access import current_user
from backoffice.web.keys import SESSIONMAKER
from models.user import AuditEntry


async def audit(request: web.Request, subject: str, action: str = "view") -> None:
    """Written in its own transaction, so the record stays even if the page then fails."""
    async with request.app[SESSIONMAKER].begin() as session:
        session.add(AuditEntry(user_login=current_user(request).login, action=action,
                               subject=subject, path=request.path_qs[:500],
                               remote=(request.remote or "")[:64]))
