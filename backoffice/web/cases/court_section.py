"""The case card's court section, shown to lawyers: the account's filings and the event form's
choices (the form posts to backoffice.web.court)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.court_events import CLAIM_TITLES, EVENT_TITLES, RECIPIENT_TITLES
from models.court_filing import CourtFiling
from models.entities import Case


async def court_context(session: AsyncSession, case: Case) -> dict[str, Any]:
    filings = list(await session.scalars(
        select(CourtFiling).where(CourtFiling.account_id == case.account_id)
        .order_by(CourtFiling.filed_on.desc(), CourtFiling.id.desc())))
    return {"filings": filings, "court_events": {k.value: t for k, t in EVENT_TITLES.items()},
            "claims": CLAIM_TITLES, "recipients": RECIPIENT_TITLES}
