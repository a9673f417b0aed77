"""What each simulated debtor's call (dialer/peers) must end in, and what it did end in: the
call's own report and what the outcome rules made of it in the database."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.case import Case, CaseEvent, Dispute, Promise
from models.outreach import Attempt

# Words the bot may say only to a confirmed debtor (230-ФЗ): the debt, its amount, payment.
DISCLOSING = ("долг", "задолж", "рубл", "копе", "оплат", "реквизит", "пени", "суд")


@dataclass(frozen=True)
class Expected:
    outcome: str
    # An intent the bot must have heard.
    intent: str | None = None
    # What the outcome rules must have done (``call_results``).
    result: str | None = None
    identity_confirmed: bool | None = None
    # Whether the bot may have said anything of the debt.
    disclosed: bool | None = None
    # Whether the debtor heard every reply to its end.
    heard_whole: bool | None = None


EXPECTED_CALLS: dict[str, Expected] = {
    "pays": Expected("answered", "already_paid", "payment_to_verify", identity_confirmed=True),
    "promises": Expected("answered", "promise_to_pay", "promise", identity_confirmed=True),
    "disputes": Expected("answered", "dispute", "lawyer_queue", identity_confirmed=True),
    "wrong_person": Expected("answered", "wrong_person", identity_confirmed=False, disclosed=False),
    "asks_human": Expected("answered", "request_operator", "operator_callback",
                           identity_confirmed=True),
    "hangs_up": Expected("answered", identity_confirmed=False, heard_whole=False),
    "no_answer": Expected("no_answer"),
    "busy": Expected("busy"),
}


async def call_results(session: AsyncSession, attempt: Attempt) -> list[str]:
    """What the outcome rules did for this call: a payment to verify, a promise, a dispute in
    the lawyers' queue, a callback task for a manager."""
    events = [event.data for event in await session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == attempt.case_id))
        if event.data.get("attempt_id") == attempt.id]
    actions = {data.get("action") for data in events}
    found = []
    if "payment_reported" in actions:
        found.append("payment_to_verify")
    if await session.scalar(select(func.count()).select_from(Promise)
                            .where(Promise.case_id == attempt.case_id)):
        found.append("promise")
    disputed = await session.scalar(select(func.count()).select_from(Dispute)
                                    .where(Dispute.case_id == attempt.case_id))
    if disputed and any(data.get("queue") == "lawyer" for data in events):
        found.append("lawyer_queue")
    if "callback" in actions:
        found.append("operator_callback")
    return found


async def call_record(session: AsyncSession, attempt: Attempt) -> dict[str, Any]:
    """One call for the demo's JSON summary."""
    data = attempt.outcome_data or {}
    said = " ".join(turn["text"] for turn in data.get("transcript", []) if turn["speaker"] == "bot")
    shares = data.get("listened_share", [])
    case = await session.get_one(Case, attempt.case_id)
    return {"outcome": attempt.outcome or attempt.status,
            "intents": data.get("intents", []),
            "identity_confirmed": data.get("identity_confirmed"),
            "listened_share": shares,
            "heard_whole": all(share == 1.0 for share in shares),
            "disclosed": any(word in said.lower() for word in DISCLOSING),
            "results": await call_results(session, attempt),
            "case_status": case.status}


def call_failures(behaviour: str, call: dict[str, Any]) -> list[str]:
    """How the call to ``behaviour``'s debtor fell short of what it must end in."""
    expected = EXPECTED_CALLS[behaviour]
    if not call:
        return [f"no call to {behaviour}"]
    wrong = []
    if call["outcome"] != expected.outcome:
        wrong.append(f"outcome {call['outcome']}, not {expected.outcome}")
    if expected.intent is not None and expected.intent not in call["intents"]:
        wrong.append(f"intent {expected.intent} not heard: {call['intents']}")
    if expected.result is not None and expected.result not in call["results"]:
        wrong.append(f"no {expected.result}: {call['results']}")
    for field in ("identity_confirmed", "disclosed", "heard_whole"):
        value = getattr(expected, field)
        if value is not None and call[field] != value:
            wrong.append(f"{field} {call[field]}, not {value}")
    return [f"the call to {behaviour}: {reason}" for reason in wrong]
