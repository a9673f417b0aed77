"""The importer page: a good upload is written, a bad one shows every rejected row."""
from __future__ import annotations

from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from models.entities import Account
from models.user import Role
from tests.imports.files import write_utility
from tests.web.login import csrf_of, log_in_as


async def test_upload_and_the_row_error_report(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with TestClient(TestServer(create_app(engine))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        token = await csrf_of(client, "/imports")
        form = aiohttp.FormData()
        form.add_field("_csrf", token)
        for path in sorted(write_utility(tmp_path / "export").iterdir()):
            form.add_field("files", path.read_bytes(), filename=path.name)
        good = await client.post("/imports", data=form)
        html = await good.text()
        assert good.status == 200 and "Загрузка записана" in html and "лицевые счета" in html
        broken = aiohttp.FormData()
        broken.add_field("_csrf", token)
        broken.add_field("files", "number;building\n;B1\n9001;NOWHERE\n".encode(),
                         filename="accounts.csv")
        bad = await client.post("/imports", data=broken)
        page = await bad.text()
        assert bad.status == 422 and "Ничего не записано" in page
        assert 'id="row-errors"' in page and "accounts.csv" in page
        no_token = aiohttp.FormData()
        no_token.add_field("files", b"x", filename="accounts.csv")
        assert (await client.post("/imports", data=no_token)).status == 403
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == 3
