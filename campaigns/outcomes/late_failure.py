"""A message reported delivered that turns out not to be: an email bounced after the server's 250,
or one whose delivery was left unconfirmed (the connection died before the server answered).

The mail server's acceptance is all a sender knows at once, so the email worker reports
delivered then; a delivery status notification (RFC 3464) can come minutes or days later. It
changes the attempt's outcome to the failure, records why on the case, and takes back the
contact the delivery counted (``case.last_contact_at``), which the plan's no-contact conditions
read. A failure has no other effect in the rules, so nothing else is undone.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.history import CHANNEL_TITLES, EventKind, record_event
from campaigns.outcomes.record import OutcomeResult, record_outcome
from campaigns.outcomes.report import KIND_TITLES, OutcomeKind, OutcomeReport
from campaigns.outcomes.rules import CONTACT_KINDS
from models.case import Case
from models.column_types import utc_now
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt

FAILURE_KINDS = frozenset({OutcomeKind.UNDELIVERED, OutcomeKind.EXPIRED})
# The outcomes a late failure revises, with what the case's history says it was.
REVISED = {OutcomeKind.DELIVERED.value: "после отчёта о доставке",
           OutcomeKind.UNCONFIRMED.value: "доставка не была подтверждена"}


async def record_late_failure(session: AsyncSession, attempt_id: int, kind: OutcomeKind, note: str,
                              *, now: datetime | None = None) -> OutcomeResult:
    """Record that a message did not reach the debtor, also after it was reported delivered.

    A started attempt (its message may have gone out) gets the failure through
    ``record_outcome``; a delivered or unconfirmed one is changed to it; any other (not sent yet, failed
    already, cancelled) is left as it is (``applied`` False).
    Runs in the caller's transaction. LookupError if there is no such attempt.
    """
    if kind not in FAILURE_KINDS:
        raise ValueError(f"{kind} is not a failure")
    now = now or utc_now()
    attempt = await session.get(Attempt, attempt_id)
    if attempt is None:
        raise LookupError(f"no attempt {attempt_id}")
    if attempt.status == AttemptStatus.STARTED.value:
        started = await record_outcome(session, attempt_id, OutcomeReport(kind=kind, note=note), now=now)
        if started.applied:
            return started
        # The channel reported its outcome between our read and record_outcome's lock (the
        # bounce overtook the worker's report): revise that outcome as for any delivered one.
    case = (await session.execute(
        select(Case).where(Case.id == attempt.case_id).with_for_update()
        .execution_options(populate_existing=True))).scalar_one()
    # Under the case's lock no other outcome of this attempt can land between the read and the update.
    await session.refresh(attempt)
    previous = attempt.outcome
    changed = await session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.status == AttemptStatus.DONE.value,
                              Attempt.outcome == previous, Attempt.outcome.in_(list(REVISED)))
        .values(outcome=kind.value, note=note).execution_options(synchronize_session=False))
    await session.refresh(attempt)
    if changed.rowcount != 1:
        return OutcomeResult(attempt_id, case.id, applied=False,
                             ignored_reason=f"attempt already {attempt.status} {attempt.outcome}")
    if case.last_contact_at is not None and case.last_contact_at == attempt.finished_at:
        case.last_contact_at = await _last_other_contact(session, attempt)
    channel = Channel(attempt.channel)
    record_event(session, case, EventKind.OUTCOME,
                 f"{CHANNEL_TITLES[channel]}: {KIND_TITLES[kind]} ({REVISED[previous]}): {note}",
                 data={"attempt_id": attempt.id, "channel": channel.value, "kind": kind.value,
                       "revised_from": previous})
    await session.flush()
    return OutcomeResult(attempt_id, case.id, applied=True)


async def _last_other_contact(session: AsyncSession, attempt: Attempt) -> datetime | None:
    return await session.scalar(
        select(func.max(Attempt.finished_at)).where(
            Attempt.case_id == attempt.case_id, Attempt.id != attempt.id,
            Attempt.status == AttemptStatus.DONE.value,
            Attempt.outcome.in_([k.value for k in CONTACT_KINDS])))
