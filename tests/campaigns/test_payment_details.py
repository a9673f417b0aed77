"""The SMS with the payment details the bot promised in a call: queued by the outcome rules
through the attempt builder, sent even on a case the same call suspended with a promise, and
counted against the contact budget like any SMS."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes import Intent, OutcomeKind, OutcomeReport, record_outcome
from campaigns.outcomes.rules import (
    PAYMENT_DETAILS_STEP,
    Facts,
    RuleSettings,
    SendPaymentDetails,
    evaluate,
)
from campaigns.plans.schema import OutcomeSettings
from campaigns.queue.claims import claim
from campaigns.queue.precontact import pre_contact_check
from models.entities import Case, ContactRefusal
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt
from tests.campaigns.builders import T0, attempt, debtor_case

PHONE = "+79107778899"
FACTS = Facts(channel=Channel.CALL, today=date(2026, 3, 2), occurred_at=T0, no_answer_streak=0)
Sessions = async_sessionmaker[AsyncSession]


def _answered(*intents: Intent, **fields: object) -> OutcomeReport:
    return OutcomeReport(kind=OutcomeKind.ANSWERED, intents=intents, identity_confirmed=True,
                         send_payment_details=True, **fields)


async def _called(sessionmaker: Sessions, *queued_channels: str) -> tuple[int, int, int]:
    """(person, case, started call attempt) with ``queued_channels`` attempts waiting."""
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "4001", phone=PHONE)
        call = attempt(case, person, "call", status=AttemptStatus.STARTED)
        session.add(call)
        for channel in queued_channels:
            session.add(attempt(case, person, f"earlier-{channel}", channel=channel))
        await session.flush()
        return person.id, case.id, call.id


async def _report(sessionmaker: Sessions, attempt_id: int, report: OutcomeReport):
    async with sessionmaker() as session, session.begin():
        return await record_outcome(session, attempt_id, report, now=T0)


async def _details(sessionmaker: Sessions) -> list[tuple[str, str, str, str]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Attempt.channel, Attempt.address, Attempt.template, Attempt.status)
            .where(Attempt.step_code == PAYMENT_DETAILS_STEP))
        return [tuple(row) for row in rows]


def test_the_flag_is_only_for_a_conversation() -> None:
    with pytest.raises(ValidationError):
        OutcomeReport(kind=OutcomeKind.BUSY, send_payment_details=True)


def test_rule_queues_the_sms_last_and_never_for_a_stranger() -> None:
    settings = RuleSettings(OutcomeSettings())
    effects = evaluate(_answered(Intent.PROMISE_TO_PAY, promise_date=date(2026, 3, 6)), FACTS, settings)
    # After the freeze's cancellation of what was queued before, or it would take this back.
    assert effects[-1] == SendPaymentDetails()
    assert SendPaymentDetails() not in evaluate(
        _answered(Intent.AFFIRM, Intent.WRONG_PERSON), FACTS, settings)
    unconfirmed = OutcomeReport(kind=OutcomeKind.ANSWERED, identity_confirmed=False,
                                send_payment_details=True)
    assert evaluate(unconfirmed, FACTS, settings) == []
    not_promised = OutcomeReport(kind=OutcomeKind.ANSWERED, identity_confirmed=True,
                                 intents=(Intent.AFFIRM,))
    assert SendPaymentDetails() not in evaluate(not_promised, FACTS, settings)


async def test_promise_suspends_the_case_and_the_promised_sms_still_goes(sessionmaker: Sessions) -> None:
    _, case_id, call_id = await _called(sessionmaker, "sms")
    result = await _report(sessionmaker, call_id, _answered(
        Intent.AFFIRM, Intent.PROMISE_TO_PAY, promise_date=date(2026, 3, 6)))

    assert result.actions[-1] == SendPaymentDetails()
    async with sessionmaker() as session:
        case = await session.get_one(Case, case_id)
        earlier = await session.scalar(select(Attempt.status).where(
            Attempt.idempotency_key == "earlier-sms"))
    assert (case.status, earlier) == ("suspended", "cancelled")
    assert await _details(sessionmaker) == [("sms", PHONE, "payment_details", "queued")]
    # The pre-contact check lets it through on the case this very call suspended.
    (taken,) = await claim(sessionmaker, "sms-worker", ["sms"], pre_contact_check, now=T0)
    assert (taken.template, taken.address, taken.step_code) == ("payment_details", PHONE,
                                                                PAYMENT_DETAILS_STEP)


async def test_the_sms_counts_against_the_contact_budget(sessionmaker: Sessions) -> None:
    person_id, case_id, call_id = await _called(sessionmaker)
    async with sessionmaker() as session, session.begin():
        # Two messages already sent today: 230-ФЗ allows no third one the same day.
        for n in range(2):
            session.add(Attempt(case_id=case_id, person_id=person_id, channel="sms",
                                address=PHONE, template="reminder", idempotency_key=f"sent-{n}",
                                status=AttemptStatus.DONE.value, not_before=T0,
                                started_at=T0 - timedelta(hours=2 - n)))
    await _report(sessionmaker, call_id, _answered(Intent.AFFIRM, Intent.REFUSE_TO_PAY,
                                                   Intent.REFUSE_TO_PAY))
    assert await claim(sessionmaker, "sms-worker", ["sms"], pre_contact_check, now=T0) == []
    async with sessionmaker() as session:
        waiting = await session.scalar(select(Attempt).where(
            Attempt.step_code == PAYMENT_DETAILS_STEP))
    assert waiting is not None and waiting.status == "queued"
    assert waiting.not_before > T0 and "лимит" in waiting.note


async def test_no_sms_to_a_debtor_who_refused_sms(sessionmaker: Sessions) -> None:
    person_id, _, call_id = await _called(sessionmaker)
    async with sessionmaker() as session, session.begin():
        session.add(ContactRefusal(person_id=person_id, channel="sms"))
    result = await _report(sessionmaker, call_id, _answered(Intent.AFFIRM, Intent.ASK_HOW_TO_PAY))
    assert SendPaymentDetails() not in result.actions
    assert any("SendPaymentDetails" in why for why in result.skipped)
    assert await _details(sessionmaker) == []
