"""A scripted IntentParser: the NLU's boundary double for the dialogue's unit tests.

Each sample utterance maps to what the NLU would return for it; the real Rasa service is used
by the end-to-end tests instead.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from campaigns.outcomes.report import Intent
from voicebot.dialogue import DebtItem, DebtorContext, PaymentDetails
from voicebot.nlu.result import NluResult

ZONE = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=ZONE)  # a Tuesday
FRIDAY = date(2026, 12, 4)
EVENING = datetime(2026, 12, 1, 19, 0, tzinfo=ZONE)
AMOUNT_WORDS = "одна тысяча двести тридцать четыре рубля пять копеек"

CONTEXT = DebtorContext(
    account_number="1001",
    full_name="Иванов Иван Петрович",
    address_name="Иван Петрович",
    creditor="ООО «УК Тест»",
    payment=PaymentDetails("ПАО Сбербанк", "044525225", "40702810900000000001"),
    debt=Decimal("1234.05"),
    items=(DebtItem(date(2025, 11, 1), "Отопление", Decimal("1000.00")),
           DebtItem(date(2026, 1, 1), "Горячая вода", Decimal("234.05"))),
)


def _results(*results: NluResult) -> dict[str, NluResult]:
    return {result.text: result for result in results}


SAMPLES = _results(
    NluResult("да это я", Intent.AFFIRM, 0.95),
    NluResult("нет", Intent.DENY, 0.93),
    NluResult("вы ошиблись номером", Intent.WRONG_PERSON, 0.9),
    NluResult("я уже заплатил", Intent.ALREADY_PAID, 0.9),
    NluResult("заплачу", Intent.PROMISE_TO_PAY, 0.9),
    NluResult("заплачу в пятницу", Intent.PROMISE_TO_PAY, 0.92, promise_date=FRIDAY),
    NluResult("заплачу в марте", Intent.PROMISE_TO_PAY, 0.9, promise_date=date(2027, 3, 1)),
    NluResult("заплачу первого ноября", Intent.PROMISE_TO_PAY, 0.9, promise_date=date(2026, 11, 1)),
    NluResult("сколько я должен", Intent.ASK_AMOUNT, 0.9),
    NluResult("как оплатить", Intent.ASK_HOW_TO_PAY, 0.9),
    NluResult("за что долг", Intent.ASK_DEBT_DETAILS, 0.9),
    NluResult("я не согласен с начислениями", Intent.DISPUTE, 0.9),
    NluResult("перезвоните позже", Intent.CALLBACK_LATER, 0.9),
    NluResult("сейчас позову", Intent.CALLBACK_LATER, 0.92),
    NluResult("перезвоните вечером", Intent.CALLBACK_LATER, 0.9, callback_at=EVENING),
    NluResult("не буду платить", Intent.REFUSE_TO_PAY, 0.9),
    NluResult("можно в рассрочку", Intent.REQUEST_INSTALLMENT, 0.9),
    NluResult("денег нет совсем", Intent.HARDSHIP, 0.9),
    NluResult("соедините с оператором", Intent.REQUEST_OPERATOR, 0.9),
    NluResult("а кто звонит", Intent.ASK_WHO_CALLING, 0.9),
    NluResult("не звоните мне больше", Intent.STOP_CALLS, 0.9),
    NluResult("ээ ну это", Intent.NLU_FALLBACK, 0.3),
    NluResult("пятнадцатого", Intent.NLU_FALLBACK, 0.4, promise_date=date(2026, 12, 15)),
    NluResult("в семь вечера", Intent.NLU_FALLBACK, 0.4, callback_at=EVENING),
    # Said while the NLU service is down: never classified.
    NluResult("алло вы меня слышите", Intent.NLU_FALLBACK, 0.0, unavailable=True),
)


class ScriptedParser:
    def __init__(self, samples: dict[str, NluResult] = SAMPLES) -> None:
        self.samples = samples
        self.heard: list[tuple[str, datetime]] = []

    async def parse(self, text: str, now: datetime) -> NluResult:
        self.heard.append((text, now))
        return self.samples[text]
