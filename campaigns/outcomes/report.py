"""What a channel hands in when an attempt ends: one typed report, whatever the channel."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from models.enums import Channel


class OutcomeKind(StrEnum):
    # Calls.
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    REJECTED = "rejected"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    MACHINE = "machine"
    # SMS and email.
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    EXPIRED = "expired"
    # The message was handed over whole but the peer's answer never came: it may have reached
    # the debtor, so it is not sent again and a person checks (rules.py).
    UNCONFIRMED = "unconfirmed"
    # Courier.
    COURIER_DELIVERED = "courier_delivered"
    COURIER_MAILBOX = "courier_mailbox"
    COURIER_NOBODY_HOME = "courier_nobody_home"
    COURIER_REFUSED = "courier_refused"
    # A manager's record of a contact made outside the robots (any channel).
    MANUAL = "manual"


class Intent(StrEnum):
    """The voice bot's NLU intents (names as in the Rasa domain)."""

    AFFIRM = "affirm"
    DENY = "deny"
    WRONG_PERSON = "wrong_person"
    ALREADY_PAID = "already_paid"
    PROMISE_TO_PAY = "promise_to_pay"
    ASK_AMOUNT = "ask_amount"
    ASK_HOW_TO_PAY = "ask_how_to_pay"
    ASK_DEBT_DETAILS = "ask_debt_details"
    DISPUTE = "dispute"
    CALLBACK_LATER = "callback_later"
    REFUSE_TO_PAY = "refuse_to_pay"
    REQUEST_INSTALLMENT = "request_installment"
    HARDSHIP = "hardship"
    REQUEST_OPERATOR = "request_operator"
    ASK_WHO_CALLING = "ask_who_calling"
    STOP_CALLS = "stop_calls"
    NLU_FALLBACK = "nlu_fallback"


_CALL_KINDS = frozenset({OutcomeKind.ANSWERED, OutcomeKind.NO_ANSWER, OutcomeKind.BUSY,
                         OutcomeKind.REJECTED, OutcomeKind.FAILED, OutcomeKind.UNREACHABLE,
                         OutcomeKind.MACHINE})
_MESSAGE_KINDS = frozenset({OutcomeKind.DELIVERED, OutcomeKind.UNDELIVERED, OutcomeKind.EXPIRED,
                            OutcomeKind.UNCONFIRMED})
_COURIER_KINDS = frozenset({OutcomeKind.COURIER_DELIVERED, OutcomeKind.COURIER_MAILBOX,
                            OutcomeKind.COURIER_NOBODY_HOME, OutcomeKind.COURIER_REFUSED})

# A report whose kind does not belong to the attempt's channel is a channel bug, never applied.
KINDS_BY_CHANNEL: dict[Channel, frozenset[OutcomeKind]] = {
    Channel.CALL: _CALL_KINDS | {OutcomeKind.MANUAL},
    Channel.SMS: _MESSAGE_KINDS | {OutcomeKind.MANUAL},
    Channel.EMAIL: _MESSAGE_KINDS | {OutcomeKind.MANUAL},
    Channel.COURIER: _COURIER_KINDS | {OutcomeKind.MANUAL},
}

# Kinds in which someone spoke to us, so intents, promises and refusals can be heard at all.
CONVERSATION_KINDS = frozenset({OutcomeKind.ANSWERED, OutcomeKind.COURIER_DELIVERED,
                                OutcomeKind.COURIER_REFUSED, OutcomeKind.MANUAL})

KIND_TITLES: dict[OutcomeKind, str] = {
    OutcomeKind.ANSWERED: "ответил",
    OutcomeKind.NO_ANSWER: "не ответил",
    OutcomeKind.BUSY: "занято",
    OutcomeKind.REJECTED: "сбросил вызов",
    OutcomeKind.FAILED: "сбой связи",
    OutcomeKind.UNREACHABLE: "абонент недоступен",
    OutcomeKind.MACHINE: "автоответчик",
    OutcomeKind.DELIVERED: "доставлено",
    OutcomeKind.UNDELIVERED: "не доставлено",
    OutcomeKind.EXPIRED: "срок доставки истёк",
    OutcomeKind.UNCONFIRMED: "доставка не подтверждена",
    OutcomeKind.COURIER_DELIVERED: "вручено лично",
    OutcomeKind.COURIER_MAILBOX: "оставлено в почтовом ящике",
    OutcomeKind.COURIER_NOBODY_HOME: "никого нет дома",
    OutcomeKind.COURIER_REFUSED: "отказ принять",
    OutcomeKind.MANUAL: "запись менеджера",
}

Share = Annotated[float, Field(ge=0.0, le=1.0)]


class TranscriptTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    speaker: Literal["bot", "debtor"]
    text: str


class GeoFix(BaseModel):
    """Where the courier's phone was when the result was recorded (the browser's geolocation)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    # The phone's own estimate of its error radius, in metres.
    accuracy_m: Annotated[float, Field(ge=0)] | None = None


class OutcomeReport(BaseModel):
    """The outcome of one attempt as the channel saw it; campaigns decides what follows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: OutcomeKind
    # When it happened, if not now: the courier's page works offline and syncs later.
    occurred_at: AwareDatetime | None = None
    # Share of each bot message the debtor heard before hanging up, in the order spoken.
    listened_share: tuple[Share, ...] = ()
    listened_to_end: bool = False
    # Intents in the order heard; repeats are harmless (each rule acts once).
    intents: tuple[Intent, ...] = ()
    # None: the bot never got as far as asking.
    identity_confirmed: bool | None = None
    promise_date: date | None = None
    # None: the whole current debt is promised.
    promise_amount: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)] | None = None
    # None with a dispute: the whole current debt is disputed.
    disputed_amount: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)] | None = None
    callback_at: AwareDatetime | None = None
    # Channels the debtor refused in words other than the bot's stop_calls (an SMS reply, a note).
    refused_channels: tuple[Channel, ...] = ()
    # The bot told the debtor the payment details would come by SMS.
    send_payment_details: bool = False
    # The bot could not finish the conversation and told the debtor a manager would call back
    # (e.g. its NLU was down): why, for the manager's task.
    manager_callback: str = ""
    transcript: tuple[TranscriptTurn, ...] = ()
    # A call that reached an answering machine left a voice message on it: a contact of its own
    # in the messages class of the contact budget (230-ФЗ ст. 7 ч. 5).
    voice_message_left: bool = False
    # A courier's result carries where it was recorded, if the phone could tell.
    location: GeoFix | None = None
    note: str = ""
    actor: str = Field(default="system", max_length=100)

    @model_validator(mode="after")
    def _coherent(self) -> OutcomeReport:
        spoken = (self.intents or self.promise_date or self.disputed_amount or self.callback_at
                  or self.refused_channels or self.send_payment_details or self.manager_callback
                  or self.identity_confirmed is not None)
        if spoken and self.kind not in CONVERSATION_KINDS:
            raise ValueError(f"a {self.kind} outcome carries no conversation")
        if (self.listened_share or self.listened_to_end) and self.kind != OutcomeKind.ANSWERED:
            raise ValueError("listening is only measured on an answered call")
        if self.voice_message_left and self.kind != OutcomeKind.MACHINE:
            raise ValueError("a voice message is only left on an answering machine")
        if self.location is not None and self.kind not in _COURIER_KINDS:
            raise ValueError("only a courier's result carries a location")
        if self.promise_amount is not None and self.promise_date is None:
            raise ValueError("a promised amount needs a promise date")
        return self

    @property
    def speaks_for_debtor(self) -> bool:
        """Whether what was said binds the debtor: not a stranger, not an unconfirmed voice."""
        return Intent.WRONG_PERSON not in self.intents and self.identity_confirmed is not False
