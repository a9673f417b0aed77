from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.imports.pipeline import import_files
from backoffice.web.app import create_app
from models.user import Role
from tests.imports.files import write_utility
from tests.web.login import log_in_as

AS_OF = date(2026, 4, 1)


@pytest.fixture
async def client(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[TestClient]:
    report = await import_files(engine, [write_utility(tmp_path / "export")])
    assert report.committed, report.errors
    async with TestClient(TestServer(create_app(engine, today=AS_OF))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        yield client


async def test_dashboard_counts_what_was_imported(client: TestClient) -> None:
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert "Сводка на 01.04.2026" in html
    assert "<span class=\"figure\">3</span> лицевых счетов" in html
    # 2500 + 300.50 + 2400 + 1200 + 900 charged; the unconfirmed 900 is not counted as paid.
    assert "7\u00a0300,50\u00a0₽</span> начислено" in html
    assert "3\u00a0300,50\u00a0₽</span> оплачено" in html


async def test_account_list_shows_each_accounts_debt(client: TestClient) -> None:
    html = await (await client.get("/accounts")).text()
    # 1001: February heating 2400 due 10.03.2026 (non-working day shift aside) is unpaid.
    row_1001 = html.split('href="/accounts/1001"')[1].split("</tr>")[0]
    assert "2\u00a0400,00\u00a0₽" in row_1001
    # 1002: 1200 charged, 500 paid → 700 real debt.
    row_1002 = html.split('href="/accounts/1002"')[1].split("</tr>")[0]
    assert "700,00\u00a0₽" in row_1002
    # 2001: paid 900 but unconfirmed: real debt 900, conditional 0.
    row_2001 = html.split('href="/accounts/2001"')[1].split("</tr>")[0]
    assert "900,00\u00a0₽" in row_2001 and "0,00\u00a0₽" in row_2001


async def test_account_card_lists_owners_and_ledger_lines(client: TestClient) -> None:
    html = await (await client.get("/accounts/1001")).text()
    assert "Иванов Пётр Иванович — доля 1/3 (несовершеннолетний)" in html
    assert "февраль 2026" in html and "январь 2026" in html
    assert "реальный долг" in html


async def test_unknown_account_is_404(client: TestClient) -> None:
    response = await client.get("/accounts/0000")
    assert response.status == 404
    assert "не найден" in await response.text()


async def test_health(client: TestClient) -> None:
    assert await (await client.get("/health")).json() == {"status": "ok"}
