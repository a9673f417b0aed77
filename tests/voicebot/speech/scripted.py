"""A small Conversation for the audio tests: fixed Russian replies, everything it is told kept."""
from __future__ import annotations

from datetime import datetime

from campaigns.outcomes.report import OutcomeKind, OutcomeReport, TranscriptTurn
from voicebot.conversation import BotReply

GREETING = "Здравствуйте! Это автоматический звонок управляющей компании. Скажите да или нет."
GOODBYE = "Спасибо, до свидания."
KEY_REPLY = "Вы нажали клавишу. До свидания."


class ScriptedConversation:
    def __init__(self, greeting: str = GREETING, goodbye: str = GOODBYE) -> None:
        self.greeting = greeting
        self.goodbye = goodbye
        self.heard_texts: list[str] = []
        self.keys: list[str] = []
        self.shares: list[float] = []
        self.hung_up_by_debtor: bool | None = None
        self._transcript: list[TranscriptTurn] = []

    def _say(self, reply: BotReply) -> BotReply:
        self._transcript.append(TranscriptTurn(speaker="bot", text=reply.text))
        return reply

    async def open(self, now: datetime) -> BotReply:
        return self._say(BotReply(self.greeting))

    async def hear(self, text: str, now: datetime) -> BotReply:
        self.heard_texts.append(text)
        self._transcript.append(TranscriptTurn(speaker="debtor", text=text))
        return self._say(BotReply(self.goodbye, hang_up=True))

    def heard(self, share: float) -> None:
        self.shares.append(share)

    async def key(self, digit: str, now: datetime) -> BotReply:
        self.keys.append(digit)
        return self._say(BotReply(KEY_REPLY, hang_up=True))

    def outcome(self, hung_up_by_debtor: bool) -> OutcomeReport:
        self.hung_up_by_debtor = hung_up_by_debtor
        return OutcomeReport(kind=OutcomeKind.ANSWERED, listened_share=tuple(self.shares),
                             listened_to_end=bool(self.shares) and self.shares[-1] == 1.0,
                             transcript=tuple(self._transcript))
