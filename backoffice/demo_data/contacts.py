"""Phones and e-mail addresses written the many ways people and clerks write them."""
from __future__ import annotations

import random

from backoffice.demo_data.names import latin

# Mobile codes of the operators selling SIM cards in Рязань (МТС, Билайн, МегаФон, Т2).
_MOBILE_CODES = (
    "910", "915", "980", "905", "906", "909", "960", "961", "962", "920", "930", "953", "900",
    "951", "999", "977", "916",
)
RYAZAN_AREA_CODE = "4912"


# Clerks type phones from paper forms: every layout below occurs in real billing exports.
_MOBILE_LAYOUTS = (
    "8 ({code}) {a}-{b}-{c}",
    "+7 {code} {a}{b}{c}",
    "8{code}{a}{b}{c}",
    "+7{code}{a}{b}{c}",
    "8-{code}-{a}-{b}-{c}",
    "+7 ({code}) {a}-{b}-{c}",
    "{code}{a}{b}{c}",
)
_LANDLINE_LAYOUTS = (
    "8 ({code}) {a}-{b}-{c}",
    "({code}) {a}-{b}-{c}",
    "+7 {code} {a}{b}{c}",
    "8{code}{a}{b}{c}",
)


def mobile_phone(rng: random.Random) -> str:
    number = f"{rng.randrange(10**7):07d}"
    return rng.choice(_MOBILE_LAYOUTS).format(
        code=rng.choice(_MOBILE_CODES), a=number[:3], b=number[3:5], c=number[5:]
    )


def home_phone(rng: random.Random) -> str:
    """A Рязань landline: six digits after the area code, starting 2, 4, 5 or 9."""
    number = rng.choice("2459") + f"{rng.randrange(10**5):05d}"
    return rng.choice(_LANDLINE_LAYOUTS).format(
        code=RYAZAN_AREA_CODE, a=number[:2], b=number[2:4], c=number[4:]
    )


_MAIL_DOMAINS = ("mail.ru", "mail.ru", "yandex.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru",
                 "list.ru", "rambler.ru")


_EMAIL_LAYOUTS = (
    "{last}.{first}",
    "{first}.{last}{yy}",
    "{initial}{last}{n}",
    "{last}{year}",
    "{first}_{last}",
    "{first}{yy}{n}",
)


def email(rng: random.Random, last_name: str, first_name: str, birth_year: int) -> str:
    last, first = latin(last_name), latin(first_name)
    local = rng.choice(_EMAIL_LAYOUTS).format(
        last=last, first=first, initial=first[0], year=birth_year, yy=f"{birth_year % 100:02d}",
        n=rng.randrange(1, 100),
    )
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"
