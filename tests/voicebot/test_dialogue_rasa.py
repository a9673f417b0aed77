"""The dialogue end to end on the real Rasa service: typed Russian in, replies and outcome out."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.report import Intent
from voicebot.dialogue import CollectionDialogue
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.settings import RasaSettings

from tests.campaigns.builders import debtor_case
from tests.voicebot.scripted import AMOUNT_WORDS, CONTEXT, NOW

VOZVRAT = Path(sys.executable).with_name("vozvrat")


async def conversation(settings: RasaSettings, url: str, *lines: str) -> CollectionDialogue:
    async with RasaClient.from_settings(settings, url) as client:
        bot = CollectionDialogue(CONTEXT, client)
        await bot.open(NOW)
        for line in lines:
            reply = await bot.hear(line, NOW)
            if reply.hang_up:
                break
    return bot


async def test_a_promise_on_the_real_nlu(rasa_url: str, rasa_test_settings: RasaSettings) -> None:
    bot = await conversation(rasa_test_settings, rasa_url,
                             "да это я", "а сколько я должен", "заплачу в пятницу", "да")
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents == (Intent.AFFIRM, Intent.ASK_AMOUNT, Intent.PROMISE_TO_PAY,
                              Intent.AFFIRM)
    assert report.promise_date == date(2026, 12, 4)  # NOW is Tuesday 1 December
    bot_lines = [turn.text for turn in report.transcript if turn.speaker == "bot"]
    assert AMOUNT_WORDS in bot_lines[2]
    assert "до четвёртого декабря записано" in bot_lines[-1]
    assert report.listened_to_end


async def test_a_wrong_number_on_the_real_nlu(rasa_url: str, rasa_test_settings: RasaSettings) -> None:
    bot = await conversation(rasa_test_settings, rasa_url, "вы ошиблись номером")
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents == (Intent.WRONG_PERSON,)
    assert bot.ended
    assert all(AMOUNT_WORDS not in turn.text and "задолж" not in turn.text
               for turn in report.transcript)


async def test_a_call_back_on_the_real_nlu(rasa_url: str, rasa_test_settings: RasaSettings) -> None:
    bot = await conversation(rasa_test_settings, rasa_url, "да это я", "перезвоните вечером")
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents == (Intent.AFFIRM, Intent.CALLBACK_LATER)
    assert report.callback_at is not None and report.callback_at.date() == NOW.date()
    assert report.callback_at > NOW


async def test_bot_chat_command_on_the_real_nlu(
        rasa_url: str, sessionmaker: async_sessionmaker[AsyncSession], database_url: str) -> None:
    async with sessionmaker() as session:
        await debtor_case(session, "9001")
        await session.commit()
    env = os.environ | {"VOZVRAT_RASA_URL": rasa_url}
    done = await asyncio.to_thread(
        subprocess.run,
        [str(VOZVRAT), "bot", "chat", "--account", "9001", "--url", database_url,
         "--now", "2026-12-01T12:00"],
        input="да это я\nне согласен с начислениями\n", capture_output=True, text=True,
        env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "  [affirm " in done.stdout and "  [dispute " in done.stdout
    assert "пять тысяч рублей" in done.stdout
    outcome = json.loads(done.stdout.split("Итог звонка:\n", 1)[1])
    assert outcome["intents"] == ["affirm", "dispute"]
    assert outcome["identity_confirmed"] is True
