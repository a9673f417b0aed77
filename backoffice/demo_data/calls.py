"""The demo's robot calls: Kamailio and the simulated debtors on loopback, the call channel
production runs (Rasa, the speech engines), and each debtor acting its part during the wave.

With the configured vosk model the bot understands the debtors' Russian words; without one (the
Korean stand-in model) it is set not to listen and the debtors answer by its key menu too
(dialer/peers/behaviours.py)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.channel import CallChannel
from dialer.peers.behaviours import PARTS, act, render_lines
from dialer.peers.debtors import LoopbackDebtors
from dialer.peers.processes import Kamailio, free_tcp_port, loopback_line_settings
from models.outreach import Attempt
from voicebot.amd.settings import AmdSettings
from voicebot.nlu.rasa_service import rasa_service
from voicebot.nlu.settings import rasa_settings
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.settings import speech_settings


@dataclass
class DemoCalls:
    channel: CallChannel
    debtors_act: asyncio.Future[object]


async def assign_debtors(sessionmaker: async_sessionmaker[AsyncSession], wave_id: int,
                         users: list[str]) -> dict[str, int]:
    """Route the wave's calls to the simulated debtors, one behaviour each, in case order: the
    demo's phone numbers lead nowhere on loopback. Returns the attempt of each debtor."""
    async with sessionmaker() as session, session.begin():
        rows = list(await session.scalars(select(Attempt).where(Attempt.wave_id == wave_id)
                                          .order_by(Attempt.case_id)))
        for row, user in zip(rows, users):
            row.address = user
        return {user: row.id for row, user in zip(rows, users)}


@asynccontextmanager
async def demo_calls(sessionmaker: async_sessionmaker[AsyncSession], folder: Path,
                     wave_id: int) -> AsyncIterator[DemoCalls]:
    folder.mkdir(parents=True, exist_ok=True)
    kamailio = Kamailio(folder, ("WITH_AUTH",)).start()
    debtors = LoopbackDebtors(folder / "debtors", kamailio.port)
    try:
        await asyncio.to_thread(debtors.start)
        await assign_debtors(sessionmaker, wave_id, debtors.users)
        clips = await render_lines(folder / "lines")
        settings = speech_settings()
        # A vosk model is configured only for Russian; the Korean stand-in understands none, so
        # the debtors answer by keys. espeak renders the bot fastest on the shared machine.
        russian = bool(settings.vosk_model)
        engines = await SpeechEngines.load(settings.model_copy(update={"tts": "espeak",
                                                                       "listen": russian}))
        # A port picked at random could be taken by another run's peers.
        rasa = rasa_settings().model_copy(update={"url": f"http://127.0.0.1:{free_tcp_port()}"})
        async with rasa_service(rasa):
            channel = CallChannel(sessionmaker, "demo/call",
                                  sip=loopback_line_settings(folder, kamailio.port),
                                  rasa=rasa, engines=engines,
                                  # A debtor answering by keys on a silent line would be classed
                                  # as silence by the answering-machine detector.
                                  amd=AmdSettings(enabled=False))
            acting = asyncio.ensure_future(asyncio.gather(*(
                act(debtors.phones[user], part, clips, keys=not russian)
                for user, part in PARTS.items())))
            try:
                yield DemoCalls(channel, acting)
            finally:
                acting.cancel()
    finally:
        debtors.stop()
        kamailio.stop()
