"""Who owns a flat and who else is liable: owners, shares, minors and their parents.

A household template fixes how many new persons an account brings (so person codes can be
numbered before the accounts are generated in parallel); the people themselves are drawn here.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from backoffice.demo_data import contacts
from backoffice.demo_data.names import (
    MaleName,
    father_name,
    female_name,
    feminine_surname,
    male_name,
    surname,
)
from backoffice.demo_data.people import (
    Draft,
    PersonRow,
    adult_birth,
    age,
    child_birth,
    is_minor,
    person_row,
)

# Ownership kinds and flags in the words of a 1C export (the importer reads Russian or English).
SHARED = "Долевая"
JOINT = "Совместная"
FAMILY = "Член семьи"
YES, NO = "Да", "Нет"


class Template(IntEnum):
    SINGLE = 0  # one owner, share 1
    OWNER_AND_SPOUSE = 1  # owner, spouse as an adult family member
    OWNER_SPOUSE_AND_CHILD = 2  # owner, spouse and a grown-up child as family members
    JOINT = 3  # spouses in joint ownership
    JOINT_AND_PARENT = 4  # spouses jointly own 1/2, a parent owns 1/2
    HALVES = 5  # two owners of 1/2: spouses, or siblings who inherited the flat
    THIRDS_WITH_MINOR = 6  # parents and a minor child, 1/3 each
    QUARTERS_WITH_CHILDREN = 7  # parents and two children, 1/4 each
    TWO_THIRDS = 8  # a parent 2/3, a grown-up child 1/3
    MOTHER_AND_CHILD = 9  # mother 1/2, minor 1/2; the father is a representative only
    PART_OWNER = 10  # 1/2 owned, the other half unknown to the billing system
    SECOND_FLAT = 11  # owned by the owner of another account


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    weight: float
    new_persons: int
    area: tuple[int, int]  # m²


TEMPLATES: dict[Template, TemplateInfo] = {
    Template.SINGLE: TemplateInfo(0.50, 1, (28, 52)),
    Template.OWNER_AND_SPOUSE: TemplateInfo(0.07, 2, (34, 64)),
    Template.OWNER_SPOUSE_AND_CHILD: TemplateInfo(0.03, 3, (44, 78)),
    Template.JOINT: TemplateInfo(0.12, 2, (34, 68)),
    Template.JOINT_AND_PARENT: TemplateInfo(0.01, 3, (48, 82)),
    Template.HALVES: TemplateInfo(0.08, 2, (32, 64)),
    Template.THIRDS_WITH_MINOR: TemplateInfo(0.06, 3, (44, 78)),
    Template.QUARTERS_WITH_CHILDREN: TemplateInfo(0.03, 4, (56, 95)),
    Template.TWO_THIRDS: TemplateInfo(0.04, 2, (38, 70)),
    Template.MOTHER_AND_CHILD: TemplateInfo(0.03, 3, (32, 62)),
    Template.PART_OWNER: TemplateInfo(0.02, 1, (30, 60)),
    Template.SECOND_FLAT: TemplateInfo(0.01, 0, (28, 48)),
}


@dataclass(frozen=True, slots=True)
class Member:
    draft: Draft
    kind: str | None  # None: a representative of a minor, not liable for this account
    share: str = ""
    representatives: tuple[int, ...] = ()  # indices of the minor's parents in the household


OwnershipRow = tuple[str, str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class Household:
    persons: list[PersonRow]
    ownership: list[OwnershipRow]
    residents: int  # people registered in the flat: metered water is billed by them


def _man(
    rng: random.Random, birth: date, family: str, father: MaleName | None = None,
    lives_here: bool = True,
) -> tuple[Draft, MaleName]:
    name = male_name(rng, birth.year)
    father = father or father_name(rng, birth.year)
    return Draft(family, name[0], father[1], birth, lives_here), name


def _woman(
    rng: random.Random, birth: date, family: str, father: MaleName | None = None,
    lives_here: bool = True,
) -> Draft:
    father = father or father_name(rng, birth.year)
    first = female_name(rng, birth.year)
    return Draft(feminine_surname(family), first, father[2], birth, lives_here)


def _person(
    rng: random.Random, birth: date, family: str, father: MaleName | None = None,
    lives_here: bool = True,
) -> Draft:
    if rng.random() < 0.5:
        return _man(rng, birth, family, father, lives_here)[0]
    return _woman(rng, birth, family, father, lives_here)


def _couple(
    rng: random.Random, as_of: date, min_age: int, max_age: int
) -> tuple[Draft, MaleName, Draft]:
    """Husband and wife; most wives took the husband's surname."""
    family = surname(rng)
    husband, name = _man(rng, adult_birth(rng, as_of, min_age, max_age), family)
    years = age(husband.birth, as_of)
    wife_birth = adult_birth(rng, as_of, max(18, years - 6), max(18, years + 3))
    wife = _woman(rng, wife_birth, family if rng.random() < 0.88 else surname(rng))
    return husband, name, wife


def _children(
    rng: random.Random, as_of: date, husband: Draft, father: MaleName, wife: Draft, count: int,
    grown_up: bool = False,
) -> list[Draft]:
    """Children of a couple, the eldest grown up if asked; they carry the husband's surname."""
    younger = max(husband.birth, wife.birth)
    return [
        _person(rng, child_birth(rng, as_of, younger, grown_up and position == 0),
                husband.last_name, father)
        for position in range(count)
    ]


def _single(rng: random.Random, as_of: date, share: str) -> list[Member]:
    draft = _person(rng, adult_birth(rng, as_of, 22, 90), surname(rng),
                    lives_here=rng.random() < 0.9)
    return [Member(draft, SHARED, share)]


def _owner_and_family(rng: random.Random, as_of: date, with_child: bool) -> list[Member]:
    husband, name, wife = _couple(rng, as_of, 42 if with_child else 28, 75 if with_child else 85)
    owner, spouse = (husband, wife) if rng.random() < 0.5 else (wife, husband)
    members = [Member(owner, SHARED, "1"), Member(spouse, FAMILY)]
    if with_child:
        (child,) = _children(rng, as_of, husband, name, wife, 1, grown_up=True)
        members.append(Member(child, FAMILY))
    return members


def _joint(rng: random.Random, as_of: date) -> list[Member]:
    husband, _, wife = _couple(rng, as_of, 24, 85)
    return [Member(husband, JOINT, "1"), Member(wife, JOINT, "1")]


def _joint_and_parent(rng: random.Random, as_of: date) -> list[Member]:
    husband, _, wife = _couple(rng, as_of, 25, 50)
    mother = _woman(rng, adult_birth(rng, as_of, age(wife.birth, as_of) + 20, 88),
                    surname(rng), lives_here=rng.random() < 0.5)
    return [Member(husband, JOINT, "1/2"), Member(wife, JOINT, "1/2"),
            Member(mother, SHARED, "1/2")]


def _halves(rng: random.Random, as_of: date) -> list[Member]:
    if rng.random() < 0.5:
        husband, _, wife = _couple(rng, as_of, 24, 85)
        return [Member(husband, SHARED, "1/2"), Member(wife, SHARED, "1/2")]
    # Siblings who inherited the flat often both live elsewhere.
    family, father = surname(rng), male_name(rng, as_of.year - 75)
    return [
        Member(_person(rng, adult_birth(rng, as_of, 25, 65), family, father,
                       lives_here=rng.random() < 0.4), SHARED, "1/2")
        for _ in range(2)
    ]


def _parents_and_children(rng: random.Random, as_of: date, children: int) -> list[Member]:
    husband, name, wife = _couple(rng, as_of, 27 if children == 1 else 36, 50)
    kids = _children(rng, as_of, husband, name, wife, children,
                     grown_up=children > 1 and rng.random() < 0.3)
    share = f"1/{children + 2}"
    return [Member(husband, SHARED, share), Member(wife, SHARED, share)] + [
        Member(kid, SHARED, share, (0, 1) if is_minor(kid.birth, as_of) else ()) for kid in kids
    ]


def _two_thirds(rng: random.Random, as_of: date) -> list[Member]:
    parent_birth = adult_birth(rng, as_of, 45, 85)
    family = surname(rng)
    if rng.random() < 0.4:
        parent, father = _man(rng, parent_birth, family)
    else:
        parent, father = _woman(rng, parent_birth, family), father_name(rng, parent_birth.year + 25)
    child_birth = adult_birth(rng, as_of, 18, max(18, age(parent_birth, as_of) - 20))
    child = _person(rng, child_birth, family, father, lives_here=rng.random() < 0.5)
    return [Member(parent, SHARED, "2/3"), Member(child, SHARED, "1/3")]


def _mother_and_child(rng: random.Random, as_of: date) -> list[Member]:
    husband, name, wife = _couple(rng, as_of, 25, 48)
    # Divorced parents: the father still represents the child; he may live elsewhere.
    father_here = rng.random() < 0.5
    father = Draft(husband.last_name, husband.first_name, husband.middle_name, husband.birth,
                   father_here)
    (child,) = _children(rng, as_of, husband, name, wife, 1)
    return [
        Member(wife, SHARED, "1/2"),
        Member(child, SHARED, "1/2", (0, 2)),
        Member(father, FAMILY if father_here else None),
    ]


_BUILDERS: dict[Template, Callable[[random.Random, date], list[Member]]] = {
    Template.SINGLE: lambda rng, as_of: _single(rng, as_of, "1"),
    Template.OWNER_AND_SPOUSE: lambda rng, as_of: _owner_and_family(rng, as_of, False),
    Template.OWNER_SPOUSE_AND_CHILD: lambda rng, as_of: _owner_and_family(rng, as_of, True),
    Template.JOINT: _joint,
    Template.JOINT_AND_PARENT: _joint_and_parent,
    Template.HALVES: _halves,
    Template.THIRDS_WITH_MINOR: lambda rng, as_of: _parents_and_children(rng, as_of, 1),
    Template.QUARTERS_WITH_CHILDREN: lambda rng, as_of: _parents_and_children(rng, as_of, 2),
    Template.TWO_THIRDS: _two_thirds,
    Template.MOTHER_AND_CHILD: _mother_and_child,
    Template.PART_OWNER: lambda rng, as_of: _single(rng, as_of, "1/2"),
}


def person_code(number: int) -> str:
    """1C-style person code; Cyrillic on purpose, so the CP1251 files carry it in their keys."""
    return f"ФЛ-{number:07d}"


def household(
    rng: random.Random,
    template: Template,
    account_number: str,
    first_person: int,
    as_of: date,
    owner_elsewhere: str = "",
) -> Household:
    """Persons and ownership of one account; ``owner_elsewhere`` is the code of an owner who
    was already generated with another account (``Template.SECOND_FLAT``)."""
    if template is Template.SECOND_FLAT:
        row = (account_number, owner_elsewhere, SHARED, "1", NO, "")
        return Household(persons=[], ownership=[row], residents=1 + (rng.random() < 0.5))
    members = _BUILDERS[template](rng, as_of)
    codes = [person_code(first_person + i) for i in range(len(members))]
    landline = contacts.home_phone(rng) if rng.random() < 0.25 else ""
    persons = [person_row(rng, code, m.draft, as_of, landline) for code, m in zip(codes, members)]
    ownership = [
        (
            account_number,
            code,
            member.kind,
            "" if member.kind == FAMILY else member.share,
            YES if member.representatives else NO,
            ", ".join(codes[i] for i in member.representatives),
        )
        for code, member in zip(codes, members)
        if member.kind is not None
    ]
    residents = sum(1 for m in members if m.draft.lives_here and m.kind is not None)
    return Household(persons=persons, ownership=ownership, residents=max(residents, 1))
