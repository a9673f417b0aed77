"""Who is sued for an account's debt, and for what part (ГК ст. 249, 253; ЖК ст. 31, 153, 158).

Each owner of a share owes that share; joint owners owe their joint part jointly and severally
and are named together in one application; a minor owner's share is owed by the legal
representatives in equal parts (СК ст. 61, 80; Пленум ВС РФ № 22 п. 28). Adult family members are
jointly liable for utilities only and are not split here. One application per debtor: a parent
who also owns a share gets one part that adds both.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from models.enums import OwnershipKind
from models.ledger import kopecks


@dataclass(frozen=True, slots=True)
class OwnerRow:
    person_id: int
    kind: str
    share: Fraction
    is_minor: bool = False
    representatives: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LiabilityPart:
    """A share owed; ``minor_id`` names the minor whose share a representative owes."""

    share: Fraction
    minor_id: int | None = None


@dataclass(frozen=True, slots=True)
class Debtor:
    """One application: one person, or joint owners named together (``jointly``)."""

    person_ids: tuple[int, ...]
    parts: tuple[LiabilityPart, ...]
    jointly: bool = False

    @property
    def share(self) -> Fraction:
        return sum((part.share for part in self.parts), Fraction(0))


@dataclass(frozen=True, slots=True)
class LiabilitySplit:
    debtors: tuple[Debtor, ...]
    # Reasons a lawyer must look at the ownership before filing (Russian, for the lawyer queue).
    problems: tuple[str, ...]


def share_of(amount: Decimal, share: Fraction) -> Decimal:
    return kopecks(amount * share.numerator / share.denominator)


def split_liability(owners: Iterable[OwnerRow]) -> LiabilitySplit:
    own: dict[int, list[LiabilityPart]] = defaultdict(list)
    joint: list[OwnerRow] = []
    problems: list[str] = []
    total = Fraction(0)
    for row in owners:
        if row.kind == OwnershipKind.FAMILY:
            continue
        if row.kind == OwnershipKind.JOINT and not row.is_minor:
            joint.append(row)
            continue
        total += row.share
        if not row.is_minor:
            own[row.person_id].append(LiabilityPart(row.share))
        elif not row.representatives:
            problems.append(
                f"несовершеннолетний собственник (лицо {row.person_id}) без законных представителей")
        else:
            each = row.share / len(row.representatives)
            for parent in row.representatives:
                own[parent].append(LiabilityPart(each, row.person_id))
    debtors = [Debtor((person,), tuple(parts)) for person, parts in sorted(own.items())]
    if joint:
        shares = {row.share for row in joint}
        if len(shares) > 1:
            problems.append("совместные собственники указаны с разными долями")
        joint_share = max(shares)
        total += joint_share
        debtors.append(Debtor(tuple(sorted(row.person_id for row in joint)),
                              (LiabilityPart(joint_share),), jointly=len(joint) > 1))
    if not debtors:
        problems.append("у лицевого счёта нет собственников")
    elif total != 1:
        problems.append(f"доли собственников в сумме {total}, а не 1")
    return LiabilitySplit(tuple(debtors), tuple(problems))
