"""The Rasa service dies mid-call: the bot goes on without it (every answer heard as not
understood, so it re-prompts and then closes the call with its scripted end, the payment-details
SMS for a confirmed debtor), and the call ends with an outcome that moves the case."""
from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes.report import Intent, OutcomeKind
from campaigns.outcomes.rules import PAYMENT_DETAILS_STEP
from models.enums import AttemptStatus
from models.outreach import Attempt
from tests.campaigns.builders import T0, attempt, debtor_case
from tests.voicebot.conftest import settings_on_free_port
from voicebot.dialogue import CollectionDialogue, context_for_attempt, report_call
from voicebot.dialogue.phrases import load_phrases
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_model import RasaUnavailable
from voicebot.nlu.rasa_service import loaded_model, rasa_service
from voicebot.nlu.settings import RasaSettings

CALL_NOW = T0


def _service_pids(port: int) -> list[int]:
    """The ``rasa run`` processes serving ``port`` (the service fixture keeps no handle on them)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run" in argv and b"--enable-api" in argv and str(port).encode() in argv:
            pids.append(int(proc.name))
    return pids


@pytest.fixture
async def own_rasa() -> AsyncIterator[RasaSettings]:
    """A Rasa service of this test's own, since the test kills it (the session's stays up)."""
    settings = settings_on_free_port()
    try:
        async with rasa_service(settings):
            yield settings
    except RasaUnavailable as exc:
        pytest.fail(str(exc))


async def test_rasa_killed_mid_call_the_bot_falls_back_and_the_call_ends_with_an_outcome(
    own_rasa: RasaSettings, sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    port = int(own_rasa.url.rsplit(":", 1)[1])
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "9301", phone="+79100009301")
        row = attempt(case, person, "call-rasa-down", status=AttemptStatus.STARTED)
        session.add(row)
        await session.flush()
        context = await context_for_attempt(session, row.id)
    phrases = load_phrases()
    async with RasaClient.from_settings(own_rasa) as client:
        bot = CollectionDialogue(context, client, phrases)
        await bot.open(CALL_NOW)
        await bot.hear("да это я", CALL_NOW)
        await bot.hear("а сколько я должен", CALL_NOW)
        pids = _service_pids(port)
        assert pids, "the Rasa service's process was not found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        assert await loaded_model(own_rasa.url) is None
        replies = [await bot.hear("заплачу в пятницу", CALL_NOW)]
        while not replies[-1].hang_up:
            replies.append(await bot.hear("ну я же сказал, в пятницу", CALL_NOW))
    report = bot.outcome(hung_up_by_debtor=False)
    # Rasa understood the first two answers; after its death every answer is a fallback.
    assert report.intents[:2] == (Intent.AFFIRM, Intent.ASK_AMOUNT)
    assert set(report.intents[2:]) == {Intent.NLU_FALLBACK}
    # Re-prompted, then the scripted close: the payment details go by SMS.
    assert [reply.hang_up for reply in replies] == [False, False, True]
    assert replies[0].text.startswith("Извините, я вас не расслышала.")
    assert "Мы отправим вам SMS с реквизитами для оплаты" in replies[-1].text
    assert report.kind == OutcomeKind.ANSWERED and report.identity_confirmed
    assert report.send_payment_details
    async with sessionmaker() as session, session.begin():
        result = await report_call(session, row.id, bot, hung_up_by_debtor=False, now=CALL_NOW)
    assert result.applied
    async with sessionmaker() as session:
        attempts = (await session.execute(select(Attempt).order_by(Attempt.id))).scalars().all()
    assert (attempts[0].status, attempts[0].outcome) == ("done", "answered")
    # The SMS the bot promised is queued for the debtor.
    assert [(a.channel, a.step_code) for a in attempts[1:]] == [("sms", PAYMENT_DETAILS_STEP)]
