"""Whole SMS over one SMPP link: a text becomes its parts, the parts' answers become the message's.

A message is accepted when every part is, and fails when the SMSC refuses one for good. Receipts
are per part and are passed on as they come; which attempt a part belongs to is known from its
message id (``SmsPart`` rows), because a receipt can arrive on a later bind, to another process.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from messaging.settings import SmppSettings
from messaging.sms.encoding import Concatenation, segment, udh_concatenation
from messaging.sms.smpp_link import (
    LinkEvent,
    LinkState,
    OutgoingPart,
    PartAccepted,
    PartKey,
    PartRejected,
    Receipt,
    SmppLink,
)

UDHI = 0x40


@dataclass(frozen=True, slots=True)
class MessageAccepted:
    attempt_id: int
    # The SMSC's id of each part, in order.
    message_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MessageRefused:
    attempt_id: int
    reason: str


SenderEvent = MessageAccepted | MessageRefused | Receipt | LinkState


@dataclass
class _Pending:
    ids: list[str | None]
    refused: bool = False


@dataclass
class SmsSender:
    settings: SmppSettings
    link: SmppLink = field(init=False)
    _pending: dict[int, _Pending] = field(init=False, default_factory=dict)
    _references: itertools.count[int] = field(init=False, default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.link = SmppLink(self.settings)

    async def start(self) -> None:
        await self.link.start()

    async def stop(self) -> None:
        await self.link.stop()

    @property
    def unanswered(self) -> int:
        """Messages handed in whose parts are not all answered yet."""
        return len(self._pending)

    def send(self, attempt_id: int, destination: str, text: str) -> int:
        """Queue a message; returns its number of parts. One message per attempt at a time."""
        if attempt_id in self._pending:
            raise ValueError(f"attempt {attempt_id} is already being sent")
        concatenation = Concatenation(self.settings.concatenation)
        segments = segment(text, concatenation)
        reference = next(self._references) % 0xFF or 1
        parts = self._parts(attempt_id, destination, segments.parts, segments.data_coding,
                            concatenation, reference)
        self._pending[attempt_id] = _Pending([None] * len(parts))
        self.link.submit(parts)
        return len(parts)

    @staticmethod
    def _parts(attempt_id: int, destination: str, texts: tuple[bytes, ...], data_coding: int,
               concatenation: Concatenation, reference: int) -> list[OutgoingPart]:
        total = len(texts)
        if total == 1:
            return [OutgoingPart(PartKey(attempt_id, 1), destination, texts[0], data_coding)]
        if concatenation == Concatenation.UDH:
            return [OutgoingPart(PartKey(attempt_id, number), destination,
                                 udh_concatenation(reference, total, number) + text, data_coding,
                                 esm_class=UDHI)
                    for number, text in enumerate(texts, start=1)]
        return [OutgoingPart(PartKey(attempt_id, number), destination, text, data_coding,
                             sar=(reference, total, number))
                for number, text in enumerate(texts, start=1)]

    async def next_event(self) -> SenderEvent:
        """The next thing that happened to a message, a receipt, or the link going up or down."""
        while True:
            event = await self.link.events.get()
            result = self._apply(event)
            if result is not None:
                return result

    def next_event_nowait(self) -> SenderEvent:
        """Like ``next_event`` without waiting; asyncio.QueueEmpty when nothing is there."""
        while True:
            result = self._apply(self.link.events.get_nowait())
            if result is not None:
                return result

    def acknowledge(self, receipts: list[Receipt]) -> None:
        """Answer the SMSC for receipts now stored (``SmppLink.acknowledge``)."""
        self.link.acknowledge(receipts)

    def pending_attempts(self) -> list[int]:
        return list(self._pending)

    def _apply(self, event: LinkEvent) -> SenderEvent | None:
        if isinstance(event, PartAccepted):
            pending = self._pending.get(event.key.attempt_id)
            if pending is None:
                return None
            pending.ids[event.key.number - 1] = event.message_id
            if pending.refused or any(i is None for i in pending.ids):
                return None
            del self._pending[event.key.attempt_id]
            return MessageAccepted(event.key.attempt_id, tuple(i for i in pending.ids if i))
        if isinstance(event, PartRejected):
            pending = self._pending.get(event.key.attempt_id)
            if pending is None or pending.refused:
                return None
            # The other parts may still be answered; the message as a whole is lost already.
            pending.refused = True
            del self._pending[event.key.attempt_id]
            return MessageRefused(event.key.attempt_id,
                                  f"часть {event.key.number}: SMSC отклонил ({event.reason})")
        return event
