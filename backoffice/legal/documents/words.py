"""Amounts as court papers write them: figures, and words for the roubles («5 270,38 руб.
(пять тысяч двести семьдесят рублей 38 копеек)»).

The words come from ``voicebot.russian`` (shared with the voice robot); papers keep the kopecks
in figures, as Russian payment documents do.
"""
from __future__ import annotations

from decimal import Decimal

from models.ledger import kopecks
from models.ru_format import money
from voicebot.russian import KOPECKS, ROUBLES, count_in_words, plural


def roubles_in_words(amount: Decimal) -> str:
    """1234.05 → «одна тысяча двести тридцать четыре рубля 05 копеек»."""
    if amount < 0:
        raise ValueError(f"no words for a negative amount: {amount}")
    cents = int(kopecks(amount) * 100)
    roubles, kop = divmod(cents, 100)
    return f"{count_in_words(roubles, ROUBLES)} {kop:02d} {plural(kop, *KOPECKS)}"


def amount_text(amount: Decimal) -> str:
    """«5 270,38 руб. (пять тысяч двести семьдесят рублей 38 копеек)»."""
    return f"{money(amount, currency=False)} руб. ({roubles_in_words(amount)})"


def whole_roubles(amount: Decimal) -> str:
    """A state fee, in whole roubles by law: 2000 → «2 000»."""
    return money(amount, currency=False).split(",")[0]


def whole_roubles_text(amount: Decimal) -> str:
    """«2 000 руб. (две тысячи рублей)»."""
    if amount != amount.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of roubles")
    return f"{whole_roubles(amount)} руб. ({count_in_words(int(amount), ROUBLES)})"
