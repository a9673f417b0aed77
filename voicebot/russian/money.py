"""Money in words for speech: Decimal('1234.05') → «одна тысяча двести тридцать четыре рубля
пять копеек»."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from voicebot.russian.numerals import Gender, cardinal, plural

ROUBLES = ("рубль", "рубля", "рублей")
KOPECKS = ("копейка", "копейки", "копеек")


def count_in_words(count: int, forms: tuple[str, str, str],
                   gender: Gender = Gender.MASCULINE) -> str:
    """A count with its noun agreeing: (21, ROUBLES) → «двадцать один рубль»."""
    return f"{cardinal(count, gender)} {plural(count, *forms)}"


def money_in_words(amount: Decimal) -> str:
    """Roubles and kopecks as said aloud; zero kopecks are not said, zero roubles are not said
    when there are kopecks (Decimal('0.50') → «пятьдесят копеек»)."""
    if amount < 0:
        raise ValueError(f"no words for a negative amount: {amount}")
    cents = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    roubles, kopecks = divmod(cents, 100)
    parts = []
    if roubles or not kopecks:
        parts.append(count_in_words(roubles, ROUBLES))
    if kopecks:
        parts.append(count_in_words(kopecks, KOPECKS, Gender.FEMININE))
    return " ".join(parts)
