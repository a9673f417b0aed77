"""The bot playground on the real dialogue and the real Rasa service: a manager's typed lines,
the bot's replies, the intents heard and the call's state; a clear message when Rasa is down."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.playground import PLAYGROUND, Playground
from models.user import Role
from tests.voicebot.conftest import free_port, rasa_test_settings, rasa_url  # noqa: F401
from tests.web.login import csrf_of, log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases
from voicebot.nlu.settings import RasaSettings

_CHAT = re.compile(r"/playground\?chat=([\w-]+)")


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path, rasa_url: str,  # noqa: F811
                 rasa_test_settings: RasaSettings) -> AsyncIterator[TestClient]:  # noqa: F811
    await utility_with_cases(engine, tmp_path / "export")
    app = create_app(engine, today=CASES_AS_OF)
    app[PLAYGROUND] = Playground(rasa_test_settings.model_copy(update={"url": rasa_url}))
    async with TestClient(TestServer(app)) as client:
        await log_in_as(client, engine, Role.MANAGER)
        yield client


async def _say(client: TestClient, chat: str, text: str) -> str:
    token = await csrf_of(client, f"/playground?chat={chat}")
    return await (await client.post("/playground/say",
                                    data={"_csrf": token, "chat": chat, "text": text})).text()


async def test_a_manager_talks_to_the_bot(client: TestClient, engine: AsyncEngine) -> None:
    token = await csrf_of(client, "/playground")
    started = await client.post("/playground", data={"_csrf": token, "account": "1001"},
                                allow_redirects=False)
    assert started.status == 302
    found = _CHAT.search(started.headers["Location"])
    assert found
    chat = found.group(1)
    page = await (await client.get(f"/playground?chat={chat}")).text()
    assert "проверка личности" in page and "вы Иванов Иван Петрович?" in page
    token = await csrf_of(client, f"/playground?chat={chat}")
    empty = await client.post("/playground/say", data={"_csrf": token, "chat": chat, "text": " "})
    assert empty.status == 422 and "Напишите, что отвечает должник" in await empty.text()
    page = await _say(client, chat, "да это я")
    assert "[affirm " in page and 'id="dialogue-stage">разговор о долге<' in page
    assert "личность подтверждена" in page
    page = await _say(client, chat, "заплачу в пятницу")
    assert "[promise_to_pay " in page and "дата оплаты" in page
    assert 'id="dialogue-stage">подтверждение обещания<' in page
    page = await _say(client, chat, "да")
    assert "звонок завершён" in page and "обещание оплатить до" in page
    assert "Бот завершил звонок" in page and 'id="say"' not in page
    token = await csrf_of(client, f"/playground?chat={chat}")
    late = await client.post("/playground/say", data={"_csrf": token, "chat": chat, "text": "алло"})
    assert late.status == 409 and "уже завершил" in await late.text()
    # Another manager's tab does not see this conversation; a form without its token is refused.
    async with TestClient(TestServer(client.app)) as other:
        await log_in_as(other, engine, Role.ADMIN)
        assert (await other.get(f"/playground?chat={chat}")).status == 404
    refused = await client.post("/playground/say", data={"chat": chat, "text": "да"})
    assert refused.status == 403


async def test_a_bad_account_and_a_rasa_that_is_down(client: TestClient) -> None:
    token = await csrf_of(client, "/playground")
    unknown = await client.post("/playground", data={"_csrf": token, "account": "777"})
    assert unknown.status == 422 and "нет лицевого счёта 777" in await unknown.text()
    started = await client.post("/playground", data={"_csrf": token, "account": "1001"},
                                allow_redirects=False)
    found = _CHAT.search(started.headers["Location"])
    assert found
    playground = client.app[PLAYGROUND]
    playground.settings = playground.settings.model_copy(
        update={"url": f"http://127.0.0.1:{free_port()}"})
    down = await client.post("/playground/say",
                             data={"_csrf": token, "chat": found.group(1), "text": "да это я"})
    text = await down.text()
    assert down.status == 503 and "сервис распознавания Rasa" in text and "не отвечает" in text
    # The line was not heard: the conversation is where it was.
    assert "проверка личности" in text and "да это я" not in text.split('id="turns"')[1]
    again = await client.post("/playground", data={"_csrf": token, "account": "1001"})
    assert again.status == 503 and "повторите через минуту" in await again.text()
