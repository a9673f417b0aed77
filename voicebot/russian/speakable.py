"""Figures in a text turned into words before synthesis: TTS voices read digits unreliably
(or in another language), and amounts, dates and times must be heard in correct Russian."""
from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

from voicebot.russian.dates import date_in_words, time_in_words
from voicebot.russian.money import money_in_words
from voicebot.russian.numerals import cardinal

# «1 234,05 ₽», «1234.05 руб.», «500 рублей»: the money forms ru_format and people write.
_MONEY = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[,.](\d{2}))?[ \u00a0]?(?:₽|руб(?:\.|лей|ля|ль)?)")
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_NUMBER = re.compile(r"\d+")


def _money(match: re.Match[str]) -> str:
    whole = re.sub(r"[ \u00a0]", "", match.group(1))
    return money_in_words(Decimal(f"{whole}.{match.group(2) or '00'}"))


def _date(match: re.Match[str]) -> str:
    try:
        value = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return match.group(0)
    return date_in_words(value, year=True)


def speakable(text: str) -> str:
    """Money, dates (ДД.ММ.ГГГГ), times (ЧЧ:ММ) and other integers in ``text`` as words."""
    text = _MONEY.sub(_money, text)
    text = _DATE.sub(_date, text)
    text = _TIME.sub(lambda m: time_in_words(time(int(m.group(1)), int(m.group(2)))), text)
    return _NUMBER.sub(lambda m: cardinal(int(m.group(0))), text)
