"""Checksums of Russian identifiers (СНИЛС, ИНН, ОГРН) named on court papers.

A wrong digit in an identifier makes a court return the application, so they are checked at
import rather than discovered by a clerk.
"""
from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D")

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def digits_of(raw: str) -> str:
    return _NON_DIGITS.sub("", raw)


def snils_check_digits(first_nine: str) -> str:
    total = sum(int(d) * (9 - i) for i, d in enumerate(first_nine))
    if total > 101:
        total %= 101
    return "00" if total in (100, 101) else f"{total:02d}"


def is_valid_snils(raw: str) -> bool:
    digits = digits_of(raw)
    if len(digits) != 11:
        return False
    # Numbers up to 001-001-998 were issued before checksums existed.
    if int(digits[:9]) <= 1001998:
        return True
    return snils_check_digits(digits[:9]) == digits[9:]


def format_snils(raw: str) -> str:
    d = digits_of(raw)
    return f"{d[0:3]}-{d[3:6]}-{d[6:9]} {d[9:11]}"


def _weighted_check(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10)


def inn_check_digits(body: str) -> str:
    """Check digits for a 9-digit (organisation) or 10-digit (person) ИНН body."""
    if len(body) == 9:
        return _weighted_check(body, _INN10_WEIGHTS)
    first = _weighted_check(body, _INN12_WEIGHTS_1)
    return first + _weighted_check(body + first, _INN12_WEIGHTS_2)


def is_valid_inn(raw: str) -> bool:
    digits = digits_of(raw)
    if len(digits) not in (10, 12) or digits != raw.strip():
        return False
    body = digits[:9] if len(digits) == 10 else digits[:10]
    return body + inn_check_digits(body) == digits


def ogrn_check_digit(body: str) -> str:
    """Check digit for a 12-digit ОГРН or 14-digit ОГРНИП body."""
    modulus = 11 if len(body) == 12 else 13
    return str(int(body) % modulus % 10)


def is_valid_ogrn(raw: str) -> bool:
    digits = raw.strip()
    if not digits.isdigit() or len(digits) not in (13, 15):
        return False
    return ogrn_check_digit(digits[:-1]) == digits[-1]
