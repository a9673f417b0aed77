"""Court packs of several accounts from the lawyers' queue: built in the background with
progress, one ZIP of the good accounts' packs, the bad ones listed with the reason."""
from __future__ import annotations

import asyncio
import zipfile
from datetime import date
from io import BytesIO
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from models.user import Role
from tests.legal.test_documents import family_account
from tests.legal.test_web import unmatched_account
from tests.web.login import csrf_of, log_in_as

FILED = date(2026, 8, 31)


async def _finished(client: TestClient, job_url: str) -> dict[str, Any]:
    for _ in range(600):
        state = await (await client.get(job_url)).json()
        if state["state"] == "done":
            return state
        await asyncio.sleep(0.1)
    raise AssertionError(f"the batch did not finish: {state}")


async def test_a_batch_packs_the_good_accounts_and_names_the_refused_one(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await family_account(session)
        await unmatched_account(session)
    app = create_app(engine, today=FILED)
    async with TestClient(TestServer(app)) as client, \
            TestClient(TestServer(create_app(engine, today=FILED))) as other:
        await log_in_as(client, engine, Role.LAWYER)
        token = await csrf_of(client, "/lawyer")
        assert (await client.post("/lawyer/packs", data={"account": ["100200", "100400"]},
                                  allow_redirects=False)).status == 403
        started = await client.post(
            "/lawyer/packs", data={"_csrf": token, "account": ["100200", "100400", "100200"]},
            allow_redirects=False)
        assert started.status == 303
        location = started.headers["Location"]
        job = location.split("batch=")[1].split("#")[0]
        page = await (await client.get(location)).text()
        assert f'data-job="{job}"' in page and "/static/pack_batches.js" in page
        state = await _finished(client, f"/lawyer/packs/{job}")
        assert state["total"] == 2 and state["done"] == 2 and state["packed"] == 1
        assert state["stage"] == "готово: пакеты 1 из 2 лицевых счетов"
        assert [item["account"] for item in state["refused"]] == ["100400"]
        assert "адрес не найден" in state["refused"][0]["reason"]
        html = await (await client.get(location)).text()
        assert "100400: " in html and "адрес не найден" in html
        assert f"/lawyer/packs/{job}/packs.zip" in html
        archive_response = await client.get(f"/lawyer/packs/{job}/packs.zip")
        assert archive_response.status == 200
        assert archive_response.content_type == "application/zip"
        with zipfile.ZipFile(BytesIO(await archive_response.read())) as archive:
            assert sorted(archive.namelist()) == [
                f"100200-{debtor}-{document}.docx" for debtor in (1, 2)
                for document in ("raschet-dolga", "raschet-peni", "zayavlenie")]

        await log_in_as(other, engine, Role.ADMIN)
        assert (await other.get(f"/lawyer/packs/{job}")).status == 404
        assert (await other.get(f"/lawyer/packs/{job}/packs.zip")).status == 404
        assert f'data-job="{job}"' not in await (await other.get(location)).text()


async def test_a_batch_needs_a_lawyer_and_some_account(engine: AsyncEngine) -> None:
    async with TestClient(TestServer(create_app(engine, today=FILED))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        token = await csrf_of(client, "/cases")
        response = await client.post("/lawyer/packs", data={"_csrf": token, "account": "100200"},
                                     allow_redirects=False)
        assert response.status == 403
    async with TestClient(TestServer(create_app(engine, today=FILED))) as client:
        await log_in_as(client, engine, Role.LAWYER)
        token = await csrf_of(client, "/lawyer")
        response = await client.post("/lawyer/packs", data={"_csrf": token})
        assert response.status == 400 and "хотя бы один" in await response.text()
