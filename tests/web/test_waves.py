"""Scheduling, pausing, resuming and cancelling waves from the waves page."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from models.outreach import Attempt, Wave
from models.user import Role
from tests.web.login import csrf_of, log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases, wave_with_members


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        yield client


async def test_schedule_pause_resume_cancel(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    token = await csrf_of(client, "/waves")
    response = await client.post("/waves", data={
        "_csrf": token, "name": "Июнь: звонки", "channel": "call", "template": "reminder",
        "start": "2026-06-16T09:00", "hours": "6", "per_minute": "30", "max_concurrent": "5",
        "holdout": "10", "min_debt": "1 000,00", "stage": "soft", "building": "B1"})
    html = await response.text()
    assert "Волна №1 запланирована" in html and "Июнь: звонки" in html and "запланирована" in html
    async with sessionmaker() as session:
        wave = (await session.scalars(select(Wave))).one()
        assert (wave.channel, wave.per_minute, wave.max_concurrent, wave.holdout_share,
                wave.created_by) == ("call", 30, 5, 0.1, "manager-test")
        assert wave.segment["min_debt"] == "1000.00" and wave.segment["stages"] == ["soft"]
        assert wave.window_start.isoformat() == "2026-06-16T09:00:00+00:00"
    for action, state in (("pause", "на паузе"), ("resume", "идёт"), ("cancel", "отменена")):
        html = await (await client.post(f"/waves/1/{action}", data={"_csrf": token})).text()
        assert "Состояние волны №1 изменено" in html
        assert f'<td class="state">{state}</td>' in html, action
    refused = await client.post("/waves/1/resume", data={"_csrf": token})
    explained = await refused.text()
    assert refused.status == 409
    assert "Волну №1 «Июнь: звонки» нельзя продолжить: она отменена" in explained
    assert "обновите её" in explained


async def test_a_bad_wave_is_explained(client: TestClient) -> None:
    token = await csrf_of(client, "/waves")
    response = await client.post("/waves", data={"_csrf": token, "name": "x", "channel": "call",
                                                 "template": "t", "hours": "0"})
    assert response.status == 422
    assert "Волна не создана: окно волны должно заканчиваться позже" in await response.text()
    bad_money = await client.post("/waves", data={"_csrf": token, "name": "x", "channel": "sms",
                                                  "template": "t", "min_debt": "много"})
    assert bad_money.status == 422 and "не сумма" in await bad_money.text()


async def test_a_waves_progress_is_its_finished_attempts_of_its_contacted_members(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        wave = await wave_with_members(session, "Июнь: SMS", "sms", "running", "2026-06-15",
                                       {1: False, 2: False, 3: True})
        session.add_all([Attempt(case_id=1, wave_id=wave.id, channel="sms", address="+7",
                                 idempotency_key="progress-1", status="done", outcome="delivered"),
                         Attempt(case_id=2, wave_id=wave.id, channel="sms", address="+7",
                                 idempotency_key="progress-2")])
    html = await (await client.get("/waves")).text()
    assert '<progress max="2" value="1"></progress> <span>50%</span>' in html
    assert "/static/waves.js" in html
