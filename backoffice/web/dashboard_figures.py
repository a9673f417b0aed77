"""The managers' dashboard figures, each one grouped query in the database (never rows to Python):
open debt by stage, contacts and outcomes by channel per day, promises by status, and what the
latest waves recovered against their holdout groups."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Date, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from campaigns.waves.results import HoldoutComparison, holdout_comparison
from models.column_types import KOPECK
from models.entities import Case, Promise
from models.enums import CaseStatus, WaveStatus
from models.outreach import Attempt, Wave

# Days of contacts the dashboard shows, ending with today.
CONTACT_DAYS = 14
WAVES_COMPARED = 8
PROMISE_STATUSES = ("kept", "broken", "open")


class utc_day(FunctionElement[date]):
    """The UTC calendar day of a UtcDateTime column, the same on both engines (PostgreSQL's
    ``date()`` would use the session's time zone; SQLite stores UTC already)."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: object) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@compiles(utc_day)
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: object) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


def _day(value: date | str) -> date:
    # SQLite's date() is text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _money(value: Decimal | float | int | None) -> Decimal:
    # SQLite sums NUMERIC as a float: back to kopecks.
    return Decimal(str(value or 0)).quantize(KOPECK)


@dataclass(frozen=True, slots=True)
class StageDebt:
    stage: str
    cases: int
    debt: Decimal


async def debt_by_stage(session: AsyncSession) -> list[StageDebt]:
    """Cases not closed and their current debt, per stage, largest debt first."""
    debt = func.coalesce(func.sum(Case.current_debt), 0)
    rows = (await session.execute(
        select(Case.stage, func.count(), debt).where(Case.status != CaseStatus.CLOSED.value)
        .group_by(Case.stage).order_by(debt.desc(), Case.stage))).all()
    return [StageDebt(stage, count, _money(total)) for stage, count, total in rows]


@dataclass(frozen=True, slots=True)
class DayContacts:
    day: date
    channel: str
    outcome: str
    attempts: int


async def contacts_by_day(session: AsyncSession, today: date,
                          days: int = CONTACT_DAYS) -> list[DayContacts]:
    """Finished attempts per UTC day, channel and outcome over the ``days`` ending ``today``."""
    since = datetime.combine(today - timedelta(days=days - 1), time(), tzinfo=timezone.utc)
    until = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.utc)
    day: ColumnElement[date] = utc_day(Attempt.finished_at)
    rows = (await session.execute(
        select(day, Attempt.channel, Attempt.outcome, func.count())
        .where(Attempt.finished_at >= since, Attempt.finished_at < until)
        .group_by(day, Attempt.channel, Attempt.outcome)
        .order_by(day, Attempt.channel, Attempt.outcome))).all()
    return [DayContacts(_day(on), channel, outcome, count) for on, channel, outcome, count in rows]


@dataclass(frozen=True, slots=True)
class PromiseGroup:
    status: str
    promises: int
    amount: Decimal


async def promises_by_status(session: AsyncSession) -> list[PromiseGroup]:
    """Kept, broken and still open promises: how many and for how much (zeros included)."""
    found = {status: (count, total) for status, count, total in (await session.execute(
        select(Promise.status, func.count(), func.coalesce(func.sum(Promise.amount), 0))
        .group_by(Promise.status))).all()}
    return [PromiseGroup(status, found.get(status, (0, 0))[0], _money(found.get(status, (0, 0))[1]))
            for status in PROMISE_STATUSES]


@dataclass(frozen=True, slots=True)
class WaveRecovery:
    wave: Wave
    comparison: HoldoutComparison


async def wave_recoveries(session: AsyncSession, as_of: date,
                          limit: int = WAVES_COMPARED) -> list[WaveRecovery]:
    """The latest waves that have begun, each against its holdout (by ``holdout_comparison``,
    the one definition of recovered roubles: two grouped queries per wave)."""
    waves = list(await session.scalars(
        select(Wave).where(Wave.status != WaveStatus.SCHEDULED.value)
        .order_by(Wave.id.desc()).limit(limit)))
    return [WaveRecovery(wave, await holdout_comparison(session, wave, as_of))
            for wave in reversed(waves)]
