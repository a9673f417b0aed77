"""``vozvrat bot chat`` on a database account: context, clock and terminal wiring."""
from __future__ import annotations

import argparse
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli.bot_chat import chat_command, register_chat
from voicebot.nlu.result import IntentParser

from tests.campaigns.builders import debtor_case
from tests.voicebot.scripted import ScriptedParser

Sessions = async_sessionmaker[AsyncSession]


@asynccontextmanager
async def scripted() -> AsyncIterator[IntentParser]:
    yield ScriptedParser()


def chat_args(database_url: str, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register_chat(parser.add_subparsers(), scripted)
    return parser.parse_args(["chat", "--url", database_url, *argv])


async def test_chat_talks_about_the_accounts_real_debt(
        sessionmaker: Sessions, database_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    async with sessionmaker() as session:
        await debtor_case(session, "8001")
        await session.commit()
    monkeypatch.setattr("sys.stdin", io.StringIO("да это я\nпятнадцатого\nда это я\n"))
    code = await chat_command(chat_args(database_url, "--account", "8001",
                                        "--now", "2026-12-01T12:00"))
    out = capsys.readouterr().out
    assert code == 0
    assert "Скажите, пожалуйста, вы Иванов Иван?" in out
    assert "пять тысяч рублей" in out
    assert "[nlu_fallback 0.40, дата оплаты 2026-12-15]" in out
    outcome = json.loads(out.split("Итог звонка:\n", 1)[1])
    assert outcome["promise_date"] == "2026-12-15"
    assert outcome["identity_confirmed"] is True


async def test_chat_on_an_unknown_account_fails_clearly(
        sessionmaker: Sessions, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = await chat_command(chat_args(database_url, "--account", "нет-такого"))
    assert code == 1
    assert "нет лицевого счёта нет-такого" in capsys.readouterr().err


def test_now_is_read_as_iso() -> None:
    args = chat_args("sqlite://", "--account", "1", "--now", "2026-12-01T12:00")
    assert args.now == datetime(2026, 12, 1, 12, 0)
