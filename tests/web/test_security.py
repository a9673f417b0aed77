"""Logins, roles, CSRF, the login limit and the personal-data audit, on the real app and database."""
from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.cli.main import main
from backoffice.web.app import create_app
from backoffice.web.auth.access import ROUTE_ROLES
from backoffice.web.auth.users import authenticate, disable_user
from backoffice.web.settings import WebSettings
from models.user import AuditEntry, Role, User, WebSession
from tests.web.login import PASSWORD, add_user, csrf_of, log_in, log_in_as

_PARAMETER = re.compile(r"\{(\w+)[^}]*\}")
# A value each path parameter accepts, so that the route (not a 404) answers.
_SAMPLE = {"action": "pause"}


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
                 ) -> AsyncIterator[TestClient]:
    settings = WebSettings(login_attempts=3, address_login_attempts=5, login_window_seconds=600)
    async with TestClient(TestServer(create_app(engine, settings=settings))) as client:
        yield client


def _protected_paths(client: TestClient) -> list[tuple[str, str]]:
    app = client.server.app
    assert app is not None
    return [(route.method, _PARAMETER.sub(lambda m: _SAMPLE.get(m.group(1), "1"),
                                           route.resource.canonical))
            for route in app[ROUTE_ROLES] if route.resource is not None]


async def test_every_protected_route_needs_a_login(client: TestClient) -> None:
    paths = _protected_paths(client)
    assert len(paths) >= 6
    for method, path in paths:
        response = await client.request(method, path, allow_redirects=False)
        if method == "GET" and not path.startswith("/api/"):
            assert response.status == 302, (method, path)
            assert response.headers["Location"].startswith("/login?next="), path
        else:
            assert response.status == 401, (method, path, response.status)


async def test_login_logout_and_the_session_cookie(client: TestClient, engine: AsyncEngine) -> None:
    await add_user(engine, "manager1", Role.MANAGER)
    assert await log_in(client, "manager1", "не тот пароль") == 401
    token = await csrf_of(client)
    response = await client.post("/login", data={"login": "manager1", "password": PASSWORD,
                                                 "_csrf": token, "next": "/\\evil.example/"},
                                 allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = await client.get("/", allow_redirects=False)
    assert page.status == 200 and "manager1 (тест)" in await page.text()
    logout_token = await csrf_of(client, "/")
    await client.post("/logout", data={"_csrf": logout_token}, allow_redirects=False)
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_forms_without_the_csrf_token_are_rejected(client: TestClient, engine: AsyncEngine) -> None:
    await add_user(engine, "manager1", Role.MANAGER)
    await csrf_of(client)
    refused = await client.post("/login", data={"login": "manager1", "password": PASSWORD},
                                allow_redirects=False)
    assert refused.status == 403 and "Форма устарела" in await refused.text()
    forged = await client.post("/login", data={"login": "manager1", "password": PASSWORD,
                                               "_csrf": "forged"}, allow_redirects=False)
    assert forged.status == 403
    assert await log_in(client, "manager1") == 302
    assert (await client.post("/logout", allow_redirects=False)).status == 403
    assert (await client.get("/", allow_redirects=False)).status == 200


async def test_the_login_limit_holds_even_the_right_password(client: TestClient, engine: AsyncEngine) -> None:
    await add_user(engine, "manager1", Role.MANAGER)
    for _ in range(3):
        assert await log_in(client, "manager1", "подбираю-пароль") == 401
    token = await csrf_of(client)
    response = await client.post("/login", data={"login": "manager1", "password": PASSWORD,
                                                 "_csrf": token}, allow_redirects=False)
    assert response.status == 429
    assert "Слишком много неудачных попыток" in await response.text()
    # Other logins from the same address fail twice more, then the address itself is paused.
    await add_user(engine, "manager2", Role.MANAGER)
    for _ in range(2):
        assert await log_in(client, "manager2", "подбираю-пароль") == 401
    assert await log_in(client, "manager2") == 429


async def test_a_courier_cannot_open_debtor_pages(client: TestClient, engine: AsyncEngine) -> None:
    await log_in_as(client, engine, Role.COURIER)
    for path in ("/", "/accounts", "/accounts/1001", "/accounts/1001/legal"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 403, path
        assert "недоступна для вашей роли" in await response.text()


async def test_viewing_an_account_is_audited(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    assert (await client.get("/accounts/777")).status == 404
    async with sessionmaker() as session:
        entry = (await session.scalars(select(AuditEntry))).one()
    assert (entry.user_login, entry.action, entry.subject, entry.path) == (
        "manager-test", "view", "account:777", "/accounts/777")


async def test_users_add_reads_the_password_from_stdin(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("длинный-пароль\n"))
    assert await asyncio.to_thread(
        main, ["users", "add", "lawyer1", "--role", "lawyer", "--url", database_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert await asyncio.to_thread(
        main, ["users", "add", "lawyer2", "--role", "lawyer", "--url", database_url]) == 2
    async with sessionmaker() as session:
        user = (await session.scalars(select(User))).one()
        assert (user.login, user.role) == ("lawyer1", "lawyer")
        assert user.password_hash.startswith("$argon2id$")
        assert await authenticate(session, "lawyer1", "длинный-пароль") is not None
        assert await authenticate(session, "lawyer1", "другой-пароль") is None


async def _copied_session(client: TestClient, engine: AsyncEngine, login: str) -> dict[str, str]:
    """Log ``login`` in and return a copy of the session cookie, as a thief would keep it."""
    await add_user(engine, login, Role.MANAGER)
    assert await log_in(client, login) == 302
    return {cookie.key: cookie.value for cookie in client.session.cookie_jar}


async def _replayed(client: TestClient, cookies: dict[str, str], path: str = "/") -> int:
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(cookies)
    return (await client.get(path, allow_redirects=False)).status


async def test_a_cookie_copied_before_logout_is_dead_after_it(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    stolen = await _copied_session(client, engine, "manager1")
    assert await _replayed(client, stolen) == 200
    await client.post("/logout", data={"_csrf": await csrf_of(client, "/")}, allow_redirects=False)
    assert await _replayed(client, stolen) == 302
    assert await _replayed(client, stolen, "/api/cases") == 401
    async with sessionmaker() as session:
        assert (await session.scalars(select(WebSession))).all() == []


async def test_logging_out_one_browser_leaves_the_other_logged_in(
    client: TestClient, engine: AsyncEngine
) -> None:
    first = await _copied_session(client, engine, "manager1")
    client.session.cookie_jar.clear()
    assert await log_in(client, "manager1") == 302
    await client.post("/logout", data={"_csrf": await csrf_of(client, "/")}, allow_redirects=False)
    assert await _replayed(client, first) == 200


async def test_a_new_password_or_disabling_ends_every_session(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    stolen = await _copied_session(client, engine, "manager1")
    await add_user(engine, "manager1", Role.MANAGER, password="новый-пароль-2")
    assert await _replayed(client, stolen) == 302
    client.session.cookie_jar.clear()
    assert await log_in(client, "manager1", "новый-пароль-2") == 302
    again = {cookie.key: cookie.value for cookie in client.session.cookie_jar}
    assert await _replayed(client, again) == 200
    async with sessionmaker.begin() as session:
        assert await disable_user(session, "manager1")
        assert not await disable_user(session, "nobody")
    assert await _replayed(client, again) == 302
    assert await log_in(client, "manager1", "новый-пароль-2") == 401


async def test_users_disable_bars_the_login(
    client: TestClient, engine: AsyncEngine, database_url: str
) -> None:
    await add_user(engine, "lawyer1", Role.LAWYER)
    assert await log_in(client, "lawyer1") == 302
    assert await asyncio.to_thread(main, ["users", "disable", "lawyer1", "--url", database_url]) == 0
    assert await asyncio.to_thread(main, ["users", "disable", "nobody", "--url", database_url]) == 2
    assert (await client.get("/lawyer", allow_redirects=False)).status == 302
    assert await log_in(client, "lawyer1") == 401
