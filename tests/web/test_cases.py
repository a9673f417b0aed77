"""The case registry, the case card and the stop button, logged in, on the real database."""
from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.cases.registry import CaseFilter, registry_page
from models.entities import Attempt, AuditEntry, Case
from models.enums import AttemptStatus, CaseStatus
from models.user import Role
from tests.web.login import csrf_of, log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases

_CASE_LINK = re.compile(r'href="/cases/(\d+)"')


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> AsyncIterator[TestClient]:
    assert await utility_with_cases(engine, tmp_path / "export") == 3
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        yield client


async def test_registry_filters_and_pages_newest_first(
    client: TestClient, engine: AsyncEngine
) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    html = await (await client.get("/cases")).text()
    assert [int(i) for i in _CASE_LINK.findall(html)] == [3, 2, 1]
    assert "12\u00a0000,00\u00a0₽" in html and "ул. Ленина, д. 10" in html
    rich = await (await client.get("/cases?min_debt=2500&max_debt=5000")).text()
    assert _CASE_LINK.findall(rich) == ["2"]
    by_house = await (await client.get("/cases?building=B1&status=active&stage=soft")).text()
    assert _CASE_LINK.findall(by_house) == ["3", "2", "1"]
    for empty in ("/cases?building=B2", "/cases?status=escalated", "/cases?last_outcome=busy"):
        html = await (await client.get(empty)).text()
        assert _CASE_LINK.findall(html) == [] and "Дел с такими условиями нет" in html, empty
    bad = await client.get("/cases?min_debt=много")
    assert bad.status == 400 and "суммы долга — числа" in await bad.text()


async def test_keyset_paging_walks_every_case_once(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    seen: list[int] = []
    before = None
    async with sessionmaker() as session:
        while True:
            page = await registry_page(session, CaseFilter(limit=2, before=before))
            seen += [row.id for row in page.rows]
            if page.next_before is None:
                break
            before = page.next_before
    assert seen == [3, 2, 1]


async def test_case_card_shows_ledger_contacts_history_and_is_audited(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, engine, Role.LAWYER)
    response = await client.get("/cases/1")
    assert response.status == 200
    html = await response.text()
    for text in ("Дело №1", "лицевой счёт <a href=\"/accounts/1001\">1001</a>",
                 "Иванов Пётр Иванович", "+7", "Должники, контакты и отказы", "История",
                 "реальный долг на 15.06.2026", "2\u00a0400,00\u00a0₽"):
        assert text in html, text
    # A lawyer reads the card but may not stop the case: the button is for managers.
    assert (await client.post("/cases/1/stop", data={"_csrf": await csrf_of(client, "/cases/1")},
                              allow_redirects=False)).status == 403
    assert (await client.get("/cases/999")).status == 404
    async with sessionmaker() as session:
        subjects = list(await session.scalars(select(AuditEntry.subject).order_by(AuditEntry.id)))
    assert subjects == ["case:1", "case:1", "case:999"]


async def test_one_click_stop_cancels_queued_contacts(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        session.add(Attempt(case_id=1, channel="call", address="+79101234567",
                            idempotency_key="web-stop-1"))
    await log_in_as(client, engine, Role.MANAGER)
    token = await csrf_of(client, "/cases/1")
    response = await client.post("/cases/1/stop", data={"_csrf": token})
    html = await response.text()
    assert "Работа по делу остановлена, отменено попыток: 1" in html
    assert "Остановить работу по делу" not in html
    async with sessionmaker() as session:
        case = await session.get(Case, 1)
        attempt = (await session.scalars(select(Attempt))).one()
        assert case is not None and case.status == CaseStatus.SUSPENDED.value
        assert case.suspended_until is None and case.status_reason == "ОСТАНОВЛЕНО МЕНЕДЖЕРОМ"
        assert attempt.status == AttemptStatus.CANCELLED.value


async def test_a_courier_cannot_read_a_case_card(client: TestClient, engine: AsyncEngine) -> None:
    await log_in_as(client, engine, Role.COURIER)
    for path in ("/cases", "/cases/1"):
        assert (await client.get(path, allow_redirects=False)).status == 403


async def test_the_registry_exports_to_xlsx_with_its_filters(
    client: TestClient, engine: AsyncEngine
) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    html = await (await client.get("/cases?min_debt=2500")).text()
    assert 'href="/cases.xlsx?min_debt=2500"' in html
    response = await client.get("/cases.xlsx?min_debt=2500")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(await response.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Дело", "Лицевой счёт", "Адрес")
    assert [row[:2] for row in rows[1:]] == [(3, "5003"), (2, "5001")]
    assert rows[1][5] == 12000 and rows[1][4] == "в работе"


async def test_plans_page_lists_stages_and_steps(client: TestClient, engine: AsyncEngine) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    html = await (await client.get("/plans")).text()
    assert "ЖКХ — физические лица" in html and "(soft)" in html and "основной" in html
