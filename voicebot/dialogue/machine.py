"""The collection call as a state machine on text: what the bot says to each thing it hears.

Identity comes first (230-ФЗ, DOMAIN.md): until the person confirms they are the debtor, by
word or by pressing 1, the bot names only itself and the creditor; the debt, its amount and
even the purpose of the call are said only after. Every branch that ends the call says goodbye
with ``hang_up``; ``outcome`` then sums the call up for the campaign's outcome function.

When the NLU does not answer at all (the Rasa service is down), words cannot be classified, so
the bot stops asking the debtor to repeat them: it asks for keys instead, with the menu of the
question it is on, and if the debtor still only talks it closes promising a manager's call back,
which the outcome turns into a manager's task.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from campaigns.outcomes.report import Intent, OutcomeKind, OutcomeReport, TranscriptTurn
from voicebot.conversation import BotReply
from voicebot.dialogue.context import DebtorContext
from voicebot.dialogue.phrases import Phrases, load_phrases
from voicebot.nlu.result import IntentParser, NluResult
from voicebot.russian import (
    Case,
    date_in_words,
    digits_in_words,
    moment_in_words,
    money_in_words,
    months_span_in_words,
    speakable,
)


class Stage(StrEnum):
    NOT_STARTED = "not_started"
    # Asked whether this is the debtor; nothing about the debt said yet.
    IDENTITY = "identity"
    # Someone else answered: asked them to fetch the debtor.
    HANDOVER = "handover"
    # The debt is disclosed; the bot asks when it will be paid.
    DEBT = "debt"
    # A promise without a date: the date is asked for once.
    PROMISE_DATE = "promise_date"
    # A promise with a date: the date is read back for a yes.
    CONFIRM_PROMISE = "confirm_promise"
    # The debtor asked to be called back without saying when.
    CALLBACK_TIME = "callback_time"
    ENDED = "ended"


_BEFORE_IDENTITY = frozenset({Stage.IDENTITY, Stage.HANDOVER})
# Re-prompts in a row on what the NLU could not classify; the next one closes the call.
MAX_REPROMPTS = 2
# Times the bot asks for a promise date before it closes without one.
MAX_DATE_ASKS = 2
# Debtor turns after which the bot winds the call up, so no call loops for ever.
MAX_TURNS = 20
# What a key means in each stage: the menu that stage's question offers (phrases.yaml), for a
# debtor the recogniser does not understand; elsewhere only 1, yes, means anything.
_KEY_YES = {"1": Intent.AFFIRM}
_KEY_MENUS: dict[Stage, dict[str, Intent]] = {
    Stage.IDENTITY: {**_KEY_YES, "2": Intent.WRONG_PERSON},
    Stage.DEBT: {"1": Intent.PROMISE_TO_PAY, "2": Intent.ALREADY_PAID, "3": Intent.DISPUTE,
                 "0": Intent.REQUEST_OPERATOR},
    Stage.CONFIRM_PROMISE: {**_KEY_YES, "2": Intent.DENY},
}
# Asked for a date, the debtor may key in how many days from today they will pay.
_DAY_KEYS = "123456789"
# Phrases that tell the debtor the payment details will come by SMS: saying one sets
# ``send_payment_details`` on the outcome, and the outcome rules queue that SMS.
PROMISE_SMS = frozenset({"how_to_pay", "promise_taken", "promise_without_date", "refuse_final",
                         "too_long", "close_with_sms", "nlu_down_close"})
# The key menu offered when the NLU is down, where the stage's question names no keys itself.
_KEY_PROMPTS: dict[Stage, tuple[str, ...]] = {
    Stage.DEBT: ("when_pay", "debt_keys"),
    Stage.HANDOVER: ("handover_keys",),
    Stage.CALLBACK_TIME: ("callback_keys",),
}
NLU_DOWN_NOTE = "распознавание речи было недоступно (сервис NLU не отвечал): ответы только клавишами"
NLU_DOWN_CALLBACK = "робот не смог распознать ответы должника (сервис NLU не отвечал): перезвонить"


class CollectionDialogue:
    """One collection call with one debtor; implements ``voicebot.conversation.Conversation``."""

    def __init__(self, context: DebtorContext, parser: IntentParser,
                 phrases: Phrases | None = None) -> None:
        self.context = context
        self.parser = parser
        self.phrases = phrases or load_phrases()
        self.stage = Stage.NOT_STARTED
        self._question = ""
        self._transcript: list[TranscriptTurn] = []
        self._shares: list[float | None] = []
        self._intents: list[Intent] = []
        self._confirmed = False
        self._handover_asked = False
        self._promise_date: date | None = None
        self._callback_at: datetime | None = None
        self._sms_promised = False
        self._note = ""
        self._nlu_down = False
        self._manager_callback = ""
        self._reprompts = 0
        self._identity_asks = 0
        self._date_asks = 0
        self._refusals = 0
        self._turns = 0

    # --- Conversation ---------------------------------------------------------------------

    async def open(self, now: datetime) -> BotReply:
        if self.stage != Stage.NOT_STARTED:
            raise RuntimeError("the call is already open")
        self.stage = Stage.IDENTITY
        return self._ask(self._say("greeting", creditor=self.context.creditor),
                         self._identity_question())

    async def hear(self, text: str, now: datetime) -> BotReply:
        self._check_open()
        self._transcript.append(TranscriptTurn(speaker="debtor", text=text))
        return self._turn(await self.parser.parse(text, now), now)

    async def key(self, digit: str, now: datetime) -> BotReply:
        self._check_open()
        text = f"(нажата клавиша {digit})"
        self._transcript.append(TranscriptTurn(speaker="debtor", text=text))
        if self.stage == Stage.PROMISE_DATE and digit in _DAY_KEYS:
            return self._turn(NluResult(text=text, intent=Intent.PROMISE_TO_PAY, confidence=1.0,
                                        promise_date=now.date() + timedelta(days=int(digit))), now)
        intent = _KEY_MENUS.get(self.stage, _KEY_YES).get(digit, Intent.NLU_FALLBACK)
        return self._turn(NluResult(text=text, intent=intent, confidence=1.0), now)

    def heard(self, share: float) -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"a share is between 0 and 1, not {share}")
        if self._shares:
            self._shares[-1] = share

    def outcome(self, hung_up_by_debtor: bool) -> OutcomeReport:
        # A reply no one reported on (a text conversation) was shown whole.
        shares = tuple(1.0 if share is None else share for share in self._shares)
        asked = self.stage != Stage.NOT_STARTED
        return OutcomeReport(
            kind=OutcomeKind.ANSWERED,
            listened_share=shares,
            listened_to_end=(self._confirmed and self.stage == Stage.ENDED
                             and not hung_up_by_debtor and bool(shares) and shares[-1] == 1.0),
            intents=tuple(self._intents),
            identity_confirmed=self._confirmed if asked else None,
            promise_date=self._promise_date if self._confirmed else None,
            callback_at=self._callback_at if self._confirmed else None,
            send_payment_details=self._sms_promised and self._confirmed,
            manager_callback=self._manager_callback if self._confirmed else "",
            transcript=tuple(self._transcript),
            note="\n".join(note for note in (self._note, NLU_DOWN_NOTE if self._nlu_down else "")
                           if note),
        )

    @property
    def ended(self) -> bool:
        return self.stage == Stage.ENDED

    # --- Turns ----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self.stage == Stage.NOT_STARTED:
            raise RuntimeError("open the call first")
        if self.stage == Stage.ENDED:
            raise RuntimeError("the call has ended")

    def _turn(self, result: NluResult, now: datetime) -> BotReply:
        self._intents.append(result.intent)
        self._turns += 1
        if result.intent == Intent.NLU_FALLBACK and result.promise_date is None \
                and result.callback_at is None:
            return self._fallback(result.unavailable)
        self._reprompts = 0
        if self.stage in _BEFORE_IDENTITY:
            if self._turns >= MAX_TURNS:
                return self._end("identity_failed")
            return self._unconfirmed(result)
        if self._turns >= MAX_TURNS:
            return self._end("too_long")
        if self.stage == Stage.PROMISE_DATE:
            return self._promise_date_answer(result, now)
        if self.stage == Stage.CONFIRM_PROMISE:
            return self._promise_confirmation(result, now)
        if self.stage == Stage.CALLBACK_TIME:
            return self._callback_time(result, now)
        return self._debt_turn(result, now)

    def _fallback(self, unavailable: bool = False) -> BotReply:
        """``unavailable``: the NLU did not answer, so repeating the words would not help."""
        self._reprompts += 1
        self._nlu_down = self._nlu_down or unavailable
        if self._reprompts <= MAX_REPROMPTS:
            if unavailable:
                return self._reply(self.phrases.say("keys_only", question=self._key_question()))
            return self._reply(self.phrases.say("reprompt", question=self._question))
        if self.stage in _BEFORE_IDENTITY:
            return self._end("identity_failed")
        if unavailable:
            self._manager_callback = NLU_DOWN_CALLBACK
            return self._end("nlu_down_close", creditor=self.context.creditor)
        return self._end("close_with_sms")

    def _key_question(self) -> str:
        keys = _KEY_PROMPTS.get(self.stage)
        return " ".join(self.phrases.say(key) for key in keys) if keys else self._question

    def _unconfirmed(self, result: NluResult) -> BotReply:
        """Before identity: nothing about the debt, not even why the creditor calls."""
        match result.intent:
            case Intent.AFFIRM if self.stage == Stage.IDENTITY:
                return self._confirm()
            case Intent.AFFIRM:
                return self._wait_for_debtor()
            # «Сейчас позову» reads as a call-back request without a time: keep waiting.
            case Intent.CALLBACK_LATER if self.stage == Stage.HANDOVER \
                    and result.callback_at is None:
                return self._wait_for_debtor()
            case Intent.WRONG_PERSON:
                return self._end("wrong_person")
            case Intent.DENY if self.stage == Stage.IDENTITY and not self._handover_asked:
                self.stage = Stage.HANDOVER
                self._handover_asked = True
                return self._ask(self._say("ask_handover", full_name=self.context.full_name))
            case Intent.DENY:
                return self._end("goodbye_stranger")
            case Intent.ASK_WHO_CALLING:
                self.stage = Stage.IDENTITY
                return self._ask(self._say("who_is_calling_unconfirmed",
                                           creditor=self.context.creditor),
                                 self._identity_question())
            case Intent.CALLBACK_LATER:
                return self._end("callback_unconfirmed")
            case _ if self.stage == Stage.HANDOVER:
                return self._end("goodbye_stranger")
            case _:
                # Whatever they ask, the debtor must be confirmed first; this counts as a
                # re-prompt, so someone who never confirms cannot keep the bot talking.
                self._identity_asks += 1
                if self._identity_asks > MAX_REPROMPTS:
                    return self._end("identity_failed")
                return self._ask(self._say("identity_first"), self._identity_question())

    def _wait_for_debtor(self) -> BotReply:
        self.stage = Stage.IDENTITY
        self._question = self._identity_question()
        return self._reply(self._say("waiting"))

    def _confirm(self) -> BotReply:
        self._confirmed = True
        if self.context.debt <= 0:
            return self._end("no_debt", name=self.context.address_name)
        self.stage = Stage.DEBT
        return self._ask(self._say("disclosure", name=self.context.address_name,
                                   creditor=self.context.creditor, amount=self._amount()),
                         f"{self._say('when_pay')} {self._say('debt_keys')}")

    def _debt_turn(self, result: NluResult, now: datetime) -> BotReply:
        """After identity: answer questions, take promises, record refusals and requests."""
        self.stage = Stage.DEBT
        when = self._say("when_pay")
        match result.intent:
            case Intent.ASK_AMOUNT:
                return self._ask(self._say("amount", amount=self._amount()), when)
            case Intent.ASK_DEBT_DETAILS:
                return self._ask(self._say("debt_details", amount=self._amount(),
                                           periods=months_span_in_words(self.context.periods),
                                           services=_listing(self.context.services)), when)
            case Intent.ASK_HOW_TO_PAY:
                return self._ask(self._say("how_to_pay", payment=self._payment()), when)
            case Intent.ASK_WHO_CALLING:
                return self._ask(self._say("who_is_calling", creditor=self.context.creditor), when)
            case Intent.PROMISE_TO_PAY | Intent.AFFIRM:
                if result.promise_date is not None:
                    return self._promise(result.promise_date, now)
                return self._ask_date()
            case Intent.DISPUTE:
                self._note = f"со слов должника: «{result.text}»"
                return self._end("dispute", creditor=self.context.creditor)
            case Intent.WRONG_PERSON:
                # They said they are not the debtor after all: nothing they said binds anyone.
                self._confirmed = False
                return self._end("wrong_person")
            case Intent.CALLBACK_LATER:
                if result.callback_at is not None:
                    return self._callback(result.callback_at, now)
                self.stage = Stage.CALLBACK_TIME
                return self._ask(self._say("ask_callback_time"))
            case Intent.STOP_CALLS:
                return self._end("stop_calls")
            case Intent.REQUEST_OPERATOR:
                return self._end("operator", creditor=self.context.creditor)
            case Intent.HARDSHIP | Intent.REQUEST_INSTALLMENT:
                return self._end("installment")
            case Intent.ALREADY_PAID:
                return self._end("already_paid")
            case Intent.REFUSE_TO_PAY | Intent.DENY:
                self._refusals += 1
                if self._refusals == 1:
                    return self._ask(self._say("refuse_first"), when)
                return self._end("refuse_final")
            case _:
                # A fallback that still carried a date: "пятнадцатого" alone is a promise.
                if result.promise_date is not None:
                    return self._promise(result.promise_date, now)
                return self._callback(result.callback_at, now) if result.callback_at \
                    else self._fallback()

    def _ask_date(self, key: str = "ask_promise_date") -> BotReply:
        self._date_asks += 1
        if self._date_asks > MAX_DATE_ASKS:
            return self._end("promise_without_date")
        self.stage = Stage.PROMISE_DATE
        return self._ask(self._say(key))

    def _promise_date_answer(self, result: NluResult, now: datetime) -> BotReply:
        if result.promise_date is not None:
            return self._promise(result.promise_date, now)
        if result.intent in (Intent.PROMISE_TO_PAY, Intent.AFFIRM, Intent.DENY):
            return self._end("promise_without_date")
        return self._debt_turn(result, now)

    def _promise(self, pay_by: date, now: datetime) -> BotReply:
        if pay_by < now.date():
            return self._ask_date("promise_past_date")
        self._promise_date = pay_by
        if pay_by > now.date() + timedelta(days=self.context.max_promise_days):
            # The outcome rules hand so long a deferment to a manager as an instalment request.
            return self._end("promise_too_far")
        self.stage = Stage.CONFIRM_PROMISE
        return self._ask(self._say("confirm_promise", date=date_in_words(pay_by, Case.GENITIVE)))

    def _promise_confirmation(self, result: NluResult, now: datetime) -> BotReply:
        if result.promise_date is not None and result.promise_date != self._promise_date:
            return self._promise(result.promise_date, now)
        if result.intent in (Intent.AFFIRM, Intent.PROMISE_TO_PAY) and self._promise_date:
            return self._end("promise_taken",
                             date=date_in_words(self._promise_date, Case.GENITIVE))
        if result.intent == Intent.DENY:
            self._promise_date = None
            return self._ask_date()
        return self._debt_turn(result, now)

    def _callback_time(self, result: NluResult, now: datetime) -> BotReply:
        if result.callback_at is not None:
            return self._callback(result.callback_at, now)
        if result.intent in (Intent.CALLBACK_LATER, Intent.AFFIRM, Intent.DENY):
            return self._end("callback_any_time")
        return self._debt_turn(result, now)

    def _callback(self, at: datetime, now: datetime) -> BotReply:
        self._callback_at = at
        return self._end("callback_taken", moment=moment_in_words(at, now))

    # --- Speaking -------------------------------------------------------------------------

    def _say(self, key: str, **values: str) -> str:
        self._sms_promised = self._sms_promised or key in PROMISE_SMS
        return self.phrases.say(key, **values)

    def _identity_question(self) -> str:
        return self._say("identity_question", full_name=self.context.full_name)

    def _amount(self) -> str:
        return money_in_words(self.context.debt)

    def _payment(self) -> str:
        payment = self.context.payment
        account = digits_in_words(self.context.account_number)
        if not payment.complete:
            return self._say("payment_receipt", creditor=self.context.creditor, account=account)
        return self._say("payment_details", creditor=self.context.creditor, bank=payment.bank,
                         bik=digits_in_words(payment.bik),
                         bank_account=digits_in_words(payment.bank_account), account=account)

    def _ask(self, text: str, question: str | None = None) -> BotReply:
        """Say ``text`` then ``question``; the question (or, without one, the whole text) is
        what a re-prompt repeats."""
        self._question = question or text
        return self._reply(f"{text} {question}" if question else text)

    def _reply(self, text: str, hang_up: bool = False) -> BotReply:
        # Names from the database (a bank's branch number, a «ТСЖ 12») may carry figures.
        text = speakable(text)
        self._transcript.append(TranscriptTurn(speaker="bot", text=text))
        self._shares.append(None)
        return BotReply(text=text, hang_up=hang_up)

    def _end(self, key: str, **values: str) -> BotReply:
        self.stage = Stage.ENDED
        return self._reply(self._say(key, **values), hang_up=True)


def _listing(items: tuple[str, ...]) -> str:
    """«отопление, горячая вода и вывоз мусора»."""
    words = [item[:1].lower() + item[1:] for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} и {words[-1]}"
