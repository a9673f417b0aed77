"""The freezes campaigns keeps (promises, instalments, disputes), read per account for the ledger."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.case import Case, Dispute, Instalment, Promise
from models.ledger import DisputeFreeze, Freeze, InstalmentFreeze, PromiseFreeze

ZERO = Decimal("0.00")


async def account_freezes(
    session: AsyncSession, account_ids: Iterable[int], as_of: date
) -> dict[int, list[Freeze]]:
    """Freezes by account id, from every case of those accounts (a closed case's open promise too).

    Only the rows still in force are read: open promises, active instalments, disputes under
    review; the ledger itself decides whether a promise is past its date.
    """
    ids = list(account_ids)
    freezes: dict[int, list[Freeze]] = {}
    if not ids:
        return freezes
    promises = await session.execute(
        select(Case.account_id, Promise.amount, Promise.pay_by)
        .join(Case, Case.id == Promise.case_id)
        .where(Case.account_id.in_(ids), Promise.status == "open")
    )
    for account_id, amount, pay_by in promises:
        freezes.setdefault(account_id, []).append(PromiseFreeze(amount, pay_by))
    instalments = await session.execute(
        select(Case.account_id, Instalment.schedule)
        .join(Case, Case.id == Instalment.case_id)
        .where(Case.account_id.in_(ids), Instalment.status == "active")
    )
    for account_id, schedule in instalments:
        freezes.setdefault(account_id, []).append(
            InstalmentFreeze(_not_yet_due(schedule, as_of), kept=True))
    disputes = await session.execute(
        select(Case.account_id, Dispute.amount, Dispute.period, Dispute.service)
        .join(Case, Case.id == Dispute.case_id)
        .where(Case.account_id.in_(ids), Dispute.status == "under_review")
    )
    for account_id, amount, period, service in disputes:
        freezes.setdefault(account_id, []).append(
            DisputeFreeze(amount, under_review=True, period=period, service=service or None))
    return freezes


def _not_yet_due(schedule: list[dict[str, str]], as_of: date) -> Decimal:
    # Instalments already due were either paid (and left the real debt) or broke the agreement,
    # which the outcome rules record; so only the part still to come is frozen.
    return sum((Decimal(item["amount"]) for item in schedule
                if date.fromisoformat(item["due"]) >= as_of), ZERO)
