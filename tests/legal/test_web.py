"""The lawyer's page of an account and the pack in one click, served by the real web app."""
from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from tests.legal import world
from models.user import Role
from tests.legal.test_documents import family_account
from tests.legal.test_enforcement import ordered_account
from tests.web.login import log_in_as


async def test_the_lawyers_page_and_the_pack_download(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await family_account(session, father_snils="")
    async with TestClient(TestServer(create_app(engine, today=date(2026, 8, 31)))) as client:
        await log_in_as(client, engine, Role.LAWYER)
        page = await client.get("/accounts/100200/legal")
        assert page.status == 200
        html = await page.text()
        for text in ("Судебный приказ: лицевой счёт 100200", "270,38", "16.05.2026",
                     "Судебный участок № 2 судебного района Советского районного суда г. Рязани",
                     "идентификатор должника Петров Олег Иванович", "2\u00a0000 руб.",
                     "перенос срока оплаты с выходного дня"):
            assert text in html, text
        pack = await client.get("/accounts/100200/pack.zip")
        assert pack.status == 200 and pack.content_type == "application/zip"
        with zipfile.ZipFile(BytesIO(await pack.read())) as archive:
            assert sorted(archive.namelist()) == [
                "100200-1-raschet-dolga.docx", "100200-1-raschet-peni.docx",
                "100200-1-zayavlenie.docx"]
        assert (await client.get("/accounts/404/legal")).status == 404


async def unmatched_account(session: AsyncSession) -> None:
    """Account 100400 at an address no court table matches: no document can name the court."""
    house = await world.building(session, street="ул. Неизвестная", house="3")
    acc = await world.account(session, house, "100400", "1", {"2026-03": "5000.00"})
    await world.owns(session, acc, await world.person(session, "X", "Орлов", "Иван", "Ильич"))
    await session.commit()


async def test_no_documents_at_all_is_an_error_naming_the_fields(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await unmatched_account(session)
    async with TestClient(TestServer(create_app(engine, today=date(2026, 8, 31)))) as client:
        await log_in_as(client, engine, Role.LAWYER)
        html = await (await client.get("/accounts/100400/legal")).text()
        assert "не определён:" in html and "адрес не найден" in html
        pack = await client.get("/accounts/100400/pack.zip")
        assert pack.status == 422 and "адрес не найден" in await pack.text()


async def test_enforcement_and_response_documents_from_the_lawyers_page(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await ordered_account(session, debtor_bank=False)
    async with TestClient(TestServer(create_app(engine, today=date(2026, 8, 31)))) as client:
        await log_in_as(client, engine, Role.LAWYER)
        html = await (await client.get("/accounts/300100/legal")).text()
        assert "/accounts/300100/documents/fssp.zip" in html
        fssp = await client.get("/accounts/300100/documents/fssp.zip")
        assert fssp.status == 200 and fssp.content_type == "application/zip"
        with zipfile.ZipFile(BytesIO(await fssp.read())) as archive:
            assert archive.namelist() == ["300100-1-fssp.docx"]
        bank = await client.get("/accounts/300100/documents/bank.zip")
        assert bank.status == 422 and "БИК банка должника Орлов Пётр Ильич" in await bank.text()
        response = await client.get("/accounts/300100/documents/objection-response.zip")
        assert response.status == 422 and "не записаны" in await response.text()
        assert (await client.get("/accounts/300100/documents/other.zip")).status == 404
