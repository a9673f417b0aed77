"""Russian in words for the voice: numerals, money, dates and times, and text normalisation."""
from __future__ import annotations

from voicebot.russian.dates import (
    date_in_words,
    moment_in_words,
    period_in_words,
    time_in_words,
    year_in_words,
)
from voicebot.russian.money import KOPECKS, ROUBLES, count_in_words, money_in_words
from voicebot.russian.numerals import Case, Gender, cardinal, ordinal, plural
from voicebot.russian.speakable import speakable

__all__ = [
    "KOPECKS",
    "ROUBLES",
    "Case",
    "Gender",
    "cardinal",
    "count_in_words",
    "date_in_words",
    "moment_in_words",
    "money_in_words",
    "ordinal",
    "period_in_words",
    "plural",
    "speakable",
    "time_in_words",
    "year_in_words",
]
