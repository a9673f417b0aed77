"""In real headless Chromium: a lawyer ticks accounts in the queue, starts their court packs and
watches the batch finish, with the accounts whose packs could not be made listed."""
from __future__ import annotations

import zipfile

from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.history import EventKind, record_event
from models.entities import Account, Case
from models.user import Role
from tests.web import test_browser as chromium

# The same server with the sample utility's cases and a user per role, and the same Chromium.
base_url = chromium.base_url
browser = chromium.browser


async def test_a_lawyer_starts_a_batch_of_packs_and_sees_it_finish(
    browser: Browser, base_url: str, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    accounts = []
    async with sessionmaker.begin() as session:
        for case_id in (1, 2):
            case = await session.get(Case, case_id)
            assert case is not None
            record_event(session, case, EventKind.LAWYER_TASK, "проверить пакет", actor="legal")
            account = await session.get(Account, case.account_id)
            assert account is not None
            accounts.append(account.number)
    page = await chromium._logged_in(browser, base_url, Role.LAWYER.value)
    await page.goto(f"{base_url}/lawyer")
    for number in accounts:
        await page.check(f'#pack-batch-form input[name=account][value="{number}"]')
    await page.click("#pack-batch-form button[type=submit]")
    box = page.locator("#pack-batch")
    await expect(box.locator(".stage")).to_have_text("готово: пакеты 1 из 2 лицевых счетов",
                                                     timeout=60_000)
    # The first account's debtor without an identifier gets no documents, its co-owner does;
    # the second account has no owners at all.
    refused = box.locator(".refused li")
    await expect(refused).to_have_count(2)
    await expect(refused.filter(has_text=f"{accounts[0]}: заявление")).to_contain_text(
        "не хватает: идентификатор должника")
    await expect(refused.filter(has_text=f"{accounts[1]}: ")).to_have_text(
        f"{accounts[1]}: у лицевого счёта нет должников")
    await chromium._shot(page, "pack-batch")
    async with page.expect_download() as download_info:
        await box.locator(".download a").click()
    download = await download_info.value
    with zipfile.ZipFile(await download.path()) as archive:
        names = archive.namelist()
    assert names and all(name.startswith(f"{accounts[0]}-") for name in names), names
    await page.close()
