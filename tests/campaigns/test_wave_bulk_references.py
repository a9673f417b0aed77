from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.waves.bulk_references import MissingReference, references_checked_in_bulk
from campaigns.waves.planning import WaveSpec, create_wave
from campaigns.waves.segment import Segment
from models.entities import WaveMember
from models.enums import Channel
from tests.campaigns.builders import debtor_case
from tests.campaigns.test_waves import WINDOW


async def _wave_and_case(session: AsyncSession) -> tuple[int, int]:
    _, case = await debtor_case(session, "7001", phone="+79207000001", owes=Decimal("5000"))
    wave = await create_wave(session, WaveSpec(
        name="Проверка ссылок", channel=Channel.CALL, template="debt_call", segment=Segment(),
        window_start=WINDOW[0], window_end=WINDOW[1]))
    return wave.id, case.id


async def _member(session: AsyncSession, wave_id: int, case_id: int) -> None:
    await session.execute(insert(WaveMember.__table__).values(wave_id=wave_id, case_id=case_id,
                                                              holdout=False))


async def test_a_member_of_a_case_that_does_not_exist_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Whether the engine checks per row or the block checks in bulk, a dangling member fails
    and nothing of the wave's rows stays."""
    async with sessionmaker() as session:
        async with session.begin():
            wave_id, case_id = await _wave_and_case(session)
        with pytest.raises((MissingReference, IntegrityError)):
            async with session.begin():
                async with references_checked_in_bulk(session, wave_id):
                    await _member(session, wave_id, case_id)
                    await _member(session, wave_id, case_id + 1_000)
        count = await session.scalar(select(func.count()).select_from(WaveMember))
    assert count == 0


async def test_sound_members_pass_and_per_row_checks_return_afterwards(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        wave_id, case_id = await _wave_and_case(session)
        async with references_checked_in_bulk(session, wave_id):
            await _member(session, wave_id, case_id)
        assert await session.scalar(select(func.count()).select_from(WaveMember)) == 1
        if session.bind.dialect.name == "postgresql":
            role = await session.scalar(text("SHOW session_replication_role"))
            assert role == "origin"
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await _member(session, wave_id, case_id + 1_000)
