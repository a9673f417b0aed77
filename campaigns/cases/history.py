"""The append-only history of a case: every change goes through :func:`record_event` (or
:func:`record_events` for many cases at once)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.case import Case, CaseEvent
from models.column_types import utc_now
from models.enums import Channel

CHANNEL_TITLES = {Channel.CALL: "Звонок", Channel.SMS: "SMS", Channel.EMAIL: "Письмо",
                  Channel.COURIER: "Курьер"}


class EventKind(StrEnum):
    OPENED = "opened"
    STAGE_CHANGED = "stage_changed"
    STATUS_CHANGED = "status_changed"
    ATTEMPT_QUEUED = "attempt_queued"
    ATTEMPT_CANCELLED = "attempt_cancelled"
    OUTCOME = "outcome"
    MANUAL = "manual"
    CLOSED = "closed"
    # Something only a lawyer can resolve (a document refused for missing fields, no court).
    LAWYER_TASK = "lawyer_task"
    # A court event a lawyer recorded: filed, order issued, objection, cancelled, enforcement.
    COURT = "court"


def record_event(
    session: AsyncSession,
    case: Case,
    kind: EventKind,
    message: str,
    *,
    actor: str = "system",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Add an event to the case's history (flushed with the session; never updated later)."""
    event = CaseEvent(case_id=case.id, at=utc_now(), kind=kind.value, actor=actor,
                      message=message, data=data or {})
    session.add(event)
    return event


async def record_events(
    session: AsyncSession,
    kind: EventKind,
    events: Sequence[tuple[int, str, dict[str, Any]]],
    *,
    actor: str = "system",
    at: datetime | None = None,
) -> None:
    """Add one event to each of many cases' histories: (case id, message, data) each.

    One Core insert, for runs over many cases (the daily steps), where an ORM object per event
    would cost more than the work it records.
    """
    if not events:
        return
    moment = at or utc_now()
    await session.execute(insert(CaseEvent.__table__), [
        {"case_id": case_id, "at": moment, "kind": kind.value, "actor": actor,
         "message": message, "data": data}
        for case_id, message, data in events])
