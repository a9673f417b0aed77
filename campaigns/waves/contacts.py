"""Whom a wave contacts for a case, and at which phone or address.

The primary debtor of an account is its adult owner with the largest share (ties: the first
listed); a minor's share is owed by the parents, who are reached through their own cases'
ownership rows. Only numbers and addresses still valid and channels not refused are used.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Account, Building, Case, ContactRefusal, Ownership, PersonEmail, PersonPhone
from models.enums import Channel


@dataclass(frozen=True, slots=True)
class Contact:
    person_id: int
    address: str


async def primary_debtors(session: AsyncSession, case_ids: Sequence[int]) -> dict[int, int]:
    """case id → person id of its primary debtor."""
    rows = (await session.execute(
        select(Case.id, Ownership.person_id, Ownership.share_numerator, Ownership.share_denominator)
        .join(Ownership, Ownership.account_id == Case.account_id)
        .where(Case.id.in_(case_ids), Ownership.is_minor.is_(False))
        .order_by(Case.id, Ownership.id))).all()
    best: dict[int, tuple[float, int]] = {}
    for case_id, person_id, numerator, denominator in rows:
        share = numerator / denominator if denominator else 0.0
        if case_id not in best or share > best[case_id][0]:
            best[case_id] = (share, person_id)
    return {case_id: person_id for case_id, (_, person_id) in best.items()}


async def contacts_for(
    session: AsyncSession, case_ids: Sequence[int], channel: Channel
) -> dict[int, Contact]:
    """case id → whom to contact on ``channel`` and where; cases with no usable contact are absent."""
    debtors = await primary_debtors(session, case_ids)
    people = list(set(debtors.values()))
    refused = set((await session.execute(
        select(ContactRefusal.person_id).where(ContactRefusal.person_id.in_(people),
                                               ContactRefusal.channel == channel.value))).scalars())
    addresses: dict[int, str] = {}
    if channel in (Channel.CALL, Channel.SMS):
        rows = (await session.execute(
            select(PersonPhone.person_id, PersonPhone.number)
            .where(PersonPhone.person_id.in_(people), PersonPhone.valid.is_(True))
            .order_by(PersonPhone.person_id, PersonPhone.position.desc()))).all()
    elif channel == Channel.EMAIL:
        rows = (await session.execute(
            select(PersonEmail.person_id, PersonEmail.address)
            .where(PersonEmail.person_id.in_(people), PersonEmail.valid.is_(True))
            .order_by(PersonEmail.person_id, PersonEmail.position.desc()))).all()
    else:
        # A courier goes to the premises.
        premises = (await session.execute(
            select(Case.id, Building, Account.premises)
            .join(Account, Account.id == Case.account_id)
            .join(Building, Building.id == Account.building_id)
            .where(Case.id.in_(case_ids)))).all()
        return {
            case_id: Contact(debtors[case_id], f"{building.address}, кв. {flat}" if flat else building.address)
            for case_id, building, flat in premises
            if case_id in debtors and debtors[case_id] not in refused
        }
    # Ordered by position descending, so the last write per person is the first-listed contact.
    for person_id, address in rows:
        addresses[person_id] = address
    return {case_id: Contact(person_id, addresses[person_id])
            for case_id, person_id in debtors.items()
            if person_id in addresses and person_id not in refused}
