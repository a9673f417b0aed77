"""One person's identity and contacts, as a row of the persons file."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from backoffice.demo_data import contacts, identifiers
from backoffice.demo_data.addresses import birth_place, residence_elsewhere

ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Draft:
    """Who a person is in the family; the identity is filled in by ``person_row``."""

    last_name: str
    first_name: str
    middle_name: str
    birth: date
    lives_here: bool = True


def adult_birth(rng: random.Random, as_of: date, min_age: int, max_age: int) -> date:
    """A birth date giving an age in [min_age, max_age] on ``as_of`` (min_age is at least 18)."""
    latest = as_of.toordinal() - (max(min_age, ADULT_AGE) * 366)
    return date.fromordinal(latest - rng.randrange((max_age - min_age + 1) * 365))


def child_birth(rng: random.Random, as_of: date, parent_birth: date, grown_up: bool) -> date:
    """A child's birth date: a minor on ``as_of`` (or 18 to 24 if ``grown_up``), born when the
    younger parent was 20 to 40; where both cannot hold, the parent's age wins."""
    parent = parent_birth.toordinal()
    today = as_of.toordinal()
    if grown_up:
        earliest, latest = today - 25 * 365, today - ADULT_AGE * 366
    else:
        earliest, latest = today - ADULT_AGE * 365 + 30, today - 30
    earliest = max(earliest, parent + 20 * 365)
    latest = min(latest, parent + 40 * 365)
    return date.fromordinal(latest - rng.randrange(max(latest - earliest, 0) + 1))


def age(birth: date, as_of: date) -> int:
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def is_minor(birth: date, as_of: date) -> bool:
    return age(birth, as_of) < ADULT_AGE


def _russian_date(value: date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def _passport(rng: random.Random, birth: date, as_of: date) -> str:
    # Series: region 61 (Рязанская область by ОКАТО) and the last two digits of the issue year;
    # passports are issued or replaced at 14, 20 and 45.
    issued = birth.year + max(age for age in (14, 20, 45) if birth.year + age <= as_of.year)
    issued = max(issued, 1997)  # the current passport form dates from 1997
    return f"61{issued % 100:02d} {rng.randrange(10**6):06d}"


PersonRow = tuple[str, str, str, str, str, str, str, str, str, str, str, str]


def person_row(
    rng: random.Random, code: str, draft: Draft, as_of: date, home_phone: str
) -> PersonRow:
    """The persons-file row: code, names, birth, identifiers, address, phones, e-mails.

    ``home_phone`` is the household's landline (may be empty): relatives living together give
    the same number, so one number may belong to several persons.
    """
    minor = is_minor(draft.birth, as_of)
    known_birth = minor or rng.random() < 0.95
    phones: list[str] = []
    emails: list[str] = []
    if not minor:
        roll = rng.random()
        if roll >= 0.15:
            phones.append(contacts.mobile_phone(rng))
        if roll >= 0.83:
            shares_home = draft.lives_here and home_phone
            phones.append(home_phone if shares_home else contacts.mobile_phone(rng))
        age = as_of.year - draft.birth.year
        if rng.random() < (0.35 if age < 60 else 0.08):
            emails.append(contacts.email(rng, draft.last_name, draft.first_name, draft.birth.year))
    return (
        code,
        draft.last_name,
        draft.first_name,
        draft.middle_name,
        _russian_date(draft.birth) if known_birth else "",
        birth_place(rng) if rng.random() < (0.9 if minor else 0.85) else "",
        identifiers.random_snils(rng) if rng.random() < (0.75 if minor else 0.88) else "",
        identifiers.random_person_inn(rng) if rng.random() < (0.1 if minor else 0.3) else "",
        _passport(rng, draft.birth, as_of) if not minor and rng.random() < 0.4 else "",
        "" if draft.lives_here else residence_elsewhere(rng),
        ", ".join(phones),
        ", ".join(emails),
    )
