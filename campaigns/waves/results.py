"""What a wave recovered: its contacted members against its holdout, in roubles paid.

The comparison is by intent to contact: every member outside the holdout counts, reached or not,
because whom the wave reaches is not random (a debtor who answers differs from one who does not)
while the holdout split is. Recovered means confirmed payments to the member's account from the
day the wave opened (its window's start, UTC) to ``as_of``, whatever period they name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.billing import Payment
from models.case import Case
from models.column_types import KOPECK
from models.outreach import Wave, WaveMember

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class GroupRecovery:
    members: int
    recovered: Decimal

    @property
    def per_member(self) -> Decimal:
        if not self.members:
            return ZERO
        return (self.recovered / self.members).quantize(KOPECK)


@dataclass(frozen=True, slots=True)
class HoldoutComparison:
    since: date
    until: date
    contacted: GroupRecovery
    holdout: GroupRecovery

    @property
    def difference_per_member(self) -> Decimal:
        """How much more a contacted member paid than a held-out one, on average."""
        return self.contacted.per_member - self.holdout.per_member

    @property
    def uplift(self) -> Decimal:
        """Roubles the wave brought in beyond what its members would have paid anyway: the
        contacted group's payments less the holdout's rate applied to the contacted group."""
        if not self.holdout.members:
            return ZERO
        expected = self.holdout.recovered * self.contacted.members / self.holdout.members
        return (self.contacted.recovered - expected).quantize(KOPECK)


async def holdout_comparison(session: AsyncSession, wave: Wave, as_of: date) -> HoldoutComparison:
    """Payments of the wave's contacted members and of its holdout, from its opening to ``as_of``."""
    since = wave.window_start.date()
    members: dict[bool, int] = {holdout: count for holdout, count in (await session.execute(
        select(WaveMember.holdout, func.count()).where(WaveMember.wave_id == wave.id)
        .group_by(WaveMember.holdout))).all()}
    paid: dict[bool, Decimal | None] = {holdout: total for holdout, total in (await session.execute(
        select(WaveMember.holdout, func.sum(Payment.amount))
        .join(Case, Case.id == WaveMember.case_id)
        .join(Payment, Payment.account_id == Case.account_id)
        .where(WaveMember.wave_id == wave.id, Payment.confirmed.is_(True),
               Payment.paid_on >= since, Payment.paid_on <= as_of)
        .group_by(WaveMember.holdout))).all()}

    def group(holdout: bool) -> GroupRecovery:
        # SQLite sums NUMERIC as a float: back to kopecks.
        return GroupRecovery(members.get(holdout, 0),
                             Decimal(paid.get(holdout) or ZERO).quantize(KOPECK))

    return HoldoutComparison(since, as_of, group(False), group(True))
