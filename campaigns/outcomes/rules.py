"""The outcome rules: from a report and a few facts about the case to the effects it must have.

Pure functions: they read no database and change nothing; ``record.apply_effects`` carries the
effects out. Intent rules are a table (intent → rule) so adding an intent is one line; rules
that look at the report's kind or fields run after them in a fixed order.

Order matters for the history: escalations come before suspensions, so a call with both a
dispute and a promise escalates and creates the promise without first suspending the case. And
the payment details the bot promised are queued last, after a freeze's cancellation of what was
queued before.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from campaigns.outcomes.report import Intent, OutcomeKind, OutcomeReport
from campaigns.plans.schema import OutcomeSettings
from models.enums import Channel
from models.ru_format import day

log = logging.getLogger(__name__)

# Days a case waits for the bank to confirm a payment the debtor says was made. Not yet a field of
# the plan's OutcomeSettings (schema.py), hence a default here.
DEFAULT_PAYMENT_CHECK_DAYS = 5

# Calls that reached no one, counted toward the no-answer streak. FAILED is our own fault (trunk,
# media) and neither extends nor breaks a streak.
NO_ANSWER_KINDS = frozenset({OutcomeKind.NO_ANSWER, OutcomeKind.BUSY, OutcomeKind.REJECTED,
                             OutcomeKind.UNREACHABLE, OutcomeKind.MACHINE})
STREAK_NEUTRAL_KINDS = frozenset({OutcomeKind.FAILED})

# The SMS with the creditor's payment details the bot promised during a call.
PAYMENT_DETAILS_TEMPLATE = "payment_details"
PAYMENT_DETAILS_STEP = "bot-payment-details"

# Contacts with the debtor for case.last_contact_at (a step's no_contact_days condition).
CONTACT_KINDS = frozenset({OutcomeKind.ANSWERED, OutcomeKind.DELIVERED,
                           OutcomeKind.COURIER_DELIVERED, OutcomeKind.COURIER_MAILBOX,
                           OutcomeKind.COURIER_REFUSED, OutcomeKind.MANUAL})


class Queue(StrEnum):
    """Who takes an escalated case."""

    LAWYER = "lawyer"
    MANAGER = "manager"


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """The plan's outcome settings plus those the plan schema does not carry yet."""

    plan: OutcomeSettings
    payment_check_days: int = DEFAULT_PAYMENT_CHECK_DAYS


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need to know beyond the report."""

    channel: Channel
    # The debtor's local date when the outcome occurred (the building's time zone).
    today: date
    occurred_at: datetime
    # This attempt included; 0 unless this is a call that reached no one.
    no_answer_streak: int


# The effects. Each is applied by record.py and listed in the OutcomeResult.
@dataclass(frozen=True, slots=True)
class Contact:
    at: datetime


@dataclass(frozen=True, slots=True)
class MakePromise:
    pay_by: date
    amount: Decimal | None  # None: the case's current debt


@dataclass(frozen=True, slots=True)
class OpenDispute:
    amount: Decimal | None  # None: the case's current debt
    reason: str


@dataclass(frozen=True, slots=True)
class Escalate:
    queue: Queue
    reason: str


@dataclass(frozen=True, slots=True)
class Suspend:
    until: date
    reason: str


@dataclass(frozen=True, slots=True)
class PaymentReported:
    check_until: date


@dataclass(frozen=True, slots=True)
class InvalidateAddress:
    """The attempt's phone (or email) reached someone else: never use it again."""


@dataclass(frozen=True, slots=True)
class RefuseChannel:
    channel: Channel


@dataclass(frozen=True, slots=True)
class HoldCalls:
    until: date


@dataclass(frozen=True, slots=True)
class NextChannel:
    reason: str
    # Set when applied: the channel queued next (campaigns.cases.steps.queue_next_channel).
    channel: Channel | None = None


@dataclass(frozen=True, slots=True)
class RequestCallback:
    at: datetime | None  # None: as soon as a manager can
    reason: str


@dataclass(frozen=True, slots=True)
class ReviewDelivery:
    """A manager's task: find out whether a message whose delivery is unconfirmed reached the debtor."""

    reason: str


@dataclass(frozen=True, slots=True)
class NoticeDelivered:
    on: date


@dataclass(frozen=True, slots=True)
class CancelQueued:
    """Cancel the case's queued attempts, all of them or those of one channel of this person."""

    reason: str
    channel: Channel | None = None
    same_person: bool = False
    same_address: bool = False


@dataclass(frozen=True, slots=True)
class SendPaymentDetails:
    """Queue an SMS with the payment details to the debtor (``PAYMENT_DETAILS_TEMPLATE``)."""


Effect = (Contact | MakePromise | OpenDispute | Escalate | Suspend | PaymentReported
          | InvalidateAddress | RefuseChannel | HoldCalls | NextChannel | RequestCallback
          | ReviewDelivery | NoticeDelivered | CancelQueued | SendPaymentDetails)

Rule = Callable[[OutcomeReport, Facts, RuleSettings], list[Effect]]


def _wrong_person(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    if facts.channel == Channel.COURIER:
        return []
    return [InvalidateAddress(),
            CancelQueued("контакт принадлежит другому человеку", same_address=True),
            NextChannel("ответил не должник")]


def _dispute(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    reason = report.note or "должник оспаривает долг"
    return [OpenDispute(report.disputed_amount, reason), Escalate(Queue.LAWYER, "спор")]


def _to_manager(reason: str) -> Rule:
    # An instalment schedule is agreed by a manager, who creates the Instalment row.
    def rule(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
        return [Escalate(Queue.MANAGER, reason)]
    return rule


def _already_paid(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    until = facts.today + timedelta(days=settings.payment_check_days)
    return [PaymentReported(until),
            Suspend(until, f"оплата со слов должника, проверка до {day(until)}")]


def _stop_calls(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    return [RefuseChannel(Channel.CALL),
            CancelQueued("должник отказался от звонков", channel=Channel.CALL, same_person=True)]


def _callback(reason: str) -> Rule:
    def rule(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
        return [RequestCallback(report.callback_at, reason)]
    return rule


# Intents not listed (affirm, deny, questions, refuse_to_pay, fallback) only go into the history.
INTENT_RULES: dict[Intent, Rule] = {
    Intent.DISPUTE: _dispute,
    Intent.REQUEST_INSTALLMENT: _to_manager("просьба о рассрочке"),
    Intent.HARDSHIP: _to_manager("трудное материальное положение"),
    Intent.ALREADY_PAID: _already_paid,
    Intent.STOP_CALLS: _stop_calls,
    Intent.REQUEST_OPERATOR: _callback("просит связаться с оператором"),
    Intent.CALLBACK_LATER: _callback("просит перезвонить позже"),
}
# Escalations first (see the module docstring); the rest in the order heard.
_ESCALATING = (Intent.DISPUTE, Intent.REQUEST_INSTALLMENT, Intent.HARDSHIP)


def _promise(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    """A dated promise suspends the case until the date plus grace.

    A date beyond max_promise_days is not a promise the plan accepts: capping it would invent a
    date the debtor never gave, and the promise would then "break" on its own. It is a request
    for deferment, which a manager handles like an instalment request.
    """
    pay_by = report.promise_date
    if pay_by is None:
        return []
    if pay_by < facts.today:
        log.warning("promise date %s is in the past; not recorded as a promise", pay_by)
        return []
    limit = facts.today + timedelta(days=settings.plan.max_promise_days)
    if pay_by > limit:
        return [Escalate(Queue.MANAGER, f"просит отсрочку до {day(pay_by)} (дольше "
                                        f"{settings.plan.max_promise_days} дн.): решить о рассрочке")]
    until = pay_by + timedelta(days=settings.plan.promise_grace_days)
    return [MakePromise(pay_by, report.promise_amount),
            Suspend(until, f"обещание оплаты до {day(pay_by)}")]


def _refused_channels(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    effects: list[Effect] = []
    for channel in dict.fromkeys(report.refused_channels):
        effects += [RefuseChannel(channel),
                    CancelQueued("должник отказался от канала", channel=channel, same_person=True)]
    return effects


def _debtor_rules(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    heard = list(dict.fromkeys(report.intents))
    ordered = [i for i in _ESCALATING if i in heard] + [i for i in heard if i not in _ESCALATING]
    effects: list[Effect] = []
    for intent in ordered:
        rule = INTENT_RULES.get(intent)
        if rule is not None:
            effects += rule(report, facts, settings)
    if report.manager_callback:
        effects.append(RequestCallback(None, report.manager_callback))
    effects += _promise(report, facts, settings)
    effects += _refused_channels(report, facts, settings)
    return effects


def evaluate(report: OutcomeReport, facts: Facts, settings: RuleSettings) -> list[Effect]:
    """Every effect the report has, in the order they are to be applied and recorded."""
    effects: list[Effect] = []
    if report.kind in CONTACT_KINDS and report.speaks_for_debtor:
        effects.append(Contact(facts.occurred_at))
    if Intent.WRONG_PERSON in report.intents:
        # A stranger's promises and refusals bind no one.
        effects += _wrong_person(report, facts, settings)
    elif report.speaks_for_debtor:
        effects += _debtor_rules(report, facts, settings)
    if report.listened_to_end and settings.plan.listened_no_call_days > 0:
        effects.append(HoldCalls(facts.today + timedelta(days=settings.plan.listened_no_call_days)))
    if report.kind in NO_ANSWER_KINDS and facts.no_answer_streak >= settings.plan.no_answer_limit:
        effects.append(NextChannel(f"без ответа подряд: {facts.no_answer_streak}"))
    if report.kind == OutcomeKind.COURIER_DELIVERED:
        effects.append(NoticeDelivered(facts.today))
    if report.kind == OutcomeKind.UNCONFIRMED:
        # Not a contact and not a failure: sending again could reach the debtor twice, and
        # moving on to the next channel could skip a message that arrived. A person decides.
        effects.append(ReviewDelivery(report.note or "ответ о доставке не получен"))
    if any(isinstance(e, (Suspend, Escalate)) for e in effects):
        # A frozen case must not be contacted by what was queued before the freeze.
        effects.append(CancelQueued("дело приостановлено или передано специалисту"))
    if report.send_payment_details and report.speaks_for_debtor \
            and Intent.WRONG_PERSON not in report.intents:
        # After the cancellation, which would otherwise take back the SMS just promised.
        effects.append(SendPaymentDetails())
    return effects
