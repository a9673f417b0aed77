"""The boundary between a conversation (text) and the audio pipeline that carries it.

The dialogue implements ``Conversation`` on text; the audio session (ASR, TTS, turn-taking)
drives any ``Conversation`` without knowing what it says, so the same dialogue runs in a call,
in tests and in the managers' text playground.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from campaigns.outcomes.report import OutcomeReport


@dataclass(frozen=True)
class BotReply:
    # Russian text ready to speak: amounts and dates already in words.
    text: str
    # Speak this, then end the call.
    hang_up: bool = False


class Conversation(Protocol):
    async def open(self, now: datetime) -> BotReply:
        """The first thing the bot says once the call is answered by a person."""
        ...

    async def hear(self, text: str, now: datetime) -> BotReply:
        """The debtor finished a turn saying ``text``; the bot's answer."""
        ...

    def heard(self, share: float) -> None:
        """The debtor heard ``share`` (0–1) of the last reply: below 1 after barge-in or hang-up."""
        ...

    async def key(self, digit: str, now: datetime) -> BotReply:
        """A key the debtor pressed (RFC 2833), e.g. 1 to confirm it is them: a turn like words."""
        ...

    def outcome(self, hung_up_by_debtor: bool) -> OutcomeReport:
        """The one structured outcome of the call, for the campaign's outcome function."""
        ...
