"""Whom an attempt contacts for a case, and at which phone or address.

A case's account may have several adult owners, each liable for the debt. They are ranked by
share (the largest first; ties by person, so the choice is the same on every engine) and the
first one reachable on the channel is contacted — a co-owner without a phone does not
make the case unreachable. A minor's share is owed by the parents, reached as owners of their
own. Only numbers and addresses still valid and channels not refused are used.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Account, Building, Case, ContactRefusal, Ownership, PersonEmail, PersonPhone
from models.enums import Channel


@dataclass(frozen=True, slots=True)
class Contact:
    person_id: int
    address: str


async def debtors_by_rank(session: AsyncSession, case_ids: Sequence[int]) -> dict[int, list[int]]:
    """case id → its adult owners' person ids, the largest share first."""
    rows = (await session.execute(
        select(Case.id, Ownership.person_id, Ownership.share_numerator, Ownership.share_denominator)
        .join(Ownership, Ownership.account_id == Case.account_id)
        .where(Case.id.in_(case_ids), Ownership.is_minor.is_(False)))).all()
    ranked: dict[int, list[tuple[Fraction, int]]] = {}
    for case_id, person_id, numerator, denominator in rows:
        share = Fraction(numerator, denominator) if denominator else Fraction(0)
        ranked.setdefault(case_id, []).append((-share, person_id))
    return {case_id: [person for _, person in sorted(owners)] for case_id, owners in ranked.items()}


async def contacts_for(
    session: AsyncSession, case_ids: Sequence[int], channel: Channel
) -> dict[int, Contact]:
    """case id → whom to contact on ``channel`` and where; cases with no usable contact are absent."""
    debtors = await debtors_by_rank(session, case_ids)
    people = list({person for owners in debtors.values() for person in owners})
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
        for case_id, building, flat in premises:
            addresses[case_id] = f"{building.address}, кв. {flat}" if flat else building.address
        return {case_id: Contact(owners[0], addresses[case_id])
                for case_id, owners in debtors.items()
                if case_id in addresses and owners[0] not in refused}
    # Ordered by position descending, so the last write per person is the first-listed contact.
    for person_id, address in rows:
        addresses[person_id] = address
    contacts: dict[int, Contact] = {}
    for case_id, owners in debtors.items():
        reachable = [p for p in owners if p in addresses and p not in refused]
        if reachable:
            contacts[case_id] = Contact(reachable[0], addresses[reachable[0]])
    return contacts
