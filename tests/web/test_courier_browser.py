"""The courier's day on a phone in real headless Chromium: the page and its tasks come from the
service worker with no network, two deliveries (one with a photo) wait on the phone, and when
the network returns each reaches the server exactly once, also when the phone sends them again;
a manager then sees the delivery, its place and its photo on the case card."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.settings import WebSettings
from models.courier import CourierDelivery
from models.entities import Attempt, CaseEvent
from models.user import Role
from tests.web.chromium import ARTIFACTS, chromium
from tests.web.couriers import couriers_with_notices, jpeg_size, png
from tests.web.login import PASSWORD, add_user
from tests.web.test_browser import _logged_in
from tests.web.world import CASES_AS_OF, utility_with_cases

HERE = {"latitude": 54.6269, "longitude": 39.6916, "accuracy": 15}
PHONE = {"width": 390, "height": 844}
# Marks every result on the phone as not yet sent, as a phone that lost the server's replies
# would have them (and the page shows them so until the next sync repaints it).
FORGET_REPLIES = """() => new Promise((resolve, reject) => {
  document.querySelectorAll("li.task.sent").forEach((task) => task.classList.replace("sent", "queued"));
  const open = indexedDB.open("vozvrat-courier", 1);
  open.onsuccess = () => {
    const transaction = open.result.transaction("results", "readwrite");
    const store = transaction.objectStore("results");
    store.getAll().onsuccess = (event) => {
      for (const result of event.target.result) store.put({ ...result, state: "queued" });
    };
    transaction.oncomplete = () => resolve(true);
    transaction.onerror = () => reject(transaction.error);
  };
})"""


@pytest.fixture
async def served(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> AsyncIterator[tuple[str, list[str]]]:
    """The app's address and the paths of the requests that reached it (the database is emptied
    afterwards, through ``sessionmaker``)."""
    await utility_with_cases(engine, tmp_path / "export")
    await couriers_with_notices(engine)
    app = create_app(engine, today=CASES_AS_OF,
                     settings=WebSettings(courier_photo_dir=str(tmp_path / "photos")))
    seen: list[str] = []

    async def log(request: web.Request, _response: web.StreamResponse) -> None:
        seen.append(f"{request.method} {request.path}")

    app.on_response_prepare.append(log)
    server = TestServer(app, port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), seen
    finally:
        await server.close()


@pytest.fixture
async def phone() -> AsyncIterator[BrowserContext]:
    async with chromium() as browser:
        yield await browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
            locale="ru-RU", geolocation=HERE, permissions=["geolocation"])


async def _courier_page(phone: BrowserContext, base_url: str, login: str) -> Page:
    page = await phone.new_page()
    page.set_default_timeout(20_000)
    await page.goto(f"{base_url}/login")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_have_text("Уведомления к доставке")
    # The service worker has installed, cached the page and taken control of it.
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


async def _synced(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    async with sessionmaker() as session:
        return (await session.scalar(select(func.count(CourierDelivery.id))) or 0,
                await session.scalar(select(func.count(Attempt.id)).where(
                    Attempt.channel == "courier", Attempt.status == "done")) or 0,
                await session.scalar(select(func.count(CaseEvent.id)).where(
                    CaseEvent.kind == "outcome")) or 0)


async def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_two_deliveries_recorded_offline_sync_once(
    phone: BrowserContext, served: tuple[str, list[str]], engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    base_url, seen = served
    async with sessionmaker() as session:
        events_before = await session.scalar(
            select(func.count(CaseEvent.id)).where(CaseEvent.kind == "outcome")) or 0
    page = await _courier_page(phone, base_url, "courier-a")
    tasks = page.locator("li.task")
    assert await tasks.count() >= 2
    await _shot(page, "courier-phone")
    first, second = tasks.nth(0), tasks.nth(1)
    ids = [await task.get_attribute("data-attempt") for task in (first, second)]

    await phone.set_offline(True)
    seen.clear()
    await first.locator("input[name=photo]").set_input_files(
        {"name": "door.png", "mimeType": "image/png", "buffer": png(2000, 1500)})
    await first.locator("button[value=courier_mailbox]").click()
    await second.locator("button[value=courier_delivered]").click()
    for task in (first, second):
        await expect(task.locator(".state")).to_contain_text("ждёт отправки")
    await expect(page.locator("#sync-state")).to_contain_text("Нет сети. Ждут отправки: 2")
    await _shot(page, "courier-offline")

    await page.reload()
    await expect(page.locator("h1")).to_have_text("Уведомления к доставке")
    for task_id in ids:
        await expect(page.locator(f'li.task[data-attempt="{task_id}"] .state')
                     ).to_contain_text("ждёт отправки")
    assert seen == [] and await _synced(sessionmaker) == (0, 0, events_before)

    await phone.set_offline(False)
    for task_id in ids:
        await expect(page.locator(f'li.task[data-attempt="{task_id}"] .state')
                     ).to_contain_text("отправлено")
    await _shot(page, "courier-synced")
    deliveries, done, events = await _synced(sessionmaker)
    assert (deliveries, done) == (2, 2) and events > events_before

    sent = seen.count("POST /courier/results")
    assert await page.evaluate(FORGET_REPLIES)
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await page.wait_for_function(
        "document.querySelectorAll('li.task.sent').length === 2")
    assert seen.count("POST /courier/results") == sent + 2
    assert await _synced(sessionmaker) == (2, 2, events)

    async with sessionmaker() as session:
        rows = (await session.execute(
            select(Attempt, CourierDelivery).join(CourierDelivery,
                                                  CourierDelivery.attempt_id == Attempt.id)
            .order_by(Attempt.id))).all()
    assert {str(attempt.id): attempt.outcome for attempt, _ in rows} == {
        ids[0]: "courier_mailbox", ids[1]: "courier_delivered"}
    for attempt, delivery in rows:
        location = attempt.outcome_data["location"]
        assert (location["latitude"], location["longitude"]) == (HERE["latitude"], HERE["longitude"])
        assert attempt.finished_at == delivery.device_time
    photos = {str(attempt.id): delivery.photo for attempt, delivery in rows}
    assert photos[ids[1]] == ""
    stored = (tmp_path / "photos" / photos[ids[0]]).read_bytes()
    assert stored.startswith(b"\xff\xd8\xff") and jpeg_size(stored) == (1280, 960)

    # The manager finds the delivery on the case card: result, place and the photo itself.
    await add_user(engine, "manager", Role.MANAGER)
    case_id = next(attempt.case_id for attempt, _ in rows if str(attempt.id) == ids[0])
    assert phone.browser is not None
    desk = await _logged_in(phone.browser, base_url, "manager")
    await desk.goto(f"{base_url}/cases/{case_id}")
    row = desk.locator(f'#deliveries tr[data-attempt="{ids[0]}"]')
    await expect(row).to_contain_text("оставлено в почтовом ящике")
    await expect(row).to_contain_text("courier-a")
    await expect(row.locator("a.place")).to_have_text("54.62690, 39.69160")
    photo = row.locator("img.photo")
    await photo.scroll_into_view_if_needed()
    await desk.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                 arg=await photo.element_handle())
    assert await photo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1280, 960]
    await _shot(desk, "case-card-deliveries")


async def test_a_courier_sees_only_own_tasks_and_cannot_post_anothers_on_a_shared_phone(
    phone: BrowserContext, served: tuple[str, list[str]],
    sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    base_url, _ = served
    page_b = await _courier_page(phone, base_url, "courier-b")
    theirs = await page_b.locator("li.task").first.get_attribute("data-attempt")
    assert await page_b.evaluate("caches.has('vozvrat-courier')")
    await page_b.click("text=Выйти")
    await page_b.wait_for_url(f"{base_url}/login")
    # The next courier on this phone finds no cached page of the one who left.
    assert not await page_b.evaluate("caches.has('vozvrat-courier')")
    await page_b.close()
    page = await _courier_page(phone, base_url, "courier-a")
    assert await page.locator(f'li.task[data-attempt="{theirs}"]').count() == 0
    task = page.locator("li.task").first
    await task.locator("input[name=photo]").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not a photo"})
    await task.locator("button[value=courier_refused]").click()
    await expect(task.locator(".state")).to_contain_text("не открывается как фото")
    await expect(task.locator("button[value=courier_refused]")).to_be_visible()
    status = await page.evaluate("""async (attempt) => {
      const body = new FormData();
      body.append("key", crypto.randomUUID()); body.append("attempt", attempt);
      body.append("kind", "courier_refused"); body.append("device_time", new Date().toISOString());
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const response = await fetch("/courier/results", { method: "POST", body,
                                                         headers: { "X-CSRF-Token": csrf } });
      return response.status;
    }""", theirs)
    assert status == 404 and (await _synced(sessionmaker))[:2] == (0, 0)


async def test_a_manager_gives_a_courier_a_building(
    served: tuple[str, list[str]], engine: AsyncEngine
) -> None:
    base_url, _ = served
    await add_user(engine, "manager", Role.MANAGER)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        page.set_default_timeout(20_000)
        await page.goto(f"{base_url}/login")
        await page.fill("input[name=login]", "manager")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.click("header nav >> text=Курьеры")
        await page.select_option("#assign select[name=courier]", "courier-b")
        await page.check('#buildings tr[data-building="B2"] input[type=checkbox]')
        await page.click("#assign button[type=submit]")
        await expect(page.locator(".notice")).to_contain_text("Дома назначены курьеру courier-b")
        await expect(page.locator('#buildings tr[data-building="B2"] .current')
                     ).to_have_text("courier-b")
        await _shot(page, "couriers")
