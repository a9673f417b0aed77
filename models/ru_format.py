"""Russian formatting of money, dates and periods, shared by pages, messages and documents."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

MONTHS_NOMINATIVE = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                     "сентябрь", "октябрь", "ноябрь", "декабрь")
MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")

_NBSP = "\u00a0"


def money(amount: Decimal | None, *, currency: bool = True) -> str:
    """1234567.8 → «1 234 567,80 ₽» with non-breaking spaces, as Russian documents write it."""
    if amount is None:
        return "—"
    sign = "−" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{_NBSP.join(groups)},{fraction}"
    return f"{text}{_NBSP}₽" if currency else text


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def period(value: date) -> str:
    return f"{MONTHS_NOMINATIVE[value.month - 1]} {value.year}"
