"""One account's claim on a filing date, read from the database: what is claimable, the penalty
on it, and each debtor's part — everything a court application states, before any rendering."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.liability import Debtor, OwnerRow, share_of, split_liability
from backoffice.legal.limitation import (
    CourtOrderSpan,
    PeriodClaim,
    PeriodStatus,
    classify_periods,
)
from backoffice.legal.penalty import PenaltyCalculation, PenaltyPolicy, calculate_penalty
from models.account import Account
from models.billing import Charge, Payment
from models.building import Building
from models.court_filing import COURT_ORDER, CourtFiling
from models.ledger import ChargeRow, PaymentRow, build_ledger
from models.ledger.allocation import ZERO
from models.organisation import Creditor
from models.ownership import Ownership, OwnershipRepresentative
from models.person import Person


@dataclass(frozen=True, slots=True)
class DebtorClaim:
    """One application's money: the debtor's part of each claimable period and of the penalty."""

    debtor: Debtor
    persons: tuple[Person, ...]
    # Minors whose shares this debtor owes as their legal representative.
    minors: tuple[Person, ...]
    periods: tuple[tuple[date, Decimal], ...]
    principal: Decimal
    penalty: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.penalty


@dataclass(frozen=True, slots=True)
class AccountClaim:
    account: Account
    building: Building
    creditor: Creditor | None
    filed_on: date
    periods: tuple[PeriodClaim, ...]
    penalty: PenaltyCalculation
    debtors: tuple[DebtorClaim, ...]
    problems: tuple[str, ...]
    # Court orders applied for on this account, oldest first.
    court_orders: tuple[CourtFiling, ...] = ()

    @property
    def claimable(self) -> tuple[PeriodClaim, ...]:
        return tuple(p for p in self.periods if p.status is PeriodStatus.CLAIMABLE)

    @property
    def cancelled_order(self) -> CourtFiling | None:
        """The latest court order cancelled on the debtor's objection: a lawsuit follows it."""
        cancelled = [f for f in self.court_orders if f.cancelled_on is not None]
        return cancelled[-1] if cancelled else None

    @property
    def principal(self) -> Decimal:
        return sum((p.outstanding for p in self.claimable), ZERO)


CHUNK_SIZE = 500


async def load_account_claim(
    session: AsyncSession,
    number: str,
    filed_on: date,
    *,
    policy: PenaltyPolicy | None = None,
) -> AccountClaim:
    """The claim for account ``number`` filed on ``filed_on``; LookupError if there is none."""
    async for claim in iter_account_claims(session, [number], filed_on, policy=policy):
        return claim
    raise LookupError(f"нет лицевого счёта {number}")


async def iter_account_claims(
    session: AsyncSession,
    numbers: Sequence[str],
    filed_on: date,
    *,
    policy: PenaltyPolicy | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> AsyncIterator[AccountClaim]:
    """The claims of the accounts ``numbers`` (in that order; unknown numbers are skipped).

    Rows are read a chunk of accounts per query, so a batch for court costs a few round trips
    per ``chunk_size`` accounts instead of several per account.
    """
    policy = policy or PenaltyPolicy()
    for first in range(0, len(numbers), chunk_size):
        chunk = numbers[first:first + chunk_size]
        found = {
            account.number: (account, building)
            for account, building in await session.execute(
                select(Account, Building).join(Building, Account.building_id == Building.id)
                .where(Account.number.in_(chunk)))
        }
        ids = [account.id for account, _ in found.values()]
        creditor_ids = {b.creditor_id for _, b in found.values() if b.creditor_id is not None}
        creditors = {c.id: c for c in await session.scalars(
            select(Creditor).where(Creditor.id.in_(creditor_ids)))}
        charges: dict[int, list[ChargeRow]] = defaultdict(list)
        for account_id, period, service, amount in await session.execute(
            select(Charge.account_id, Charge.period, Charge.service, Charge.amount)
            .where(Charge.account_id.in_(ids), Charge.period <= filed_on)
        ):
            charges[account_id].append(ChargeRow(period, service, amount))
        payments: dict[int, list[PaymentRow]] = defaultdict(list)
        for account_id, paid_on, amount, period, confirmed, external_id in await session.execute(
            select(Payment.account_id, Payment.paid_on, Payment.amount, Payment.period,
                   Payment.confirmed, Payment.external_id)
            .where(Payment.account_id.in_(ids), Payment.paid_on <= filed_on)
        ):
            payments[account_id].append(PaymentRow(paid_on, amount, period, confirmed, external_id))
        orders: dict[int, list[CourtFiling]] = defaultdict(list)
        for filing in await session.scalars(
            select(CourtFiling).where(CourtFiling.account_id.in_(ids),
                                      CourtFiling.kind == COURT_ORDER)
            .order_by(CourtFiling.filed_on, CourtFiling.id)
        ):
            orders[filing.account_id].append(filing)
        owners, people = await _owners(session, ids)
        for number in chunk:
            if number not in found:
                continue
            account, building = found[number]
            yield _claim(account, building, creditors.get(building.creditor_id or 0), filed_on,
                         charges[account.id], payments[account.id], orders[account.id],
                         owners[account.id], people, policy)


def _claim(
    account: Account,
    building: Building,
    creditor: Creditor | None,
    filed_on: date,
    charges: list[ChargeRow],
    payments: list[PaymentRow],
    orders: list[CourtFiling],
    owners: list[OwnerRow],
    people: dict[int, Person],
    policy: PenaltyPolicy,
) -> AccountClaim:
    ledger = build_ledger(charges, payments, filed_on, policy=policy.ledger,
                          due_day=building.due_day)
    spans = [CourtOrderSpan(f.filed_on, f.first_period, f.last_period, f.cancelled_on)
             for f in orders]
    periods = tuple(classify_periods(ledger.lines, filed_on, spans))
    claimable = [p.period for p in periods if p.status is PeriodStatus.CLAIMABLE]
    penalty = calculate_penalty(charges, payments, filed_on, policy=policy,
                                due_day=building.due_day, periods=claimable)
    split = split_liability(owners)
    by_period = penalty.penalty_by_period()
    debtors = []
    for debtor in split.debtors:
        parts = tuple((p.period, share_of(p.outstanding, debtor.share)) for p in periods
                      if p.status is PeriodStatus.CLAIMABLE)
        debtors.append(DebtorClaim(
            debtor=debtor,
            persons=tuple(people[i] for i in debtor.person_ids),
            minors=tuple(people[part.minor_id] for part in debtor.parts
                         if part.minor_id is not None),
            periods=parts,
            principal=sum((amount for _, amount in parts), ZERO),
            penalty=sum((share_of(by_period.get(period, ZERO), debtor.share)
                         for period, _ in parts), ZERO),
        ))
    return AccountClaim(account, building, creditor, filed_on, periods, penalty,
                        tuple(debtors), split.problems, tuple(orders))


async def _owners(
    session: AsyncSession, account_ids: list[int]
) -> tuple[dict[int, list[OwnerRow]], dict[int, Person]]:
    rows = (await session.execute(
        select(Ownership, Person).join(Person, Ownership.person_id == Person.id)
        .where(Ownership.account_id.in_(account_ids)).order_by(Ownership.id)
    )).all()
    representatives: dict[int, list[Person]] = defaultdict(list)
    for ownership_id, person in await session.execute(
        select(OwnershipRepresentative.ownership_id, Person)
        .join(Person, OwnershipRepresentative.person_id == Person.id)
        .where(OwnershipRepresentative.ownership_id.in_([o.id for o, _ in rows]))
        .order_by(OwnershipRepresentative.id)
    ):
        representatives[ownership_id].append(person)
    people = {person.id: person for _, person in rows}
    for persons in representatives.values():
        people.update((p.id, p) for p in persons)
    owners: dict[int, list[OwnerRow]] = defaultdict(list)
    for ownership, person in rows:
        owners[ownership.account_id].append(OwnerRow(
            person.id, ownership.kind,
            Fraction(ownership.share_numerator, ownership.share_denominator),
            ownership.is_minor, tuple(p.id for p in representatives[ownership.id])))
    return owners, people
