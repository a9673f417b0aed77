"""``vozvrat worker --channels call``: the phone line, the voice bot's engines and its NLU, and the
call worker over them, as one channel of ``vozvrat worker``.

Everything heavy is set up once per process in ``run``: the SIP line from ``[sip]``, the speech
models, the Rasa service (the one answering at ``[rasa] url``, or one started for as long as the
worker runs, as ``bot parse`` does) and the dialogue's fixed phrases rendered before the first call.
"""
from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import ClaimedAttempt, PreContactCheck
from campaigns.queue.precontact import pre_contact_check
from dialer.line import PhoneLine
from dialer.settings import SipSettings, sip_settings
from dialer.worker import CallWorker
from voicebot.amd.settings import AmdSettings, amd_settings
from voicebot.dialogue.context import context_for_attempt
from voicebot.dialogue.machine import CollectionDialogue
from voicebot.dialogue.phrases import REQUIRED, Phrases, load_phrases
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_service import rasa_service
from voicebot.nlu.result import IntentParser
from voicebot.nlu.settings import RasaSettings, rasa_settings
from voicebot.russian import speakable
from voicebot.speech.engines import SpeechEngines

log = logging.getLogger(__name__)


def fixed_phrases(phrases: Phrases) -> list[str]:
    """The phrases spoken word for word in every call (no debtor's name, amount or date in them),
    as the dialogue hands them to speech."""
    return [speakable(phrases.say(key)) for key, values in REQUIRED.items() if not values]


def phrase_templates(phrases: Phrases) -> list[str]:
    """The phrases with the debtor's values, placeholders kept, whose fixed parts speech caches."""
    return [speakable(" ".join(phrases.texts[key].split()))
            for key, values in REQUIRED.items() if values]


class DialogueFactory:
    """The collection dialogue for a claimed call attempt, about the debtor the attempt names."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], parser: IntentParser,
                 phrases: Phrases) -> None:
        self._sessionmaker = sessionmaker
        self._parser = parser
        self._phrases = phrases

    async def __call__(self, attempt: ClaimedAttempt) -> CollectionDialogue:
        async with self._sessionmaker() as session:
            context = await context_for_attempt(session, attempt.id)
        return CollectionDialogue(context, self._parser, self._phrases)


class CallChannel:
    """The ``call`` entry of ``vozvrat worker``'s channels (messaging.channel_worker.ChannelWorker)."""

    channel = "call"

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], name: str, *,
                 sip: SipSettings | None = None, rasa: RasaSettings | None = None,
                 engines: SpeechEngines | None = None, amd: AmdSettings | None = None,
                 check: PreContactCheck = pre_contact_check) -> None:
        self._sessionmaker = sessionmaker
        self._name = name
        self._sip = sip
        self._rasa = rasa
        self._engines = engines
        self._amd = amd
        self._check = check
        # Set while running, for whoever watches the worker (tests, the demo's summary).
        self.worker: CallWorker | None = None

    async def run(self, stop: asyncio.Event) -> None:
        sip, rasa = self._sip or sip_settings(), self._rasa or rasa_settings()
        amd = self._amd or amd_settings()
        phrases = load_phrases()
        engines = self._engines or await SpeechEngines.load()
        await engines.phrases.preload([*fixed_phrases(phrases), *phrase_templates(phrases)])
        line = PhoneLine(sip)
        await line.start()
        try:
            async with rasa_service(rasa) as url, RasaClient.from_settings(rasa, url) as client:
                self.worker = CallWorker(self._name, self._sessionmaker, line, engines,
                                         DialogueFactory(self._sessionmaker, client, phrases),
                                         check=self._check,
                                         answering=amd if amd.enabled else None)
                log.info("call worker %s on %s:%s", self._name, sip.registrar, sip.registrar_port)
                await self.worker.run(stop)
        finally:
            await line.stop()
