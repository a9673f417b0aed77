"""Simulated debtors on loopback, each a SIP user behind Kamailio that answers one way.

``LoopbackDebtors`` registers one baresip phone per part of behaviours.PARTS (pays, promises,
disputes, ...), and two sipp callees: ``no_answer`` rings on, ``busy`` refuses with 486.

``press_keys`` is the simplest debtor, for the call channel's own tests: on a silent line it presses
1 to confirm identity, then keys the bot does not understand until it closes, each once the bot
has finished the reply before it.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.peers.behaviours import (
    CALL_TIMEOUT_S,
    PARTS,
    REPLY_TIMEOUT_S,
    BotVoice,
    established,
    write_clip,
)
from dialer.peers.processes import Baresip, SippCallee
from models.enums import AttemptStatus
from models.outreach import Attempt
from voicebot.dialogue.machine import CollectionDialogue

# After identity, three keys the bot does not understand: two re-prompts, then it closes.
CONFIRM_KEYS = ["1", "5", "5", "5"]
# Longer than any demo call: baresip hangs up when its source file ends.
SILENCE_S = 180.0
DEBTOR_USERS = (*PARTS, "no_answer", "busy")


async def bot_replies(dialogue: CollectionDialogue, keys: list[str]) -> list[str]:
    """What the bot will say in this call: its opening and its answer to each key."""
    now = datetime.now(UTC)
    texts = [(await dialogue.open(now)).text]
    for digit in keys:
        texts.append((await dialogue.key(digit, now)).text)
    return texts


async def wait_for_status(sessionmaker: async_sessionmaker[AsyncSession], attempt_id: int,
                          statuses: set[str]) -> Attempt:
    while True:
        async with sessionmaker() as session:
            row = await session.get_one(Attempt, attempt_id)
        if row.status in statuses:
            return row
        await asyncio.sleep(0.2)


async def press_keys(sessionmaker: async_sessionmaker[AsyncSession], attempt_id: int,
                     debtor: Baresip, keys: list[str] = CONFIRM_KEYS) -> Attempt:
    """Once the call is established, press each key when the bot has finished the reply before
    it, as the debtor's phone hears it; the finished attempt."""
    bot = BotVoice(debtor)
    await asyncio.wait_for(established(debtor), CALL_TIMEOUT_S)
    for digit in keys:
        await asyncio.wait_for(bot.finished(), REPLY_TIMEOUT_S)
        debtor.command(digit)
    return await asyncio.wait_for(wait_for_status(sessionmaker, attempt_id, {AttemptStatus.DONE.value}),
                                  REPLY_TIMEOUT_S)


@dataclass
class LoopbackDebtors:
    """The debtors registered at a Kamailio on ``registrar_port``, by behaviour."""

    folder: Path
    registrar_port: int
    phones: dict[str, Baresip] = field(default_factory=dict)
    sipp: dict[str, SippCallee] = field(default_factory=dict)

    def start(self) -> LoopbackDebtors:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Until a debtor says something, its phone plays silence.
        silence = write_clip(self.folder / "silence.wav", b"", SILENCE_S)
        for user in PARTS:
            self.phones[user] = Baresip(self.folder, self.registrar_port, silence, user=user).start()
        self.sipp["no_answer"] = SippCallee(self.folder, self.registrar_port, "uas_noanswer",
                                            "no_answer").start()
        self.sipp["busy"] = SippCallee(self.folder, self.registrar_port, "uas_reject", "busy",
                                       ("-d", "200"), {"CODE": "486", "REASON": "Busy Here"}).start()
        return self

    @property
    def users(self) -> list[str]:
        return list(DEBTOR_USERS)

    def stop(self) -> None:
        for peer in [*self.phones.values(), *self.sipp.values()]:
            peer.stop()
