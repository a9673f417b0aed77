"""Random СНИЛС and ИНН of people, with check digits the importer accepts.

The numbers are fictional: only the arithmetic of each format is honoured. Check digits come
from models.identifiers, the same code that verifies them on import.
"""
from __future__ import annotations

import random

from models.identifiers import inn_check_digits, snils_check_digits

# Tax offices of Рязанская область (region 62).
RYAZAN_TAX_OFFICES = ("6227", "6228", "6229", "6230", "6234")


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10**count)).zfill(count)


def _has_triple(digits: str) -> bool:
    return any(digits[i] == digits[i + 1] == digits[i + 2] for i in range(len(digits) - 2))


def random_snils(rng: random.Random) -> str:
    """A СНИЛС written as people write it: ``123-456-789 01``."""
    while True:
        nine = _digits(rng, 9)
        # Numbers up to 001-001-998 predate the checksum, and the fund never issues a number
        # with a digit repeated three times in a row.
        if nine > "001001998" and not _has_triple(nine):
            break
    return f"{nine[:3]}-{nine[3:6]}-{nine[6:]} {snils_check_digits(nine)}"


def random_person_inn(rng: random.Random) -> str:
    """A 12-digit ИНН of a person registered in Рязанская область."""
    body = rng.choice(RYAZAN_TAX_OFFICES) + _digits(rng, 6)
    return body + inn_check_digits(body)
