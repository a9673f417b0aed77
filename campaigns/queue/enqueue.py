"""Putting attempts into the queue: one attempt per case, to its first reachable debtor.

Waves, the plan's steps in the daily run and the outcome rules' move to the next channel all
queue through :func:`queue_attempts`, so an attempt is built the same way whoever asks for it.
The contact budget, hours and the live paid-check are not checked here but when a worker claims
the attempt (campaigns.queue.precontact), because only then is it known what was sent meanwhile.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.queue.contacts import contacts_for
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt

CHUNK_SIZE = 5_000


@dataclass(frozen=True)
class AttemptKind:
    """What every attempt of one batch does: the channel, the template, and who asked for it."""

    channel: Channel
    template: str
    step_code: str = ""
    wave_id: int | None = None


@dataclass
class Queued:
    # Case ids that got an attempt, in the order queued.
    case_ids: list[int] = field(default_factory=list)
    # Cases with no usable contact on the channel (no valid number or address, or refused).
    no_contact: int = 0


async def queue_attempts(
    session: AsyncSession,
    case_ids: Sequence[int],
    kind: AttemptKind,
    *,
    key: Callable[[int], str],
    start: datetime,
    now: datetime,
    gap: timedelta = timedelta(0),
    first_slot: int = 0,
    chunk_size: int = CHUNK_SIZE,
) -> Queued:
    """Queue one attempt per case that has a contact on ``kind.channel``.

    ``key(case_id)`` is the attempt's idempotency key; the caller makes it unique to what it
    queues. The n-th attempt queued (counting from ``first_slot``) is due at ``start + n * gap``,
    which is how a wave keeps its pace; a zero gap makes them all due at ``start``.
    """
    queued = Queued()
    slot = first_slot
    for offset in range(0, len(case_ids), chunk_size):
        chunk = case_ids[offset:offset + chunk_size]
        contacts = await contacts_for(session, chunk, kind.channel)
        queued.no_contact += len(chunk) - len(contacts)
        rows = []
        for case_id in chunk:
            contact = contacts.get(case_id)
            if contact is None:
                continue
            rows.append({
                "case_id": case_id, "person_id": contact.person_id, "wave_id": kind.wave_id,
                "channel": kind.channel.value, "address": contact.address,
                "template": kind.template, "step_code": kind.step_code,
                "idempotency_key": key(case_id), "status": AttemptStatus.QUEUED.value,
                "not_before": start + gap * slot, "lease_owner": "", "outcome": "",
                "outcome_data": {}, "note": "", "created_at": now,
            })
            queued.case_ids.append(case_id)
            slot += 1
        if rows:
            # Core, not the ORM's bulk path: a third of the time for the same rows.
            await session.execute(insert(Attempt.__table__), rows)
    return queued
