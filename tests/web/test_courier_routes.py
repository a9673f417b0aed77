"""Managers give couriers their buildings, on the page and through the API, and print a route's
notices of debt as one PDF (LibreOffice, read back with pdftotext; kept in tests/artifacts/)."""
from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from models.entities import Account, Attempt, Building, Case, CourierRoute, Person, User
from models.ledger import account_ledger_for
from models.ru_format import money
from models.user import Role
from tests.web.chromium import ARTIFACTS
from tests.web.couriers import B3_ACCOUNTS, couriers_with_notices
from tests.web.login import csrf_of, log_in, log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    await couriers_with_notices(engine)
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        yield client


async def _route_of(sessionmaker: async_sessionmaker[AsyncSession], building: str) -> str | None:
    async with sessionmaker() as session:
        return await session.scalar(
            select(User.login).join(CourierRoute, CourierRoute.user_id == User.id)
            .join(Building, Building.id == CourierRoute.building_id).where(Building.code == building))


async def _expected_notices(sessionmaker: async_sessionmaker[AsyncSession], login: str
                            ) -> list[tuple[str, str, str]]:
    """(account, addressee, real debt) of each open notice on the courier's route."""
    async with sessionmaker() as session:
        rows = (await session.execute(
            select(Account, Person).select_from(Attempt)
            .join(Case, Case.id == Attempt.case_id).join(Account, Account.id == Case.account_id)
            .join(CourierRoute, CourierRoute.building_id == Account.building_id)
            .join(User, User.id == CourierRoute.user_id)
            .outerjoin(Person, Person.id == Attempt.person_id)
            .where(User.login == login, Attempt.channel == "courier",
                   Attempt.status == "queued"))).all()
        return [(account.number, person.full_name if person else "Собственнику помещения",
                 money((await account_ledger_for(session, account.id, CASES_AS_OF)).real_debt))
                for account, person in rows]


async def _pdf_text(pdf: bytes) -> str:
    process = await asyncio.create_subprocess_exec(
        "pdftotext", "-layout", "-", "-", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE)
    text, _ = await process.communicate(pdf)
    assert process.returncode == 0
    return re.sub(r"[ \u00a0]+", " ", text.decode())


def _flat(text: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", text)


async def test_route_notices_print_as_one_pdf_for_the_courier_and_the_manager(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    expected = await _expected_notices(sessionmaker, "courier-a")
    assert len(expected) >= 2 and all(debt != money(0) for _, _, debt in expected)
    assert await log_in(client, "courier-a") == 302
    response = await client.get("/courier/notices.pdf")
    assert response.status == 200 and response.content_type == "application/pdf"
    pdf = await response.read()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "courier-notices.pdf").write_bytes(pdf)
    text = await _pdf_text(pdf)
    assert text.count("УВЕДОМЛЕНИЕ О ЗАДОЛЖЕННОСТИ") == len(expected) == text.count("\f")
    for account, addressee, debt in expected:
        assert f"лицевому счёту № {account}" in text and addressee in text
        assert _flat(debt) in text
    assert not any(f"№ {number}" in text for number in B3_ACCOUNTS)
    assert "Как оплатить" in text
    assert (await client.get("/couriers/courier-b/notices.pdf")).status == 403

    await client.post("/logout", data={"_csrf": await csrf_of(client, "/courier")})
    await log_in_as(client, engine, Role.MANAGER)
    theirs = await _pdf_text(await (await client.get("/couriers/courier-b/notices.pdf")).read())
    expected_b = await _expected_notices(sessionmaker, "courier-b")
    assert expected_b and {account for account, _, _ in expected_b} <= set(B3_ACCOUNTS)
    for account, addressee, debt in expected_b:
        assert f"лицевому счёту № {account}" in theirs and _flat(debt) in theirs
    assert (await client.get("/couriers/nobody/notices.pdf")).status == 404


async def test_a_manager_assigns_buildings_on_the_page(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    page = await (await client.get("/couriers")).text()
    assert 'data-courier="courier-a"' in page and 'data-building="B2"' in page
    token = await csrf_of(client, "/couriers")
    moved = await client.post("/couriers", data={"_csrf": token, "courier": "courier-b",
                                                 "building": ["B1", "B2"]}, allow_redirects=False)
    assert moved.status == 302 and moved.headers["Location"] == "/couriers?assigned=courier-b"
    assert (await _route_of(sessionmaker, "B1"), await _route_of(sessionmaker, "B2")) == (
        "courier-b", "courier-b")
    unknown = await client.post("/couriers", data={"_csrf": token, "courier": "courier-a",
                                                   "building": ["B1", "NOPE"]})
    assert unknown.status == 400 and "NOPE" in await unknown.text()
    not_a_courier = await client.post("/couriers", data={"_csrf": token, "courier": "manager-test",
                                                         "building": ["B1"]})
    assert not_a_courier.status == 400
    forged = await client.post("/couriers", data={"courier": "courier-a", "building": ["B1"]})
    assert forged.status == 403
    assert await _route_of(sessionmaker, "B1") == "courier-b"


async def test_the_api_assigns_buildings_and_lists_a_couriers_own_tasks(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert await log_in(client, "courier-a") == 302
    token = await csrf_of(client, "/courier")
    mine = await (await client.get("/api/courier/tasks")).json()
    assert {item["account"] for item in mine["items"]} == {
        account for account, _, _ in await _expected_notices(sessionmaker, "courier-a")}
    refused = await client.post("/api/courier-routes", json={"courier": "courier-a",
                                                             "buildings": ["B3"]},
                                headers={"X-CSRF-Token": token})
    assert refused.status == 403
    await client.post("/logout", data={"_csrf": token})
    await log_in_as(client, engine, Role.MANAGER)
    token = await csrf_of(client, "/couriers")
    headers = {"X-CSRF-Token": token}
    assert (await client.post("/api/courier-routes", headers=headers, json={
        "courier": "courier-a", "buildings": ["B3", "NOPE"]})).status == 400
    assert (await client.post("/api/courier-routes", headers=headers, json={
        "courier": "nobody", "buildings": ["B3"]})).status == 404
    assert (await client.post("/api/courier-routes", headers=headers, json={
        "courier": "courier-a", "buildings": []})).status == 422
    assert await _route_of(sessionmaker, "B3") == "courier-b"
    done = await client.post("/api/courier-routes", headers=headers, json={
        "courier": "courier-a", "buildings": ["B3"]})
    assert done.status == 200 and await _route_of(sessionmaker, "B3") == "courier-a"
    spec = await (await client.get("/api/openapi.json")).json()
    assert {"/api/courier-routes", "/api/courier/tasks"} <= set(spec["paths"])
