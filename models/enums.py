"""Closed sets of values stored in the database (as strings, so both engines read them alike)."""
from __future__ import annotations

from enum import StrEnum


class DebtorKind(StrEnum):
    """Plans are grouped by the kind of debtor (individuals, budget organisations, businesses)."""

    INDIVIDUAL = "individual"
    BUDGET = "budget"
    BUSINESS = "business"


class OwnershipKind(StrEnum):
    """How a person is liable for an account (ГК ст. 249, 253; ЖК ст. 31, 153, 158).

    shared: owns a fraction and owes that fraction; joint: joint owners owe the joint part
    jointly and severally; family: an adult family member of an owner, jointly liable for
    utilities only (no share).
    """

    SHARED = "shared"
    JOINT = "joint"
    FAMILY = "family"


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    COURIER = "courier"


class CaseStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ESCALATED = "escalated"
    CLOSED = "closed"


class AttemptStatus(StrEnum):
    """queued → claimed (leased) → started (contact began) → done; or cancelled, or review."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    STARTED = "started"
    DONE = "done"
    CANCELLED = "cancelled"
    # A lease expired after the contact may have begun: a person decides, never a retry.
    NEEDS_REVIEW = "needs_review"


class WaveStatus(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"
