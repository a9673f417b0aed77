"""The plan's steps put into the queue: by the daily run when they fall due, and at once when an
outcome says the channel in use does not reach the debtor (the next channel).

A step is queued once per stay of a case in its stage: a case has had a step once an attempt
with the step's code was created since the case entered the stage (by the daily run, a wave
carrying out that step, or a move to the next channel), so running the daily run again queues
nothing twice.

When a step falls due: on day ``step.day`` of the stage, or later while its conditions do not
hold (a recent contact, a debt below the step's minimum) or the case is paused — but only until
a later step on the same channel falls due, which then replaces it. A case resuming on day 12 of
the robot calls gets the day-9 call, not the three calls it missed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.cases.history import CHANNEL_TITLES, EventKind, record_events
from campaigns.plans.loader import plan_definition
from campaigns.plans.schema import Stage, Step, StepConditions
from campaigns.queue.enqueue import AttemptKey, AttemptKind, queue_attempts
from models.case import Case
from models.enums import CaseStatus, Channel
from models.outreach import Attempt
from models.plan import WorkPlan


@dataclass
class StepsReport:
    queued: int = 0
    # Due steps not queued because the case has no usable contact on the step's channel.
    no_contact: int = 0


@dataclass(frozen=True, slots=True)
class NextStep:
    """The step queued on the next channel, or why none was."""

    step: Step | None
    why_not: str = ""


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), timezone.utc)


def condition_filters(conditions: StepConditions, as_of: date) -> list[ColumnElement[bool]]:
    """A step's conditions over the case's debt snapshot and its last contact, in SQL."""
    filters: list[ColumnElement[bool]] = []
    if conditions.min_debt is not None:
        filters.append(Case.current_debt >= conditions.min_debt)
    if conditions.no_contact_days is not None:
        # At least N whole days since the last contact: contacted on day 1, due again on day 1 + N.
        since = _midnight(as_of - timedelta(days=conditions.no_contact_days - 1))
        filters.append(or_(Case.last_contact_at.is_(None), Case.last_contact_at < since))
    return filters


def _not_yet_queued(step: Step) -> ColumnElement[bool]:
    return ~exists().where(Attempt.case_id == Case.id, Attempt.step_code == step.code,
                           Attempt.created_at >= Case.stage_entered_at)


def _due(stage: Stage, step: Step, as_of: date) -> list[ColumnElement[bool]]:
    # Day d of the stage or later: entered on or before as_of - d.
    filters = [Case.stage_entered_at < _midnight(as_of - timedelta(days=step.day - 1))]
    later = [s.day for s in stage.active_steps if s.channel == step.channel and s.day > step.day]
    if later:
        filters.append(Case.stage_entered_at >= _midnight(as_of - timedelta(days=min(later) - 1)))
    return filters


def _step_key(step: Step, as_of: date) -> AttemptKey:
    # The day is in the key, so a case that enters the stage again later gets the step again, and
    # the key alone says whether a run replayed the same day already queued it.
    return AttemptKey("p", f"-{as_of:%y%m%d}-{step.code}")


async def queue_due_steps(session: AsyncSession, as_of: date, now: datetime) -> StepsReport:
    """Queue every step that has fallen due for an active case; commits after every step.

    Run after the debt snapshot is refreshed (the ``min_debt`` condition reads it) and after
    stages advance and cases open, so a case gets its new stage's day-0 steps the same day.
    """
    report = StepsReport()
    plan_ids = select(Case.plan_id).where(Case.status == CaseStatus.ACTIVE.value).distinct()
    plans = list(await session.scalars(select(WorkPlan).where(WorkPlan.id.in_(plan_ids))
                                       .order_by(WorkPlan.id)))
    for plan_id, definition in [(row.id, plan_definition(row)) for row in plans]:
        for stage in definition.stages:
            for step in stage.active_steps:
                key = _step_key(step, as_of)
                due = select(Case.id).where(
                    Case.plan_id == plan_id, Case.stage == stage.code,
                    Case.status == CaseStatus.ACTIVE.value, *_due(stage, step, as_of),
                    *condition_filters(step.conditions, as_of), _not_yet_queued(step),
                    ~exists().where(Attempt.idempotency_key == key.sql(Case.id)))
                queued = await queue_attempts(
                    session, due, AttemptKind(step.channel, step.template, step.code),
                    key=key, start=now, now=now, with_case_ids=True)
                await record_events(session, EventKind.ATTEMPT_QUEUED, [
                    (case_id, _queued_message(stage, step), {"step": step.code, "stage": stage.code,
                                                             "channel": step.channel.value})
                    for case_id in queued.case_ids], at=now)
                report.queued += queued.attempts
                report.no_contact += queued.no_contact
                await session.commit()
    return report


def _queued_message(stage: Stage, step: Step) -> str:
    return (f"Шаг «{step.code}» этапа «{stage.name}»: {CHANNEL_TITLES[step.channel]}, "
            f"шаблон «{step.template}» — в очереди")


async def queue_next_channel(
    session: AsyncSession, case: Case, attempt: Attempt, as_of: date, now: datetime
) -> NextStep:
    """Queue the case's next channel after ``attempt``'s, as its stage's steps list them.

    The stage's channels in the order its steps first use them, starting after the attempt's
    channel and wrapping round; the first one that reaches the debtor gets its first step not
    yet queued in this stage (or, if all were, its last step again), if the step's conditions
    hold. The caller holds the case's lock and commits.
    """
    if case.status != CaseStatus.ACTIVE.value:
        return NextStep(None, f"case is {case.status}")
    definition = plan_definition(await session.get_one(WorkPlan, case.plan_id))
    stage = definition.stage(case.stage)
    channels = list(dict.fromkeys(step.channel for step in stage.active_steps))
    current = Channel(attempt.channel)
    if current in channels:
        at = channels.index(current)
        channels = channels[at + 1:] + channels[:at]
    if not channels:
        return NextStep(None, f"stage {stage.code} has no other channel")
    done = set(await session.scalars(select(Attempt.step_code).where(
        Attempt.case_id == case.id, Attempt.created_at >= case.stage_entered_at)))
    for channel in channels:
        steps = [step for step in stage.active_steps if step.channel == channel]
        step = next((s for s in steps if s.code not in done), steps[-1])
        queued = await queue_attempts(
            session, select(Case.id).where(Case.id == case.id,
                                           *condition_filters(step.conditions, as_of)),
            AttemptKind(channel, step.template, step.code), key=AttemptKey("n", f"-a{attempt.id}"),
            start=now, now=now)
        if queued.attempts:
            return NextStep(step)
    return NextStep(None, f"no other channel of stage {stage.code} reaches the debtor now")
