"""Rows of every CSV file for a run of accounts; the hot path of the generator.

Each account draws from its own random stream (seed and account index), so the output does not
depend on how the accounts are split between processes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import chain

from backoffice.demo_data.behaviour import BANK, CASH, ONLINE, payments
from backoffice.demo_data.households import TEMPLATES, household
from backoffice.demo_data.periods import Timeline
from backoffice.demo_data.plan import AccountPlan, Building
from backoffice.demo_data.tariffs import Service
from backoffice.demo_data.writer import ACCOUNTS, CHARGES, OWNERSHIP, PAYMENTS, PERSONS
from models.enums import DebtorKind

# The Russian words a 1C export uses for the kinds (the importer reads both languages).
_DEBTOR_KINDS = {DebtorKind.INDIVIDUAL: "физлицо", DebtorKind.BUDGET: "бюджет",
                 DebtorKind.BUSINESS: "юрлицо"}
_ORGANISATION_AREA = {DebtorKind.BUDGET: (60, 400), DebtorKind.BUSINESS: (40, 250)}
# Document kinds the ids come from: платёжное поручение, приходный кассовый ордер, эквайринг.
_PAYMENT_PREFIX = {BANK: "ПП", CASH: "ПКО", ONLINE: "ЭП"}
_PAYMENT_TAILS = {
    confirmed: {
        source: f";{source};{'да' if confirmed else 'нет'}{PAYMENTS.line_end}"
        for source in (BANK, CASH, ONLINE)
    }
    for confirmed in (True, False)
}
_STREAM_STRIDE = 1_000_003


@dataclass(frozen=True, slots=True)
class Context:
    """What every worker needs besides its accounts; sent to each process once."""

    seed: int
    timeline: Timeline
    buildings: list[Building]
    services: tuple[Service, ...]


@dataclass(frozen=True, slots=True)
class Rendered:
    data: tuple[bytes, ...]  # encoded rows, in the order of writer.CSV_FILES
    rows: tuple[int, ...]


# ",05\n" for 5 kopecks: two table lookups instead of a format spec in the innermost loop.
_CENTS = tuple(f",{c:02d}" for c in range(100))
_CENTS_EOL = tuple(f"{cents}{CHARGES.line_end}" for cents in _CENTS)


def render(context: Context, plans: list[AccountPlan]) -> Rendered:
    """Encoded rows of the five CSV files for ``plans``.

    Charges and payments are built as text lines, not through csv.writer: every field there
    comes from a fixed alphabet (digits, dates, service names) that never needs quoting, and
    the lines are 2–3 times cheaper, which matters at a hundred million fields.
    """
    timeline = context.timeline
    labels, days, as_of = timeline.labels, timeline.days, timeline.as_of
    months = range(timeline.count)
    services = context.services
    # ";05.2023;Отопление;" per service and period: the part of a charge line all accounts share.
    middles = [[f";{label};{service.name};" for label in labels] for service in services]
    named_periods = (*labels, "")  # index -1, a payment naming no period, gives ""
    accounts: list[tuple[str, ...]] = []
    persons: list[tuple[str, ...]] = []
    ownership: list[tuple[str, ...]] = []
    charges: list[str] = []
    charge_rows = 0
    paid: list[str] = []
    for plan in plans:
        rng = random.Random(context.seed * _STREAM_STRIDE + plan.index)
        building = context.buildings[plan.building]
        number = plan.number
        if plan.template is not None:
            low, high = TEMPLATES[plan.template].area
            area10 = rng.randrange(low * 10, high * 10 + 1)
            home = household(rng, plan.template, number, plan.first_person, as_of,
                             plan.owner_elsewhere)
            persons.extend(home.persons)
            ownership.extend(home.ownership)
            consumers = float(home.residents)
        else:
            low, high = _ORGANISATION_AREA[plan.debtor_kind]
            area10 = rng.randrange(low * 10, high * 10 + 1)
            consumers = area10 / 250  # metered water of an office: about a person per 25 m²
        accounts.append((number, str(building.code), plan.premises,
                         f"{area10 // 10},{area10 % 10}", _DEBTOR_KINDS[plan.debtor_kind]))

        # Metered water: the household's habit times the month's meter reading.
        water = consumers * rng.uniform(0.6, 1.4)
        random_ = rng.random
        used = [water * (0.85 + 0.3 * random_()) for _ in months]
        amounts = [
            [int(area10 * rate + 0.5) for rate in rates] if service.per_area
            else [int(u * rate + 0.5) for u, rate in zip(used, rates)]
            for service, rates in zip(services, building.rates.per_period)
        ]
        # A zero amount is a month without the service (no heating in summer): no line.
        lines = [
            [f"{number}{middle}{k // 100}{_CENTS_EOL[k % 100]}" if k else ""
             for middle, k in zip(service_middles, service_amounts)]
            for service_middles, service_amounts in zip(middles, amounts)
        ]
        charges.append("".join(chain.from_iterable(zip(*lines))))  # by period, then service
        charge_rows += sum(len(a) - a.count(0) for a in amounts)
        bills = [sum(month) for month in zip(*amounts)]

        paid_bills = payments(rng, plan.behaviour, bills, timeline, plan.template is None)
        document = f"-{plan.index + 1:07d}-"
        account = f";{number};"
        for n, (month, day, amount, period, source, confirmed) in enumerate(paid_bills, 1):
            paid.append(
                f"{_PAYMENT_PREFIX[source]}{document}{n:03d}{account}{days[month][day]};"
                f"{amount // 100}{_CENTS[amount % 100]};{named_periods[period]}"
                f"{_PAYMENT_TAILS[confirmed][source]}"
            )
    return Rendered(
        data=(
            ACCOUNTS.encode(accounts),
            PERSONS.encode(persons),
            OWNERSHIP.encode(ownership),
            "".join(charges).encode(CHARGES.encoding),
            "".join(paid).encode(PAYMENTS.encoding),
        ),
        rows=(len(accounts), len(persons), len(ownership), charge_rows, len(paid)),
    )
