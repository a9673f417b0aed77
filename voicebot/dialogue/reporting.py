"""Handing a finished call to the campaign: the dialogue's outcome goes through the one door,
``record_outcome``, in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.outcomes import OutcomeResult, record_outcome
from voicebot.conversation import Conversation


async def report_call(
    session: AsyncSession, attempt_id: int, conversation: Conversation, *,
    hung_up_by_debtor: bool, now: datetime | None = None,
) -> OutcomeResult:
    """Record the outcome of the answered call ``conversation`` held for attempt ``attempt_id``.

    Does not commit, like ``record_outcome``: the caller commits the outcome and its effects.
    """
    report = conversation.outcome(hung_up_by_debtor)
    return await record_outcome(session, attempt_id, report, now=now)
