"""Recording an attempt's outcome: the one door every channel reports through.

``record_outcome`` marks the attempt done exactly once, writes the OUTCOME event, asks
``rules.evaluate`` what follows and carries the effects out, each with its own event. It runs in
the caller's transaction and does not commit: the report and everything it causes commit together
or not at all.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import assert_never
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.queue.cancelling import cancel_queued_attempts
from campaigns.budget.settings import VOICE_MESSAGE
from campaigns.queue.enqueue import AttemptKey, AttemptKind, queue_attempts
from campaigns.cases.history import CHANNEL_TITLES, EventKind, record_event
from campaigns.cases.steps import queue_next_channel
from campaigns.outcomes.report import KIND_TITLES, KINDS_BY_CHANNEL, OutcomeKind, OutcomeReport
from campaigns.outcomes.rules import (
    NO_ANSWER_KINDS,
    PAYMENT_DETAILS_STEP,
    PAYMENT_DETAILS_TEMPLATE,
    STREAK_NEUTRAL_KINDS,
    CancelQueued,
    Contact,
    Effect,
    Escalate,
    Facts,
    HoldCalls,
    InvalidateAddress,
    MakePromise,
    NextChannel,
    NoticeDelivered,
    OpenDispute,
    PaymentReported,
    RefuseChannel,
    RequestCallback,
    ReviewDelivery,
    RuleSettings,
    SendPaymentDetails,
    Suspend,
    evaluate,
)
from campaigns.plans.schema import OutcomeSettings
from models.account import Account
from models.building import Building
from models.case import Case, Dispute, Promise
from models.column_types import utc_now
from models.enums import AttemptStatus, CaseStatus, Channel
from models.ledger import account_ledger_for
from models.outreach import Attempt
from models.person import ContactRefusal, PersonEmail, PersonPhone
from models.plan import WorkPlan
from models.ru_format import day, money

log = logging.getLogger(__name__)

# A case only moves up this ladder through outcomes: a promise heard from a debtor whose case is
# with a lawyer does not take it back from the lawyer. Closed cases are never touched.
_STATUS_RANK = {CaseStatus.ACTIVE: 0, CaseStatus.SUSPENDED: 1, CaseStatus.ESCALATED: 2}

# Attempts that have not begun any contact and can still be called off.

class OutcomeRejected(ValueError):
    """The report cannot belong to this attempt (e.g. a courier outcome for a call)."""


@dataclass(frozen=True, slots=True)
class OutcomeResult:
    attempt_id: int
    case_id: int
    # False: the attempt was already done or cancelled and nothing was changed.
    applied: bool
    # Effects carried out, in order, with amounts resolved.
    actions: tuple[Effect, ...] = ()
    # Effects that found nothing to do, with why (also logged).
    skipped: tuple[str, ...] = ()
    ignored_reason: str = ""

    @property
    def next_channel(self) -> bool:
        """The case's next channel was queued (``NextChannel.channel`` says which)."""
        return any(isinstance(action, NextChannel) for action in self.actions)


async def record_outcome(
    session: AsyncSession, attempt_id: int, report: OutcomeReport, *, now: datetime | None = None
) -> OutcomeResult:
    """Record what happened on an attempt and apply the outcome rules (see rules.py).

    A second report for the same attempt is ignored (``applied`` False) and logged, so a channel
    may safely retry a report it is unsure was stored. LookupError if there is no such attempt;
    OutcomeRejected if the report's kind does not fit the attempt's channel.
    """
    now = now or utc_now()
    attempt = await session.get(Attempt, attempt_id)
    if attempt is None:
        raise LookupError(f"no attempt {attempt_id}")
    channel = Channel(attempt.channel)
    if report.kind not in KINDS_BY_CHANNEL[channel]:
        raise OutcomeRejected(f"a {report.kind} outcome does not fit a {channel} attempt")
    # The case is locked first so that concurrent reports on one case apply one after another
    # and always take their locks in the same order (case, then attempts).
    case = (await session.execute(
        select(Case).where(Case.id == attempt.case_id).with_for_update()
        .execution_options(populate_existing=True))).scalar_one()
    occurred_at = report.occurred_at or now
    if not await _finish_attempt(session, attempt, report, occurred_at):
        log.warning("outcome %s for attempt %s ignored: attempt already %s",
                    report.kind, attempt_id, attempt.status)
        return OutcomeResult(attempt_id, case.id, applied=False,
                             ignored_reason=f"attempt already {attempt.status}")
    if report.voice_message_left:
        _count_voice_message(session, attempt, occurred_at)
    record_event(session, case, EventKind.OUTCOME,
                 f"{CHANNEL_TITLES[channel]}: {KIND_TITLES[report.kind]}", actor=report.actor,
                 data={"attempt_id": attempt.id, "channel": channel.value,
                       "kind": report.kind.value, "intents": [i.value for i in report.intents]})
    settings = RuleSettings(await _plan_settings(session, case))
    today = occurred_at.astimezone(await _case_zone(session, case)).date()
    streak = 0
    if channel == Channel.CALL and report.kind in NO_ANSWER_KINDS:
        streak = await _no_answer_streak(session, case)
    facts = Facts(channel=channel, today=today, occurred_at=occurred_at, no_answer_streak=streak)
    applier = _Applier(session, case, attempt, report, today, now)
    for effect in evaluate(report, facts, settings):
        await applier.apply(effect)
    await session.flush()
    return OutcomeResult(attempt_id, case.id, applied=True, actions=tuple(applier.actions),
                         skipped=tuple(applier.skipped))


async def _finish_attempt(
    session: AsyncSession, attempt: Attempt, report: OutcomeReport, occurred_at: datetime
) -> bool:
    """Mark the attempt done unless it already ended; the conditional UPDATE makes this atomic."""
    values: dict[str, object] = {
        "status": AttemptStatus.DONE.value, "outcome": report.kind.value,
        "outcome_data": report.model_dump(mode="json", exclude_defaults=True,
                                          exclude={"kind", "note", "actor"}),
        "finished_at": occurred_at, "lease_owner": "", "lease_expires_at": None,
    }
    if report.note:
        values["note"] = report.note
    result = await session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id,
               Attempt.status.not_in([AttemptStatus.DONE.value, AttemptStatus.CANCELLED.value]))
        .values(**values)
        .execution_options(synchronize_session=False))
    await session.refresh(attempt)
    return result.rowcount == 1


def _count_voice_message(session: AsyncSession, call: Attempt, occurred_at: datetime) -> None:
    """The voicemail the call left, as a done attempt of its own channel: the contact budget counts
    attempts by channel, and a voice message is a message, not a call (budget/settings.py)."""
    session.add(Attempt(
        case_id=call.case_id, person_id=call.person_id, wave_id=call.wave_id,
        channel=VOICE_MESSAGE, address=call.address, template=call.template,
        step_code=call.step_code, idempotency_key=f"voice-message-of-{call.id}",
        status=AttemptStatus.DONE.value, not_before=occurred_at, started_at=occurred_at,
        finished_at=occurred_at, outcome=OutcomeKind.MACHINE.value,
        note=f"голосовое сообщение, оставленное звонком {call.id} на автоответчике"))


async def _plan_settings(session: AsyncSession, case: Case) -> OutcomeSettings:
    plan = await session.get(WorkPlan, case.plan_id)
    if plan is None:
        raise LookupError(f"case {case.id} has no plan {case.plan_id}")
    return OutcomeSettings.model_validate(plan.definition.get("outcomes", {}))


async def _case_zone(session: AsyncSession, case: Case) -> ZoneInfo:
    name = await session.scalar(
        select(Building.timezone).join(Account, Account.building_id == Building.id)
        .where(Account.id == case.account_id))
    return ZoneInfo(name or "Europe/Moscow")


async def _no_answer_streak(session: AsyncSession, case: Case) -> int:
    """Finished call attempts of the case that reached no one, counted back from the latest."""
    outcomes = await session.scalars(
        select(Attempt.outcome)
        .where(Attempt.case_id == case.id, Attempt.channel == Channel.CALL.value,
               Attempt.status == AttemptStatus.DONE.value)
        .order_by(Attempt.finished_at.desc(), Attempt.id.desc()))
    streak = 0
    for outcome in outcomes:
        if outcome in STREAK_NEUTRAL_KINDS:
            continue
        if outcome not in NO_ANSWER_KINDS:
            break
        streak += 1
    return streak


class _Applier:
    """Carries the effects out on one case, recording an event for each change."""

    def __init__(self, session: AsyncSession, case: Case, attempt: Attempt,
                 report: OutcomeReport, today: date, now: datetime) -> None:
        self.session = session
        self.case = case
        self.attempt = attempt
        self.report = report
        self.today = today
        self.now = now
        self.actions: list[Effect] = []
        self.skipped: list[str] = []

    def _event(self, kind: EventKind, message: str, action: str, **data: object) -> None:
        record_event(self.session, self.case, kind, message, actor=self.report.actor,
                     data={"action": action, "attempt_id": self.attempt.id, **data})

    def _manager_task(self, reason: str, action: str, **data: object) -> None:
        self._event(EventKind.OUTCOME, f"задача менеджеру: {reason}", action, reason=reason, **data)

    def _skip(self, effect: Effect, why: str) -> None:
        log.info("case %s, attempt %s: %s not applied: %s",
                 self.case.id, self.attempt.id, type(effect).__name__, why)
        self.skipped.append(f"{type(effect).__name__}: {why}")

    async def _current_debt(self) -> Decimal:
        ledger = await account_ledger_for(self.session, self.case.account_id, self.today)
        return ledger.real_debt

    async def apply(self, effect: Effect) -> None:
        applied: Effect | None
        match effect:
            case Contact(at=at):
                applied = self._contact(effect, at)
            case MakePromise():
                applied = await self._promise(effect)
            case OpenDispute():
                applied = await self._dispute(effect)
            case Escalate(queue=queue, reason=reason):
                applied = self._status(effect, CaseStatus.ESCALATED, reason, None,
                                       queue=queue.value)
            case Suspend(until=until, reason=reason):
                applied = self._status(effect, CaseStatus.SUSPENDED, reason, until)
            case PaymentReported(check_until=until):
                self._event(EventKind.OUTCOME, f"должник сообщил об оплате; проверка до {day(until)}",
                            "payment_reported", check_until=until.isoformat())
                applied = effect
            case InvalidateAddress():
                applied = await self._invalidate(effect)
            case RefuseChannel():
                applied = await self._refusal(effect)
            case HoldCalls():
                applied = self._hold_calls(effect)
            case NextChannel():
                applied = await self._next_channel(effect)
            case RequestCallback(at=at, reason=reason):
                when = at.isoformat() if at else None
                self._manager_task(reason, "callback", callback_at=when)
                applied = effect
            case ReviewDelivery(reason=reason):
                self._manager_task(f"проверить, дошло ли сообщение ({self.attempt.address}): {reason}",
                                   "review_delivery")
                applied = effect
            case NoticeDelivered(on=on):
                self._event(EventKind.OUTCOME,
                            f"уведомление «{self.attempt.template}» вручено {day(on)}",
                            "notice_delivered", notice_date=on.isoformat(),
                            template=self.attempt.template)
                applied = effect
            case CancelQueued():
                applied = await self._cancel(effect)
            case SendPaymentDetails():
                applied = await self._payment_details(effect)
            case _:
                assert_never(effect)
        if applied is not None:
            self.actions.append(applied)

    def _contact(self, effect: Contact, at: datetime) -> Effect | None:
        if self.case.last_contact_at is not None and self.case.last_contact_at >= at:
            self._skip(effect, "a later contact is already recorded")
            return None
        self.case.last_contact_at = at
        return effect

    async def _promise(self, effect: MakePromise) -> Effect | None:
        amount = effect.amount if effect.amount is not None else await self._current_debt()
        if amount <= 0:
            self._skip(effect, "no debt to promise")
            return None
        self.session.add(Promise(case_id=self.case.id, amount=amount, pay_by=effect.pay_by))
        self._event(EventKind.OUTCOME, f"обещание оплаты {money(amount)} до {day(effect.pay_by)}",
                    "promise", amount=str(amount), pay_by=effect.pay_by.isoformat())
        return dataclasses.replace(effect, amount=amount)

    async def _dispute(self, effect: OpenDispute) -> Effect | None:
        amount = effect.amount if effect.amount is not None else await self._current_debt()
        if amount <= 0:
            self._skip(effect, "no debt to dispute")
            return None
        self.session.add(Dispute(case_id=self.case.id, amount=amount, reason=effect.reason))
        self._event(EventKind.OUTCOME, f"спор на сумму {money(amount)}: {effect.reason}",
                    "dispute", amount=str(amount))
        return dataclasses.replace(effect, amount=amount)

    def _status(self, effect: Effect, status: CaseStatus, reason: str, until: date | None,
                **data: object) -> Effect | None:
        current = CaseStatus(self.case.status)
        if current == CaseStatus.CLOSED or _STATUS_RANK[status] < _STATUS_RANK[current]:
            self._skip(effect, f"case is {current}")
            return None
        if until is not None and current == status and self.case.suspended_until is not None:
            # Two suspensions: the later end wins, so neither freeze is cut short.
            until = max(until, self.case.suspended_until)
        self.case.status = status.value
        self.case.status_reason = reason[:200]
        self.case.suspended_until = until
        self._event(EventKind.STATUS_CHANGED, f"{current.value} → {status.value}: {reason}",
                    "status", from_status=current.value, to_status=status.value, reason=reason,
                    until=until.isoformat() if until else None, **data)
        return effect

    async def _invalidate(self, effect: InvalidateAddress) -> Effect | None:
        person_id, address = self.attempt.person_id, self.attempt.address
        if person_id is None or not address:
            self._skip(effect, "the attempt names no person or address")
            return None
        model = PersonEmail if self.attempt.channel == Channel.EMAIL else PersonPhone
        column = PersonEmail.address if model is PersonEmail else PersonPhone.number
        row = await self.session.scalar(
            select(model).where(model.person_id == person_id, column == address))
        if row is None or not row.valid:
            self._skip(effect, f"{address} is not a valid contact of person {person_id}")
            return None
        row.valid = False
        self._event(EventKind.OUTCOME, f"контакт {address} недействителен: ответил не должник",
                    "address_invalid", address=address, person_id=person_id)
        return effect

    async def _refusal(self, effect: RefuseChannel) -> Effect | None:
        person_id = self.attempt.person_id
        if person_id is None:
            self._skip(effect, "the attempt names no person")
            return None
        existing = await self.session.scalar(select(ContactRefusal.id).where(
            ContactRefusal.person_id == person_id, ContactRefusal.channel == effect.channel.value))
        if existing is not None:
            self._skip(effect, f"{effect.channel} already refused")
            return None
        self.session.add(ContactRefusal(
            person_id=person_id, channel=effect.channel.value, recorded_at=self.now,
            source=f"попытка {self.attempt.id}: {KIND_TITLES[self.report.kind]}"))
        self._event(EventKind.OUTCOME,
                    f"должник отказался от канала «{CHANNEL_TITLES[effect.channel]}»",
                    "refusal", channel=effect.channel.value, person_id=person_id)
        return effect

    def _hold_calls(self, effect: HoldCalls) -> Effect | None:
        if self.case.no_call_until is not None and self.case.no_call_until >= effect.until:
            self._skip(effect, "calls are already held longer")
            return None
        self.case.no_call_until = effect.until
        self._event(EventKind.OUTCOME,
                    f"прослушал сообщение до конца: без звонков до {day(effect.until)}",
                    "hold_calls", until=effect.until.isoformat())
        return effect

    async def _next_channel(self, effect: NextChannel) -> Effect | None:
        found = await queue_next_channel(self.session, self.case, self.attempt, self.today, self.now)
        if found.step is None:
            self._skip(effect, found.why_not)
            return None
        step = found.step
        self._event(EventKind.OUTCOME,
                    f"следующий канал — {CHANNEL_TITLES[step.channel]} (шаг «{step.code}»): "
                    f"{effect.reason}", "next_channel", reason=effect.reason,
                    channel=step.channel.value, step=step.code)
        return dataclasses.replace(effect, channel=step.channel)

    async def _payment_details(self, effect: SendPaymentDetails) -> Effect | None:
        if self.case.status == CaseStatus.CLOSED.value:
            self._skip(effect, "case is closed")
            return None
        # Through the one attempt builder: the debtor's first valid number not refused for SMS;
        # the contact budget is checked when an SMS worker claims it, as for any attempt.
        queued = await queue_attempts(
            self.session, select(Case.id).where(Case.id == self.case.id),
            AttemptKind(Channel.SMS, PAYMENT_DETAILS_TEMPLATE, PAYMENT_DETAILS_STEP),
            key=AttemptKey("pd", f"-a{self.attempt.id}-details"), start=self.now, now=self.now)
        if not queued.attempts:
            self._skip(effect, "no phone number usable for SMS")
            return None
        self._event(EventKind.OUTCOME, "реквизиты для оплаты — в очереди SMS", "payment_details",
                    template=PAYMENT_DETAILS_TEMPLATE)
        return effect

    async def _cancel(self, effect: CancelQueued) -> Effect | None:
        if effect.same_person and self.attempt.person_id is None:
            # Without a person the filter would widen to every debtor of the case.
            self._skip(effect, "the attempt names no person")
            return None
        ids = await cancel_queued_attempts(
            self.session, self.case, effect.reason, channel=effect.channel,
            person_id=self.attempt.person_id if effect.same_person else None,
            address=self.attempt.address if effect.same_address else None,
            actor=self.report.actor, now=self.now)
        return effect if ids else None
