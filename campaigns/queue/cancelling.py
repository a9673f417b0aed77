"""Cancelling a case's contacts that have not begun (the case closed, paused or changed course)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.history import EventKind, record_event
from models.case import Case
from models.column_types import utc_now
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt

_CANCELLABLE = (AttemptStatus.QUEUED.value, AttemptStatus.CLAIMED.value)


async def cancel_queued_attempts(
    session: AsyncSession,
    case: Case,
    reason: str,
    *,
    channel: Channel | None = None,
    person_id: int | None = None,
    address: str | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> list[int]:
    """Cancel the case's attempts that have not begun (all, or those matching the filters).

    A claimed attempt is cancelled too: its worker's ``mark_started`` then fails and the contact
    never begins. Returns the cancelled ids and records one event if there were any.
    """
    conditions = [Attempt.case_id == case.id]
    if channel is not None:
        conditions.append(Attempt.channel == channel.value)
    if person_id is not None:
        conditions.append(Attempt.person_id == person_id)
    if address is not None:
        conditions.append(Attempt.address == address)
    ids = await cancel_unstarted(session, *conditions, note=reason, now=now)
    if ids:
        record_event(session, case, EventKind.ATTEMPT_CANCELLED,
                     f"отменено попыток: {len(ids)} — {reason}", actor=actor,
                     data={"attempt_ids": ids, "reason": reason})
    return ids


async def cancel_unstarted(
    session: AsyncSession,
    *conditions: ColumnElement[bool],
    note: str,
    statuses: Sequence[str] = _CANCELLABLE,
    now: datetime | None = None,
) -> list[int]:
    """Cancel the attempts matching ``conditions`` that have not begun; returns their ids."""
    statement = (
        update(Attempt)
        .where(*conditions, Attempt.status.in_(statuses), Attempt.started_at.is_(None))
        .values(status=AttemptStatus.CANCELLED.value, lease_owner="", lease_expires_at=None,
                finished_at=now or utc_now(), note=note)
        .returning(Attempt.id)
        .execution_options(synchronize_session="fetch")
    )
    return sorted((await session.execute(statement)).scalars())
