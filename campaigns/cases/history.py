"""The append-only history of a case: every change goes through :func:`record_event`."""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.case import Case, CaseEvent
from models.column_types import utc_now


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
