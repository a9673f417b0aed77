"""The backoffice in real headless Chromium (Debian's, driven by Playwright): each role logs in,
a manager works the case registry, a case card, a wave and an upload. Screenshots of the pages
go to tests/artifacts/ for people to look at."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from models.user import Role
from tests.imports.files import write_utility
from tests.web.chromium import ARTIFACTS, chromium
from tests.web.login import PASSWORD, add_user
from tests.web.world import CASES_AS_OF, utility_with_cases

@pytest.fixture
async def base_url(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                   tmp_path: Path) -> AsyncIterator[str]:
    await utility_with_cases(engine, tmp_path / "export")
    for role in Role:
        await add_user(engine, role.value, role)
    server = TestServer(create_app(engine, today=CASES_AS_OF), port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def _logged_in(browser: Browser, base_url: str, login: str) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page.set_default_timeout(15_000)
    await page.goto(f"{base_url}/login")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return page


async def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_each_role_logs_in_to_its_own_start(browser: Browser, base_url: str) -> None:
    landing = {Role.ADMIN: "Сводка на", Role.MANAGER: "Сводка на", Role.LAWYER: "Очередь юриста",
               Role.COURIER: "Уведомления к доставке"}
    for role, heading in landing.items():
        page = await _logged_in(browser, base_url, role.value)
        await expect(page.locator("h1")).to_contain_text(heading)
        await expect(page.locator(".who")).to_contain_text(f"({role.value})")
        await _shot(page, f"start-{role.value}")
        if role == Role.COURIER:
            response = await page.goto(f"{base_url}/cases/1")
            assert response is not None and response.status == 403
        await page.close()
    anonymous = await browser.new_page()
    await anonymous.goto(f"{base_url}/cases")
    assert anonymous.url.startswith(f"{base_url}/login?next=")
    await _shot(anonymous, "login")
    await anonymous.close()


async def test_manager_filters_the_registry_opens_a_case_and_stops_it(
    browser: Browser, base_url: str
) -> None:
    page = await _logged_in(browser, base_url, Role.MANAGER.value)
    await page.click("header nav >> text=Дела")
    await expect(page.locator("#registry tbody tr")).to_have_count(3)
    await page.fill("input[name=min_debt]", "10000")
    await page.click("form.filters button[type=submit]")
    await expect(page.locator("#registry tbody tr")).to_have_count(1)
    await _shot(page, "cases-registry")
    await page.click("#registry >> text=№3")
    await expect(page.locator("h1")).to_contain_text("Дело №3")
    await expect(page.locator("#history")).to_contain_text("system")
    await _shot(page, "case-card")
    await page.click("text=Остановить работу по делу")
    await expect(page.locator(".notice")).to_contain_text("Работа по делу остановлена")
    await expect(page.locator("#case-status")).to_have_text("приостановлено")
    await page.close()


async def test_manager_schedules_and_pauses_a_wave(browser: Browser, base_url: str) -> None:
    page = await _logged_in(browser, base_url, Role.MANAGER.value)
    await page.goto(f"{base_url}/waves")
    form = page.locator("#new-wave")
    await form.locator("input[name=name]").fill("Июнь: SMS-напоминание")
    await form.locator("select[name=channel]").select_option("sms")
    await form.locator("input[name=min_debt]").fill("1000")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".notice")).to_contain_text("Волна №1 запланирована")
    row = page.locator('tr[data-wave="1"]')
    await expect(row.locator(".state")).to_have_text("запланирована")
    await row.locator("text=Пауза").click()
    await expect(page.locator('tr[data-wave="1"] .state')).to_have_text("на паузе")
    await _shot(page, "waves")
    await page.close()


async def test_manager_uploads_billing_files(browser: Browser, base_url: str, tmp_path: Path) -> None:
    page = await _logged_in(browser, base_url, Role.MANAGER.value)
    await page.goto(f"{base_url}/imports")
    files = sorted(str(p) for p in write_utility(tmp_path / "upload").iterdir())
    await page.set_input_files("input[name=files]", files)
    await page.click("#upload button[type=submit]")
    await expect(page.locator("#import-result")).to_contain_text("Загрузка записана")
    bad = tmp_path / "bad" / "accounts.csv"
    bad.parent.mkdir()
    bad.write_text("number;building\n;B1\n", encoding="utf-8")
    await page.set_input_files("input[name=files]", [str(bad)])
    await page.click("#upload button[type=submit]")
    await expect(page.locator("#row-errors")).to_contain_text("accounts.csv")
    await _shot(page, "import-errors")
    await page.close()
