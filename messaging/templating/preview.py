"""What an SMS will cost before it is sent: its alphabet, its segments, their price."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from messaging.sms.encoding import Alphabet, Concatenation, segment


@dataclass(frozen=True, slots=True)
class SmsPreview:
    text: str
    alphabet: Alphabet
    characters: int
    segments: int
    cost: Decimal

    def describe(self) -> str:
        return (f"{self.alphabet.value}, {self.characters} симв., {self.segments} сегм., "
                f"{self.cost:.2f} руб.")


def preview_sms(text: str, segment_price: float,
                concatenation: Concatenation = Concatenation.UDH) -> SmsPreview:
    segments = segment(text, concatenation)
    cost = (Decimal(str(segment_price)) * segments.count).quantize(Decimal("0.01"))
    return SmsPreview(text, segments.alphabet, len(text), segments.count, cost)
