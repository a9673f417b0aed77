"""The NLU on the real Rasa service: every intent, dates filled in, chatter, and a service that fails."""
from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from campaigns.outcomes.report import Intent
from tests.voicebot.conftest import free_port
from voicebot.nlu.rasa_client import RasaClient, interpret
from voicebot.nlu.rasa_model import RasaUnavailable, model_path
from voicebot.nlu.rasa_service import RasaStartError, loaded_model, rasa_service
from voicebot.nlu.result import IntentParser
from voicebot.nlu.settings import RasaSettings

MSK = ZoneInfo("Europe/Moscow")
# Friday 27 November 2026, a quarter past two in the afternoon.
NOW = datetime(2026, 11, 27, 14, 15, tzinfo=MSK)


@pytest.fixture
async def client(rasa_url: str) -> AsyncIterator[RasaClient]:
    async with RasaClient(rasa_url) as parser:
        yield parser


@pytest.mark.parametrize(("text", "intent"), [
    ("да да это я слушаю вас", Intent.AFFIRM),
    ("нет не надо мне ничего", Intent.DENY),
    ("вы ошиблись номером такой тут не живет", Intent.WRONG_PERSON),
    ("так я же уже оплатила на прошлой неделе", Intent.ALREADY_PAID),
    ("хорошо заплачу в пятницу", Intent.PROMISE_TO_PAY),
    ("а сколько я должен", Intent.ASK_AMOUNT),
    ("куда мне перевести деньги", Intent.ASK_HOW_TO_PAY),
    ("а за какие месяцы этот долг", Intent.ASK_DEBT_DETAILS),
    ("я не согласен с начислениями это ошибка", Intent.DISPUTE),
    ("я сейчас за рулем перезвоните вечером", Intent.CALLBACK_LATER),
    ("ничего я платить не буду", Intent.REFUSE_TO_PAY),
    ("а можно платить частями", Intent.REQUEST_INSTALLMENT),
    ("у меня сейчас совсем нет денег я без работы", Intent.HARDSHIP),
    ("соедините меня с живым человеком", Intent.REQUEST_OPERATOR),
    ("а кто это звонит", Intent.ASK_WHO_CALLING),
    ("не звоните мне больше никогда", Intent.STOP_CALLS),
])
async def test_each_intent(client: RasaClient, text: str, intent: Intent) -> None:
    result = await client.parse(text, NOW)
    assert (result.intent, result.text) == (intent, text)
    assert 0.45 <= result.confidence <= 1.0


async def test_a_promise_carries_its_day(client: RasaClient) -> None:
    result = await client.parse("ну хорошо оплачу пятого декабря", NOW)
    assert result.intent is Intent.PROMISE_TO_PAY
    assert result.promise_date == date(2026, 12, 5)
    assert result.callback_at is None


async def test_a_call_back_carries_its_moment(client: RasaClient) -> None:
    result = await client.parse("я на работе перезвоните через час", NOW)
    assert result.intent is Intent.CALLBACK_LATER
    assert result.callback_at == datetime(2026, 11, 27, 15, 15, tzinfo=MSK)
    assert result.promise_date is None


@pytest.mark.parametrize("text", ["погода сегодня хорошая", "алло алло", "", "   "])
async def test_chatter_and_silence_fall_back(client: RasaClient, text: str) -> None:
    result = await client.parse(text, NOW)
    assert result.intent is Intent.NLU_FALLBACK
    assert result.promise_date is None and result.callback_at is None


async def test_asr_text_is_normalised(client: RasaClient) -> None:
    result = await client.parse("  Хорошо, ЗАПЛАЧУ   в пятницу!  ", NOW)
    assert result.intent is Intent.PROMISE_TO_PAY
    assert result.promise_date == date(2026, 12, 4)


def test_the_client_is_an_intent_parser() -> None:
    parser: IntentParser = RasaClient("http://127.0.0.1:1")
    assert callable(parser.parse)


def test_interpretation_of_answers() -> None:
    assert interpret("x", NOW, "out_of_scope", 0.99, 0.45).intent is Intent.NLU_FALLBACK
    assert interpret("x", NOW, "greet", 0.99, 0.45).intent is Intent.NLU_FALLBACK
    assert interpret("да", NOW, "affirm", 0.3, 0.45).intent is Intent.NLU_FALLBACK
    low = interpret("да", NOW, "affirm", 0.3, 0.45)
    assert low.confidence == 0.3
    assert interpret("да", NOW, "affirm", 0.5, 0.45).intent is Intent.AFFIRM
    # Dates are read only where the intent asks for them.
    assert interpret("в пятницу", NOW, "dispute", 0.9, 0.45).promise_date is None


async def test_service_down_falls_back_at_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="voicebot.nlu.rasa_client")
    async with RasaClient(f"http://127.0.0.1:{free_port()}", timeout=2.0) as parser:
        result = await parser.parse("заплачу в пятницу", NOW)
    assert (result.intent, result.confidence, result.promise_date) == (Intent.NLU_FALLBACK, 0.0, None)
    assert "Rasa did not answer" in caplog.text


async def test_a_service_that_hangs_times_out(caplog: pytest.LogCaptureFixture) -> None:
    """A peer that accepts the connection and never answers: the turn goes on after the timeout."""
    release = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await release.wait()
        writer.close()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    caplog.set_level(logging.WARNING, logger="voicebot.nlu.rasa_client")
    try:
        async with RasaClient(f"http://127.0.0.1:{port}", timeout=0.3) as parser:
            result = await asyncio.wait_for(parser.parse("да", NOW), 5)
    finally:
        release.set()
        server.close()
        await server.wait_closed()
    assert (result.intent, result.confidence) == (Intent.NLU_FALLBACK, 0.0)
    assert "TimeoutError" in caplog.text


async def test_a_running_service_is_reused(rasa_url: str, rasa_test_settings: RasaSettings) -> None:
    model = await loaded_model(rasa_url)
    async with rasa_service(rasa_test_settings) as url:
        assert url == rasa_url
    # Leaving the block did not stop the service it did not start.
    assert await loaded_model(rasa_url) == model


async def test_missing_installation_is_reported(tmp_path: Path) -> None:
    no_venv = RasaSettings(url=f"http://127.0.0.1:{free_port()}", venv=tmp_path / "nothing")
    with pytest.raises(RasaUnavailable, match="scripts/setup.sh"):
        async with rasa_service(no_venv):
            pass
    no_model = RasaSettings(url=f"http://127.0.0.1:{free_port()}", model_dir=tmp_path / "models")
    with pytest.raises(RasaUnavailable, match="no Rasa model trained"):
        async with rasa_service(no_model):
            pass



def _fake_rasa(tmp_path: Path, script: str) -> RasaSettings:
    """A stand-in for ``rasa`` that fails the way a real one can, in milliseconds not half a minute."""
    executable = tmp_path / "venv" / "bin" / "rasa"
    executable.parent.mkdir(parents=True)
    executable.write_text(f"#!/bin/sh\n{script}\n")
    executable.chmod(0o755)
    settings = RasaSettings(url=f"http://127.0.0.1:{free_port()}", venv=tmp_path / "venv",
                            model_dir=tmp_path / "models", start_timeout=1.5)
    settings.model_dir.mkdir()
    model_path(settings).touch()
    return settings


async def test_a_service_that_exits_is_reported_with_its_log(tmp_path: Path) -> None:
    settings = _fake_rasa(tmp_path, "echo 'address already in use' >&2; exit 3")
    with pytest.raises(RasaStartError, match=r"exited with 3 \(log .*\):\n(.|\n)*address already in use"):
        async with rasa_service(settings):
            pass


async def test_a_service_that_never_loads_is_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    settings = _fake_rasa(tmp_path, f"echo $$ > {pid_file}; exec sleep 60")
    with pytest.raises(RasaStartError, match="did not load its model within 2 s"):
        async with rasa_service(settings):
            pass
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
