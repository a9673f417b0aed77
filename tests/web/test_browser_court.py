"""In real headless Chromium: a lawyer records court events on a case card and sees the case move
through the court stages; a manager edits a plan step, is told what is wrong, then saves it as a
new version. Screenshots go to tests/artifacts/."""
from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from models.user import Role
from tests.web import test_browser as chromium

# The same server with the sample utility's cases and a user per role, and the same Chromium.
base_url = chromium.base_url
browser = chromium.browser


async def _record(page: Page, kind: str, on: str, **fields: str) -> None:
    """Fill the case card's court form (a select for the recipient, text otherwise) and send it."""
    form = page.locator("#court-event")
    await form.locator("select[name=kind]").select_option(kind)
    await form.locator("input[name=on]").fill(on)
    for name, value in fields.items():
        if name == "recipient":
            await form.locator(f"select[name={name}]").select_option(value)
        else:
            await form.locator(f"input[name={name}]").fill(value)
    await form.locator("button[type=submit]").click()


async def test_a_lawyer_records_court_events_and_the_case_moves(browser: Browser, base_url: str) -> None:
    page = await chromium._logged_in(browser, base_url, Role.LAWYER.value)
    await page.goto(f"{base_url}/cases/1")
    await expect(page.locator("#case-stage")).to_have_text("Мягкие напоминания")
    await _record(page, "filed", "2026-04-20", court="62MS0002", case_number="2-101/2026")
    await expect(page.locator("#court .notice")).to_contain_text("Судебное событие записано")
    await expect(page.locator("#case-stage")).to_have_text("Судебный приказ")
    await expect(page.locator("#case-status")).to_have_text("у юриста")
    await expect(page.locator("#history")).to_contain_text("Заявление подано в суд")
    await expect(page.locator("#filings")).to_contain_text("2-101/2026")
    await _record(page, "enforcement_sent", "2026-05-20")
    await expect(page.locator("#court-error")).to_contain_text("приказ ещё не записан")
    await chromium._shot(page, "court-event-refused")
    await _record(page, "order_issued", "2026-05-05", order_number="2-101/2026-П")
    await expect(page.locator("#filings")).to_contain_text("№ 2-101/2026-П от 05.05.2026")
    await _record(page, "enforcement_sent", "2026-06-01", recipient="fssp",
                  recipient_name="ОСП по Советскому району")
    await expect(page.locator("#case-stage")).to_have_text("Исполнительное производство")
    await expect(page.locator("#history tbody tr").first).to_contain_text("Этап «Судебный приказ»")
    await expect(page.locator("#history")).to_contain_text("Направлено на исполнение: № 2-101/2026-П")
    await expect(page.locator("#history")).to_contain_text("lawyer")
    await chromium._shot(page, "court-events")
    await page.close()


async def test_a_manager_edits_a_plan_step(browser: Browser, base_url: str) -> None:
    page = await chromium._logged_in(browser, base_url, Role.MANAGER.value)
    await page.goto(f"{base_url}/plans")
    await page.click("a.edit-plan")
    step = page.locator('fieldset[data-stage="robot"] tr[data-step="call-3"]')
    await step.locator('input[name$=":day"]').fill("20")
    await page.click("#plan-edit button[type=submit]")
    await expect(page.locator("#plan-problems")).to_contain_text("день 20 не наступит")
    await chromium._shot(page, "plan-edit-refused")
    step = page.locator('fieldset[data-stage="robot"] tr[data-step="call-3"]')
    await step.locator('input[name$=":day"]').fill("11")
    await step.locator('input[name$=":min_debt"]').fill("2000")
    await page.locator('tr[data-step="sms-payment-details"] select').select_option("email")
    await page.locator('tr[data-step="call-2"] input[type=checkbox]').uncheck()
    await page.click("#plan-edit button[type=submit]")
    await expect(page.locator("#plan-saved")).to_contain_text("zhkh-individuals v2")
    await expect(page.locator("section.plan h2").first).to_contain_text("версия 2, основной")
    await chromium._shot(page, "plan-edited")
    await page.close()
