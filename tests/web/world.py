"""The web tests' world: the importer's sample utility, the default plans and the cases they open."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from backoffice.imports.pipeline import import_files
from campaigns.cases.debts import refresh_case_debts
from campaigns.cases.opening import open_cases
from campaigns.plans.loader import load_default_plans
from models.db import make_sessionmaker
from models.outreach import Wave, WaveMember
from tests.campaigns import world
from tests.campaigns.world import utc
from tests.imports.files import write_utility

# The March charges are two months overdue by then, so the default plan opens their cases.
CASES_AS_OF = date(2026, 6, 15)
# Accounts added beside the sample utility's (a March charge each), for filters and paging.
EXTRA_DEBTS = {"5001": "3000.00", "5002": "500.00", "5003": "12000.00", "5004": "800.00"}


async def utility_with_cases(engine: AsyncEngine, folder: Path) -> int:
    """Import the sample utility and open its cases; the number of cases opened."""
    report = await import_files(engine, [write_utility(folder)])
    assert report.committed, report.errors
    async with make_sessionmaker(engine)() as session:
        for number, amount in EXTRA_DEBTS.items():
            await world.account(session, number, amount)
        await load_default_plans(session)
        opening = await open_cases(session, CASES_AS_OF)
        await refresh_case_debts(session, CASES_AS_OF)
        await session.commit()
    return opening.opened


async def wave_with_members(session: AsyncSession, name: str, channel: str, status: str,
                            day: str, members: dict[int, bool]) -> Wave:
    """A wave open 09:00–17:00 UTC on ``day`` (YYYY-MM-DD) with these cases (id → in holdout)."""
    wave = Wave(name=name, channel=channel, template="reminder", status=status,
                window_start=utc(f"{day}T09:00:00"), window_end=utc(f"{day}T17:00:00"))
    session.add(wave)
    await session.flush()
    session.add_all([WaveMember(wave_id=wave.id, case_id=case_id, holdout=holdout)
                     for case_id, holdout in members.items()])
    return wave
