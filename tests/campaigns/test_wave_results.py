"""A wave's recovered roubles: its contacted members against its holdout."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli import main as cli
from campaigns.waves.planning import WaveSpec, create_wave, materialise
from campaigns.waves.results import GroupRecovery, holdout_comparison
from campaigns.waves.segment import Segment
from models.db import make_engine, make_sessionmaker
from models.entities import Case, Payment, Wave, WaveMember
from models.enums import Channel
from models.ru_format import money
from tests.campaigns.builders import T0, debtor_case

OPENED = T0.date()  # Monday 2 March 2026
AS_OF = date(2026, 3, 31)


async def _wave_with_payments(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A wave over 10 debtors, 40 % held out; each member pays 1 000 ₽ × its rank in its group
    after the wave opens, plus payments that must not count."""
    async with sessionmaker() as session, session.begin():
        outsider = None
        for n in range(11):
            _, case = await debtor_case(session, f"{8000 + n}", phone=f"+7930{n:07d}")
            case.current_debt, case.days_overdue, case.debt_as_of = Decimal("5000"), 385, OPENED
            # The last debtor is in another stage, outside the wave's segment.
            if n == 10:
                case.stage, outsider = "notice", case
        wave = await create_wave(session, WaveSpec(
            name="Март: звонки", channel=Channel.CALL, template="debt_call",
            segment=Segment(stages=("robot",)), window_start=T0,
            window_end=T0 + timedelta(hours=8), holdout_share=0.4))
        await materialise(session, wave, now=T0)
        members = (await session.execute(
            select(WaveMember.holdout, Case.account_id).join(Case, Case.id == WaveMember.case_id)
            .where(WaveMember.wave_id == wave.id).order_by(WaveMember.case_id))).all()
        ranks = {False: 0, True: 0}
        for holdout, account_id in members:
            ranks[holdout] += 1
            session.add(Payment(external_id=f"pay-{account_id}", account_id=account_id,
                                paid_on=OPENED + timedelta(days=ranks[holdout]),
                                amount=Decimal(1000 * ranks[holdout])))
        first = members[0].account_id
        assert outsider is not None
        session.add_all([
            Payment(external_id="before", account_id=first, paid_on=OPENED - timedelta(days=1),
                    amount=Decimal("700")),
            Payment(external_id="unconfirmed", account_id=first, paid_on=OPENED, amount=Decimal("300"),
                    confirmed=False),
            Payment(external_id="after", account_id=first, paid_on=AS_OF + timedelta(days=1),
                    amount=Decimal("900")),
            Payment(external_id="outsider", account_id=outsider.account_id, paid_on=OPENED,
                    amount=Decimal("5000")),
        ])
        return wave.id


def _sum_to(n: int) -> Decimal:
    return Decimal(1000 * n * (n + 1) // 2)


async def test_contacted_members_against_the_holdout(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    wave_id = await _wave_with_payments(sessionmaker)
    async with sessionmaker() as session:
        wave = await session.get_one(Wave, wave_id)
        held = len((await session.scalars(select(WaveMember).where(WaveMember.holdout.is_(True)))).all())
        comparison = await holdout_comparison(session, wave, AS_OF)
    contacted = 10 - held
    assert 0 < held < 10
    assert (comparison.since, comparison.until) == (OPENED, AS_OF)
    assert comparison.contacted == GroupRecovery(contacted, _sum_to(contacted))
    assert comparison.holdout == GroupRecovery(held, _sum_to(held))
    # 1 000 ₽ × (n + 1) / 2 a member on average in a group of n.
    assert comparison.contacted.per_member == Decimal(500 * (contacted + 1))
    assert comparison.difference_per_member == Decimal(500 * (contacted - held))
    expected = _sum_to(held) * contacted / held
    assert comparison.uplift == (_sum_to(contacted) - expected).quantize(Decimal("0.01"))


async def test_a_wave_before_any_payment_recovered_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    wave_id = await _wave_with_payments(sessionmaker)
    async with sessionmaker() as session:
        comparison = await holdout_comparison(session, await session.get_one(Wave, wave_id),
                                              OPENED - timedelta(days=1))
    assert comparison.contacted.recovered == comparison.holdout.recovered == Decimal("0.00")
    assert (comparison.difference_per_member, comparison.uplift) == (Decimal("0.00"), Decimal("0.00"))


def test_wave_status_shows_the_comparison(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def build() -> tuple[int, int]:
        engine = make_engine(database_url)
        try:
            sessions = make_sessionmaker(engine)
            wave_id = await _wave_with_payments(sessions)
            async with sessions() as session:
                held = len((await session.scalars(
                    select(WaveMember).where(WaveMember.holdout.is_(True)))).all())
            return wave_id, held
        finally:
            await engine.dispose()

    wave_id, held = asyncio.run(build())
    contacted = 10 - held
    assert cli.main(["wave", "status", str(wave_id), "--as-of", AS_OF.isoformat(),
                     "--url", database_url]) == 0
    per_contacted, per_held = Decimal(500 * (contacted + 1)), Decimal(500 * (held + 1))
    uplift = (_sum_to(contacted) - _sum_to(held) * contacted / held).quantize(Decimal("0.01"))
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  взыскано с 02.03.2026 по 31.03.2026:",
        f"    в работе волны — дел: {contacted}, оплачено {money(_sum_to(contacted))}, "
        f"на дело {money(per_contacted)}",
        f"    контрольная группа — дел: {held}, оплачено {money(_sum_to(held))}, "
        f"на дело {money(per_held)}",
        f"    разница на дело: {money(per_contacted - per_held)}; "
        f"сверх контрольной группы: {money(uplift)}",
    ]
