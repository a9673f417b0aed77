"""Outcome rules: every channel reports an attempt's outcome here, and campaigns decides what follows."""
from __future__ import annotations

from campaigns.outcomes.record import (
    OutcomeRejected,
    OutcomeResult,
    cancel_queued_attempts,
    record_outcome,
)
from campaigns.outcomes.late_failure import record_late_failure
from campaigns.outcomes.report import Intent, OutcomeKind, OutcomeReport, TranscriptTurn

__all__ = [
    "Intent",
    "OutcomeKind",
    "OutcomeRejected",
    "OutcomeReport",
    "OutcomeResult",
    "TranscriptTurn",
    "cancel_queued_attempts",
    "record_late_failure",
    "record_outcome",
]
