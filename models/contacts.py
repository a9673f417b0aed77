"""Normalising contact details so that every channel sees one canonical form."""
from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_phone(raw: str) -> str | None:
    """A Russian phone number as E.164 (+7XXXXXXXXXX), or None if it cannot be one.

    Accepts what people and billing systems write: "8 (910) 123-45-67", "+7 910 123 45 67",
    "9101234567". Russian numbers are ten digits after the country code and start with 3, 4, 8
    or 9 (geographic, toll-free and mobile ranges of the Russian numbering plan).
    """
    digits = _NON_DIGITS.sub("", raw)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "3489":
        return None
    return "+7" + digits


def is_valid_email(raw: str) -> bool:
    return bool(_EMAIL.match(raw))
