"""What the NLU layer hands the dialogue for one thing the debtor said.

The dialogue never sees Rasa or raw entities: the parser resolves "в пятницу" or "через час"
against the call's own date and time, so the state machine only reads typed values.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from campaigns.outcomes.report import Intent


@dataclass(frozen=True)
class NluResult:
    text: str
    intent: Intent
    confidence: float
    # A day the debtor named for paying ("в пятницу", "15 декабря"), resolved against the call.
    promise_date: date | None = None
    # An instant the debtor asked to be called back at ("вечером", "через час"), aware.
    callback_at: datetime | None = None
    # Other entities as the NLU extracted them, for the transcript and for debugging.
    entities: Mapping[str, str] = field(default_factory=dict)
    # The NLU service did not answer (down, slow, broken): the words were never classified,
    # which the dialogue handles unlike words it heard and did not understand.
    unavailable: bool = False


class IntentParser(Protocol):
    async def parse(self, text: str, now: datetime) -> NluResult:
        """Classify ``text`` said at ``now`` (aware, the debtor's local time)."""
        ...
