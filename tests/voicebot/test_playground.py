"""The text playground: what it shows for each line and the outcome it prints."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from io import StringIO

from campaigns.outcomes.report import Intent
from voicebot.dialogue.playground import run_chat

from tests.voicebot.scripted import AMOUNT_WORDS, CONTEXT, NOW, ScriptedParser


async def typed(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def test_a_conversation_shows_intents_replies_and_the_outcome() -> None:
    out = StringIO()
    report = await run_chat(CONTEXT, ScriptedParser(), typed("#1", "", "заплачу в пятницу",
                                                             "да это я", "не читается"),
                            out, lambda: NOW)
    text = out.getvalue()
    assert text.startswith("Бот: Здравствуйте! Это автоматический звонок")
    assert "  [клавиша 1]\n" in text
    assert AMOUNT_WORDS in text
    assert "  [promise_to_pay 0.92, дата оплаты 2026-12-04]\n" in text
    assert "(бот завершил звонок)" in text
    outcome = json.loads(text.split("Итог звонка:\n", 1)[1])
    assert outcome["promise_date"] == "2026-12-04"
    assert outcome["intents"] == ["affirm", "promise_to_pay", "affirm"]
    assert outcome["listened_to_end"] is True
    assert report.intents == (Intent.AFFIRM, Intent.PROMISE_TO_PAY, Intent.AFFIRM)


async def test_ending_the_input_is_hanging_up() -> None:
    out = StringIO()
    report = await run_chat(CONTEXT, ScriptedParser(), typed("да это я"), out, lambda: NOW)
    assert report.identity_confirmed is True
    assert not report.listened_to_end
    assert "(бот завершил звонок)" not in out.getvalue()
