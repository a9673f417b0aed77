"""The shape of the utility, decided up front from the seed: buildings and what each account is.

Everything that numbers things across accounts (account numbers, person codes, the owner of a
second flat) is fixed here, so the accounts themselves can be generated in any order, in
parallel, each from its own random stream.
"""
from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from backoffice.demo_data.addresses import STREETS, house_numbers
from backoffice.demo_data.behaviour import BEHAVIOUR_WEIGHTS, Behaviour
from backoffice.demo_data.households import TEMPLATES, Template, person_code
from backoffice.demo_data.periods import Timeline
from backoffice.demo_data.tariffs import BuildingRates, Service, building_rates
from models.enums import DebtorKind


@dataclass(frozen=True, slots=True)
class Creditor:
    inn: str
    name: str
    short_name: str
    ogrn: str
    kpp: str
    address: str
    bank_name: str
    bik: str
    bank_account: str
    corr_account: str
    phone: str
    email: str


# Fixed for every seed: re-importing demo data made with another seed updates the same
# creditor instead of adding a second one (buildings may leave the creditor's ИНН empty only
# while a single creditor exists). The numbers are fictional, with valid check digits.
CREDITOR = Creditor(
    inn="6234226780",
    name='Общество с ограниченной ответственностью "Управляющая компания "Рязанский дом"',
    short_name='ООО "УК "Рязанский дом"',
    ogrn="1096221312098",
    kpp="623401001",
    address="390023, Рязанская область, г. Рязань, ул. Есенина, д. 29, пом. Н4",
    bank_name="Рязанское отделение № 8606 ПАО Сбербанк",
    bik="046126614",
    bank_account="40702810063962598124",
    corr_account="30101810500000000614",
    phone="+7 (4912) 55-20-14",
    email="abonent@uk-ryazdom.ru",
)

ACCOUNTS_PER_BUILDING = 150
MIN_BUILDINGS = 3
OVERRIDDEN_DUE_DAY = 20  # an old management contract with its own payment day


@dataclass(frozen=True, slots=True)
class Building:
    code: int
    street: str
    house: str
    postal_code: str
    due_day: int | None
    creditor_inn: str
    rates: BuildingRates


# Individuals; budget organisations (a library, a clinic); shops and offices: 97, 1 and 2 %.
_KINDS = (DebtorKind.INDIVIDUAL, DebtorKind.BUDGET, DebtorKind.BUSINESS)
_KIND_EDGES = (0.97, 0.98)


@dataclass(frozen=True, slots=True)
class AccountPlan:
    index: int
    number: str
    building: int  # index into the building list
    premises: str
    debtor_kind: DebtorKind
    behaviour: Behaviour
    template: Template | None  # None for organisations: they have no persons
    first_person: int
    owner_elsewhere: str


@dataclass(frozen=True, slots=True)
class Plan:
    buildings: list[Building]
    accounts: list[AccountPlan]


def _buildings(
    rng: random.Random, accounts: int, timeline: Timeline, services: tuple[Service, ...]
) -> list[Building]:
    count = max(MIN_BUILDINGS, round(accounts / ACCOUNTS_PER_BUILDING))
    streets = list(STREETS)
    rng.shuffle(streets)
    per_street: dict[int, int] = {}
    for b in range(count):
        per_street[b % len(streets)] = per_street.get(b % len(streets), 0) + 1
    houses = {s: house_numbers(rng, n) for s, n in per_street.items()}
    buildings = []
    for b in range(count):
        street, postal_code = streets[b % len(streets)]
        buildings.append(
            Building(
                code=1001 + b,
                street=street,
                house=houses[b % len(streets)][b // len(streets)],
                postal_code=postal_code,
                due_day=OVERRIDDEN_DUE_DAY if b == 1 else None,
                # One building leaves the creditor out, as exports from a single-utility
                # billing system often do.
                creditor_inn="" if b == count - 1 else CREDITOR.inn,
                rates=building_rates(rng, timeline, services),
            )
        )
    return buildings


def _building_sizes(rng: random.Random, accounts: int, buildings: int) -> list[int]:
    weights = list(accumulate(rng.uniform(0.4, 1.6) for _ in range(buildings)))
    bounds = [round(accounts * w / weights[-1]) for w in weights]
    return [hi - lo for lo, hi in zip([0] + bounds[:-1], bounds)]


# Cumulative weights, drawn from with bisect: rng.choices costs more than the rest of the plan.
_TEMPLATE_LIST = tuple(TEMPLATES)
_TEMPLATE_CUMULATIVE = tuple(accumulate(info.weight for info in TEMPLATES.values()))
_BEHAVIOURS = {
    kind: (tuple(weights), tuple(accumulate(weights.values())))
    for kind, weights in BEHAVIOUR_WEIGHTS.items()
}


def make_plan(
    seed: int, accounts: int, timeline: Timeline, services: tuple[Service, ...]
) -> Plan:
    rng = random.Random(seed)
    buildings = _buildings(rng, accounts, timeline, services)
    plans: list[AccountPlan] = []
    next_person = 1
    single_owners: list[str] = []  # codes of owners who may also own a second flat
    for b, size in enumerate(_building_sizes(rng, accounts, len(buildings))):
        flats = shops = 0
        for position in range(1, size + 1):
            kind = _KINDS[bisect(_KIND_EDGES, rng.random())]
            behaviours, cumulative = _BEHAVIOURS[kind]
            behaviour = behaviours[bisect(cumulative, rng.random() * cumulative[-1])]
            template: Template | None = None
            owner_elsewhere = ""
            if kind is DebtorKind.INDIVIDUAL:
                flats += 1
                premises = str(flats)
                template = _TEMPLATE_LIST[
                    bisect(_TEMPLATE_CUMULATIVE, rng.random() * _TEMPLATE_CUMULATIVE[-1])]
                if template is Template.SECOND_FLAT and not single_owners:
                    template = Template.SINGLE
                if template is Template.SECOND_FLAT:
                    owner_elsewhere = rng.choice(single_owners)
                elif template is Template.SINGLE:
                    single_owners.append(person_code(next_person))
            else:
                shops += 1
                premises = f"Н{shops}"
            plans.append(
                AccountPlan(
                    index=len(plans),
                    number=f"62{b + 1:04d}{position:04d}",
                    building=b,
                    premises=premises,
                    debtor_kind=kind,
                    behaviour=behaviour,
                    template=template,
                    first_person=next_person,
                    owner_elsewhere=owner_elsewhere,
                )
            )
            if template is not None:
                next_person += TEMPLATES[template].new_persons
    return Plan(buildings=buildings, accounts=plans)
