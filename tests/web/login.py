"""Logging a test client in as a user of a given role, through the real login form."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.web.app import create_app
from backoffice.web.auth.users import save_user
from models.db import make_sessionmaker
from models.user import Role

PASSWORD = "верный-пароль-1"
_CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


async def add_user(engine: AsyncEngine, login: str, role: Role, password: str = PASSWORD) -> None:
    async with make_sessionmaker(engine).begin() as session:
        await save_user(session, login, role, password, full_name=f"{login} (тест)")


async def csrf_of(client: TestClient, path: str = "/login") -> str:
    html = await (await client.get(path)).text()
    found = _CSRF.search(html)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


async def log_in(client: TestClient, login: str, password: str = PASSWORD) -> int:
    """The status of the login POST (302 on success; redirects are not followed)."""
    token = await csrf_of(client)
    response = await client.post("/login", data={"login": login, "password": password,
                                                 "_csrf": token}, allow_redirects=False)
    return response.status


async def log_in_as(client: TestClient, engine: AsyncEngine, role: Role) -> None:
    login = f"{role.value}-test"
    await add_user(engine, login, role)
    assert await log_in(client, login) == 302


@asynccontextmanager
async def client_as(engine: AsyncEngine, role: Role, today: date) -> AsyncIterator[TestClient]:
    """A client of a fresh app with the ledger date ``today``, logged in as a ``role`` user."""
    async with TestClient(TestServer(create_app(engine, today=today))) as client:
        await log_in_as(client, engine, role)
        yield client
