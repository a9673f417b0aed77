"""The per-debtor contact counters of 230-ФЗ ст. 7, checked where an attempt is claimed.

What counts: an attempt of the same person in the same channel class whose ``started_at`` is set,
whatever its status (the channel touched the peer, so a contact happened or may have: done,
needs_review, even cancelled after the start), plus every ``claimed`` attempt not yet started.
A claim reserves budget so two workers cannot both spend the last unit; its contact is imminent,
so it is counted at the instant of the check, in every current period. A claim whose worker died
keeps its reservation until the lease reaper puts it back in the queue.

Periods, in the debtor's local time: the day is the local calendar day ("в сутки": a call at 21:50
and one at 08:05 next morning fall on two days); week and month are rolling 7 and 31 days before
the check, or the ISO week and the calendar month (``ContactLimits.window``). Checks are made at
claim time, so there are no counted contacts after the instant checked; a rolling window
therefore has no upper bound.

``retry_at`` is the earliest instant the contact could be allowed, moved into contact hours: when
it comes the check runs again (a counter over its limit, e.g. after the limit was lowered, may
need several rounds).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.budget.hours import (
    Window,
    contact_window,
    local_instant,
    next_allowed,
    require_utc_instant,
)
from campaigns.budget.settings import (
    VOICE_MESSAGE,
    ChannelClass,
    ContactLimits,
    Period,
    channel_class,
    channels_of,
    contact_limits,
)
from models.column_types import UtcDateTime
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt
from models.person import ContactRefusal, Person

_ONE_DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# 31, not 30: the longest calendar month must fit in one window (see ContactLimits.window).
ROLLING_MONTH = timedelta(days=31)

REFUSED = "абонент отказался от канала"
_NOUNS = {ChannelClass.CALLS: "звонков", ChannelClass.MESSAGES: "сообщений",
          ChannelClass.MEETINGS: "личных встреч"}
_PERIOD_WORDS = {Period.DAY: "день", Period.WEEK: "неделю", Period.MONTH: "месяц"}
_DAY_KINDS = {True: "рабочий день", False: "выходной или праздничный день"}

# A robot must ring the phone to leave a voicemail, so refusing calls refuses those too.
_REFUSALS_COVERING: dict[str, tuple[str, ...]] = {VOICE_MESSAGE: (VOICE_MESSAGE, Channel.CALL.value)}


@dataclass(frozen=True, slots=True)
class BudgetDecision:
    allowed: bool
    reason: str = ""
    # None with allowed=False: never (a refusal); the attempt should be cancelled.
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class _FixedSpan:
    """A day, ISO week or calendar month: contacts in [start, end); the budget frees at ``end``."""

    period: Period
    cap: int
    start: datetime
    end: datetime

    def holds(self, at: ColumnElement[datetime]) -> ColumnElement[bool]:
        return and_(at >= self.start, at < self.end)

    def frees_at(self, oldest: datetime) -> datetime:
        return self.end


@dataclass(frozen=True, slots=True)
class _RollingSpan:
    """The ``length`` before the check; a contact leaves it exactly ``length`` after it was made."""

    period: Period
    cap: int
    start: datetime
    length: timedelta

    def holds(self, at: ColumnElement[datetime]) -> ColumnElement[bool]:
        return at > self.start

    def frees_at(self, oldest: datetime) -> datetime:
        return oldest + self.length


_Span = _FixedSpan | _RollingSpan


async def lock_person(session: AsyncSession, person_id: int) -> None:
    """Serialise budget checks per debtor across workers, until the transaction ends.

    PostgreSQL: a row lock on the person. SQLite needs none: the claim's UPDATE already holds the
    database's single writer lock when the budget is checked.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


async def check_budget(
    session: AsyncSession,
    person_id: int,
    channel: str,
    at_utc: datetime,
    tz_name: str,
    *,
    exclude_attempt_id: int | None = None,
    limits: ContactLimits | None = None,
) -> BudgetDecision:
    """May ``person_id`` be contacted by ``channel`` at ``at_utc``? Hours, refusal, counters."""
    limits = contact_limits() if limits is None else limits
    cls = channel_class(channel)
    at = require_utc_instant(at_utc)
    window = contact_window(at, tz_name, limits)
    if not window.allowed:
        return _outside_hours(window, at, tz_name, limits)

    spans = _spans(cls, limits, at, window.local_day, ZoneInfo(tz_name))
    row = (await session.execute(
        _budget_query(person_id, channel, cls, at, spans, exclude_attempt_id))).one()._mapping
    if row["refused"]:
        return BudgetDecision(False, REFUSED, None)
    exhausted = [
        (span.frees_at(row[f"{span.period}_oldest"]), index, span)
        for index, span in enumerate(spans)
        if row[f"{span.period}_count"] >= span.cap
    ]
    if not exhausted:
        return BudgetDecision(True)
    # The latest release binds; on a tie the longer period is the one worth naming.
    frees_at, _, span = max(exhausted, key=lambda item: (item[0], item[1]))
    reason = f"лимит {_NOUNS[cls]} в {_PERIOD_WORDS[span.period]} исчерпан ({span.cap})"
    return BudgetDecision(False, reason, next_allowed(frees_at, tz_name, limits))


def check_hours(at_utc: datetime, tz_name: str, *, limits: ContactLimits | None = None) -> BudgetDecision:
    """Only the contact hours: for a contact with no debtor to count against (a premises notice)."""
    limits = contact_limits() if limits is None else limits
    at = require_utc_instant(at_utc)
    window = contact_window(at, tz_name, limits)
    return BudgetDecision(True) if window.allowed else _outside_hours(window, at, tz_name, limits)


def _outside_hours(window: Window, at: datetime, tz_name: str, limits: ContactLimits) -> BudgetDecision:
    start, end = window.hours
    reason = (f"вне часов контакта: {_DAY_KINDS[window.working_day]}, разрешено "
              f"с {start:02d}:00 до {end:02d}:00 по местному времени")
    return BudgetDecision(False, reason, next_allowed(at, tz_name, limits))


def _spans(cls: ChannelClass, limits: ContactLimits, at: datetime, day: date,
           zone: ZoneInfo) -> list[_Span]:
    caps = limits.caps(cls)
    spans: list[_Span] = []
    if Period.DAY in caps:
        spans.append(_FixedSpan(Period.DAY, caps[Period.DAY], local_instant(day, 0, zone),
                                local_instant(day + _ONE_DAY, 0, zone)))
    if limits.window == "rolling":
        spans.append(_RollingSpan(Period.WEEK, caps[Period.WEEK], at - WEEK, WEEK))
        spans.append(_RollingSpan(Period.MONTH, caps[Period.MONTH], at - ROLLING_MONTH,
                                  ROLLING_MONTH))
        return spans
    monday = day - timedelta(days=day.weekday())
    first = day.replace(day=1)
    # Day 32 after the 1st is always in the next month.
    next_first = (first + timedelta(days=32)).replace(day=1)
    spans.append(_FixedSpan(Period.WEEK, caps[Period.WEEK], local_instant(monday, 0, zone),
                            local_instant(monday + WEEK, 0, zone)))
    spans.append(_FixedSpan(Period.MONTH, caps[Period.MONTH], local_instant(first, 0, zone),
                            local_instant(next_first, 0, zone)))
    return spans


def _budget_query(person_id: int, channel: str, cls: ChannelClass, at: datetime,
                  spans: list[_Span], exclude_attempt_id: int | None) -> Select[Any]:
    """One row: whether the channel is refused, and per period the count and the oldest contact."""
    counted_at = func.coalesce(Attempt.started_at, literal(at, UtcDateTime()))
    refused = exists().where(
        ContactRefusal.person_id == person_id,
        ContactRefusal.channel.in_(_REFUSALS_COVERING.get(channel, (channel,))))
    columns: list[ColumnElement[object]] = [refused.label("refused")]
    for span in spans:
        inside = span.holds(counted_at)
        columns.append(func.count(case((inside, 1))).label(f"{span.period}_count"))
        columns.append(func.min(case((inside, counted_at))).label(f"{span.period}_oldest"))
    earliest = min(span.start for span in spans)
    conditions = [
        Attempt.person_id == person_id,
        Attempt.channel.in_(channels_of(cls)),
        or_(Attempt.started_at >= earliest,
            and_(Attempt.started_at.is_(None), Attempt.status == AttemptStatus.CLAIMED.value)),
    ]
    if exclude_attempt_id is not None:
        conditions.append(Attempt.id != exclude_attempt_id)
    return select(*columns).select_from(Attempt).where(*conditions)
