"""The collection call: a state machine on text, the debtor's context it speaks from, and the
report of its outcome to the campaign."""
from __future__ import annotations

from voicebot.dialogue.context import (
    DebtItem,
    DebtorContext,
    PaymentDetails,
    context_for_account,
    context_for_attempt,
)
from voicebot.dialogue.machine import CollectionDialogue, Stage
from voicebot.dialogue.phrases import Phrases, load_phrases
from voicebot.dialogue.reporting import report_call

__all__ = [
    "CollectionDialogue",
    "DebtItem",
    "DebtorContext",
    "PaymentDetails",
    "Phrases",
    "Stage",
    "context_for_account",
    "context_for_attempt",
    "load_phrases",
    "report_call",
]
