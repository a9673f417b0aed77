"""The managers' pages in real headless Chromium: the dashboard's charts, a playground exchange
with the bot on the real Rasa service, and a call recording playing on a case card.
Screenshots go to tests/artifacts/."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.playground import PLAYGROUND, Playground
from backoffice.web.recordings import RECORDINGS, RecordingStore
from models.user import Role
from tests.voicebot.conftest import rasa_test_settings, rasa_url  # noqa: F401
from tests.web.login import add_user
from tests.web.recorded_call import recorded_call
from tests.web.test_browser import _logged_in, _shot, browser  # noqa: F401
from tests.web.test_dashboard import seed_dashboard_world
from tests.web.world import CASES_AS_OF, utility_with_cases
from voicebot.nlu.settings import RasaSettings


@pytest.fixture
async def site(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
               rasa_url: str, rasa_test_settings: RasaSettings,  # noqa: F811
               ) -> AsyncIterator[tuple[str, int]]:
    """The base URL and the id of the attempt with a recording."""
    await utility_with_cases(engine, tmp_path / "export")
    await seed_dashboard_world(sessionmaker)
    recorded, _ = await recorded_call(sessionmaker, tmp_path / "recordings")
    await add_user(engine, Role.MANAGER.value, Role.MANAGER)
    app = create_app(engine, today=CASES_AS_OF)
    app[RECORDINGS] = RecordingStore(tmp_path / "recordings", 90)
    app[PLAYGROUND] = Playground(rasa_test_settings.model_copy(update={"url": rasa_url}))
    server = TestServer(app, port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), recorded
    finally:
        await server.close()


async def test_dashboard_charts_playground_and_a_recording(
    browser: Browser, site: tuple[str, int]  # noqa: F811
) -> None:
    base_url, recorded = site
    page = await _logged_in(browser, base_url, Role.MANAGER.value)
    charts = page.locator("svg.chart")
    await expect(charts).to_have_count(6)
    for index in range(6):
        await expect(charts.nth(index)).to_be_visible()
    await expect(page.locator('#promises .bar[data-label="выполнены"]')).to_have_attribute(
        "data-value", "2")
    await expect(page.locator("#wave-recovery .bar")).to_have_count(2)
    box = await page.locator('#debt-by-stage .bar rect').first.bounding_box()
    assert box is not None and box["width"] > 100
    await _shot(page, "dashboard")

    await page.click("header nav >> text=Проверка бота")
    await page.fill("#start-chat input[name=account]", "1001")
    await page.click("#start-chat button[type=submit]")
    await expect(page.locator("#dialogue-stage")).to_have_text("проверка личности")
    await page.fill("#say input[name=text]", "да это я")
    await page.click("#say button[type=submit]")
    await expect(page.locator("#dialogue-stage")).to_have_text("разговор о долге")
    await expect(page.locator("#turns li.debtor .intent")).to_contain_text("affirm")
    await expect(page.locator("#turns li.bot")).to_have_count(2)
    await _shot(page, "bot-playground")

    await page.goto(f"{base_url}/cases/1")
    player = page.locator(f'audio.recording[data-attempt="{recorded}"]')
    await expect(player).to_be_visible()
    duration = await player.evaluate(
        """audio => new Promise((resolve, reject) => {
             audio.addEventListener("loadedmetadata", () => resolve(audio.duration), {once: true});
             audio.addEventListener("error", () => reject(new Error("audio error")), {once: true});
             audio.preload = "metadata"; audio.load();
           })""")
    assert abs(duration - 1.0) < 0.05
    await _shot(page, "case-card-recording")
    await page.close()
