"""An unexpected failure reaches people as plain Russian with what to do and a code for the log."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backoffice.web.errors import unexpected_errors


async def _broken(_request: web.Request) -> web.Response:
    raise RuntimeError("disk full")


async def _missing(_request: web.Request) -> web.Response:
    raise web.HTTPNotFound(text="дела №5 нет")


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    app = web.Application(middlewares=[unexpected_errors])
    app.router.add_get("/cases/1", _broken)
    app.router.add_get("/api/cases/1", _broken)
    app.router.add_get("/cases/5", _missing)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_a_page_explains_and_the_log_has_the_code(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="backoffice.web.errors"):
        response = await client.get("/cases/1")
        html = await response.text()
    assert response.status == 500 and response.content_type == "text/html"
    assert "действие не выполнено" in html and "Повторите его через минуту" in html
    assert "disk full" not in html
    code = html.split("код ошибки ")[1].split(" ")[0]
    assert len(code) == 8
    assert any(code in record.getMessage() and record.exc_info for record in caplog.records)


async def test_the_api_answers_json_and_expected_refusals_pass(client: TestClient) -> None:
    response = await client.get("/api/cases/1")
    body = await response.json()
    assert response.status == 500 and "непредвиденная ошибка" in body["error"]
    assert body["code"] in body["error"]
    missing = await client.get("/cases/5")
    assert missing.status == 404 and await missing.text() == "дела №5 нет"
