"""XLSX downloads of the waves list, the lawyers' queue and a case's contacts: the rows the pages
show, for the roles the pages are for, each download audited."""
from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from models.entities import AuditEntry, Case
from models.enums import CaseStatus
from models.user import Role
from tests.web.login import log_in_as
from tests.web.recorded_call import recorded_call
from tests.web.world import CASES_AS_OF, utility_with_cases, wave_with_members


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    await recorded_call(sessionmaker, tmp_path / "recordings", case_id=2)
    async with sessionmaker.begin() as session:
        await wave_with_members(session, "Июнь: SMS", "sms", "paused", "2026-06-16",
                                {1: False, 2: True})
        case = await session.get(Case, 3)
        assert case is not None
        case.status, case.status_reason = CaseStatus.ESCALATED.value, "спор о долге"
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        yield client


async def _sheet(client: TestClient, path: str) -> list[tuple[Any, ...]]:
    response = await client.get(path)
    assert response.status == 200, path
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(load_workbook(io.BytesIO(await response.read())).active.iter_rows(values_only=True))


async def test_waves_and_a_cases_contacts(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    assert 'href="/waves.xlsx"' in await (await client.get("/waves")).text()
    waves = await _sheet(client, "/waves.xlsx")
    assert waves[0][:3] == ("Волна", "Название", "Канал")
    assert waves[1][:3] == (1, "Июнь: SMS", "SMS") and waves[1][6:9] == ("на паузе", 2, 1)
    assert 'href="/cases/2/contacts.xlsx"' in await (await client.get("/cases/2")).text()
    contacts = await _sheet(client, "/cases/2/contacts.xlsx")
    assert [row[:3] for row in contacts[1:]] == [(2, "Звонок", "+79101234567"),
                                                 (1, "Звонок", "+79101234567")]
    assert contacts[1][6] == "ответил"
    assert (await client.get("/cases/999/contacts.xlsx")).status == 404
    assert 'href="/accounts.xlsx"' in await (await client.get("/accounts")).text()
    accounts = await _sheet(client, "/accounts.xlsx")
    assert accounts[0][:2] == ("Лицевой счёт", "Адрес")
    debts = {row[0]: row[2] for row in accounts[1:]}
    assert len(debts) == 7 and debts["5003"] == 12000 and debts["5002"] == 500
    async with sessionmaker() as session:
        exports = list(await session.scalars(select(AuditEntry.subject)
                                             .where(AuditEntry.action == "export")))
    assert exports == ["waves:export", "case:2:contacts", "accounts:export"]


async def test_the_lawyers_queue(client: TestClient, engine: AsyncEngine) -> None:
    await log_in_as(client, engine, Role.LAWYER)
    assert 'href="/lawyer.xlsx"' in await (await client.get("/lawyer")).text()
    queue = await _sheet(client, "/lawyer.xlsx")
    assert queue[0][:4] == ("Дело", "Лицевой счёт", "Адрес", "Причина")
    assert [(row[0], row[1], row[3]) for row in queue[1:]] == [(3, "5003", "спор о долге")]
    assert (await client.get("/waves.xlsx", allow_redirects=False)).status == 403


async def test_a_courier_exports_nothing(client: TestClient, engine: AsyncEngine) -> None:
    await log_in_as(client, engine, Role.COURIER)
    for path in ("/waves.xlsx", "/lawyer.xlsx", "/cases/1/contacts.xlsx", "/cases.xlsx",
                 "/accounts.xlsx"):
        assert (await client.get(path, allow_redirects=False)).status == 403, path
