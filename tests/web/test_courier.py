"""A courier sees and records only the notices of their own buildings."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.cli.main import main
from backoffice.web.app import create_app
from models.entities import Attempt, Case
from models.user import Role
from tests.web.login import add_user, csrf_of, log_in
from tests.web.world import CASES_AS_OF, utility_with_cases


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path, database_url: str) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    await add_user(engine, "courier-a", Role.COURIER)
    await add_user(engine, "courier-b", Role.COURIER)
    assert await asyncio.to_thread(
        main, ["users", "route", "courier-a", "--building", "B1", "--url", database_url]) == 0
    assert await asyncio.to_thread(
        main, ["users", "route", "courier-b", "--building", "NOPE", "--url", database_url]) == 2
    async with sessionmaker.begin() as session:
        for case in await session.scalars(select(Case).order_by(Case.id)):
            session.add(Attempt(case_id=case.id, channel="courier", address="",
                                idempotency_key=f"courier-{case.id}"))
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        yield client


async def test_courier_a_records_a_delivery_and_courier_b_sees_nothing(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert await log_in(client, "courier-a") == 302
    html = await (await client.get("/courier")).text()
    assert html.count('class="task"') == 3 and "ул. Ленина, д. 10" in html
    token = await csrf_of(client, "/courier")
    done = await client.post("/courier/tasks/1", data={"_csrf": token, "kind": "courier_mailbox"})
    assert "Результат по заданию №1 записан" in await done.text()
    assert (await client.get("/cases/1", allow_redirects=False)).status == 403
    async with sessionmaker() as session:
        attempt = await session.get(Attempt, 1)
        assert attempt is not None and (attempt.status, attempt.outcome) == ("done", "courier_mailbox")
    await client.post("/logout", data={"_csrf": token})
    assert await log_in(client, "courier-b") == 302
    html_b = await (await client.get("/courier")).text()
    assert 'class="task"' not in html_b and "заданий нет" in html_b
    token_b = await csrf_of(client, "/courier")
    stolen = await client.post("/courier/tasks/2", data={"_csrf": token_b, "kind": "courier_refused"})
    assert stolen.status == 404
    async with sessionmaker() as session:
        untouched = await session.get(Attempt, 2)
        assert untouched is not None and untouched.status == "queued"
