"""Outcome rules: one test per rule, plus idempotency, ordering and the guards around them."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import count
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.budget.limits import check_budget
from campaigns.budget.settings import VOICE_MESSAGE, ContactLimits
from campaigns.outcomes import (
    Intent,
    OutcomeKind,
    OutcomeRejected,
    OutcomeReport,
    cancel_queued_attempts,
    record_outcome,
)
from campaigns.outcomes.rules import (
    Contact,
    Escalate,
    Facts,
    MakePromise,
    NextChannel,
    OpenDispute,
    Queue,
    RequestCallback,
    RuleSettings,
    Suspend,
    evaluate,
)
from campaigns.plans.schema import OutcomeSettings, PlanDefinition
from models.account import Account
from models.billing import Charge
from models.building import Building
from models.case import Case, CaseEvent, Dispute, Promise
from models.enums import AttemptStatus, CaseStatus, Channel
from models.organisation import Creditor
from models.ownership import Ownership
from models.outreach import Attempt
from models.person import ContactRefusal, Person, PersonEmail, PersonPhone
from models.plan import WorkPlan

PLAN_FILE = Path(__file__).resolve().parents[2] / "campaigns/plans/default/zhkh_individuals.yaml"
# Monday 2 March 2026, 12:00 in Moscow.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PHONE = "+79101112233"
OTHER_PHONE = "+79104445566"
_keys = count(1)

Sessions = async_sessionmaker[AsyncSession]


async def _debtor(session: AsyncSession, *, zone: str = "Europe/Moscow") -> tuple[Case, Person]:
    creditor = Creditor(inn="6234000014", name="ООО «УК Тест»")
    session.add(creditor)
    await session.flush()
    building = Building(code="B1", creditor_id=creditor.id, region="Рязанская область",
                        city="Рязань", street="ул. Ленина", house="1", timezone=zone)
    session.add(building)
    await session.flush()
    account = Account(number="1001", building_id=building.id)
    person = Person(code="P1", last_name="Иванов", first_name="Иван")
    definition = PlanDefinition.model_validate(yaml.safe_load(PLAN_FILE.read_text()))
    plan = WorkPlan(code=definition.code, version=definition.version, name=definition.name,
                    debtor_kind=definition.debtor_kind.value, is_master=True,
                    definition=definition.model_dump(mode="json"))
    session.add_all([account, person, plan])
    await session.flush()
    session.add_all([PersonPhone(person_id=person.id, number=PHONE, position=0),
                     PersonPhone(person_id=person.id, number=OTHER_PHONE, position=1),
                     Ownership(account_id=account.id, person_id=person.id)])
    case = Case(account_id=account.id, plan_id=plan.id, stage="robot",
                debt_at_open=Decimal("5000.00"))
    session.add(case)
    await session.flush()
    return case, person


def _attempt(case: Case, person: Person, *, channel: Channel = Channel.CALL,
             address: str = PHONE, status: AttemptStatus = AttemptStatus.STARTED,
             template: str = "debt_call") -> Attempt:
    return Attempt(case_id=case.id, person_id=person.id, channel=channel.value, address=address,
                   template=template, idempotency_key=f"outcome-test-{next(_keys)}",
                   status=status.value, not_before=NOW,
                   started_at=NOW if status == AttemptStatus.STARTED else None)


async def _setup(sessionmaker: Sessions, *, zone: str = "Europe/Moscow",
                 channel: Channel = Channel.CALL, queued: tuple[Channel, ...] = (),
                 template: str = "debt_call") -> tuple[int, int, int, list[int]]:
    """(case id, person id, started attempt id, queued attempt ids)."""
    async with sessionmaker() as session, session.begin():
        case, person = await _debtor(session, zone=zone)
        attempt = _attempt(case, person, channel=channel, template=template,
                           address="ул. Ленина, 1" if channel == Channel.COURIER else PHONE)
        waiting = [_attempt(case, person, channel=c, status=AttemptStatus.QUEUED) for c in queued]
        session.add_all([attempt, *waiting])
        await session.flush()
        return case.id, person.id, attempt.id, [a.id for a in waiting]


async def _report(sessionmaker: Sessions, attempt_id: int, report: OutcomeReport,
                  now: datetime = NOW):
    async with sessionmaker() as session, session.begin():
        return await record_outcome(session, attempt_id, report, now=now)


async def _case(sessionmaker: Sessions, case_id: int) -> Case:
    async with sessionmaker() as session:
        return await session.get_one(Case, case_id)


async def _events(sessionmaker: Sessions, case_id: int) -> list[tuple[str, str | None, str]]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
        return [(e.kind, e.data.get("action"), e.message) for e in rows]


async def _statuses(sessionmaker: Sessions, ids: list[int]) -> list[str]:
    async with sessionmaker() as session:
        return [(await session.get_one(Attempt, i)).status for i in ids]


def _answered(*intents: Intent, **fields: object) -> OutcomeReport:
    return OutcomeReport(kind=OutcomeKind.ANSWERED, intents=intents, identity_confirmed=True,
                         **fields)


# --- Recording the attempt -------------------------------------------------------------------

async def test_answered_call_finishes_attempt_and_records_contact(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    result = await _report(sessionmaker, attempt_id, _answered(
        Intent.AFFIRM, Intent.ASK_AMOUNT, listened_share=(1.0, 0.4), note="вежливо"))

    assert result.applied and result.actions == (Contact(NOW),)
    async with sessionmaker() as session:
        attempt = await session.get_one(Attempt, attempt_id)
    assert (attempt.status, attempt.outcome, attempt.finished_at, attempt.note) == (
        "done", "answered", NOW, "вежливо")
    assert attempt.outcome_data == {"listened_share": [1.0, 0.4], "intents": ["affirm", "ask_amount"],
                                    "identity_confirmed": True}
    assert (await _case(sessionmaker, case_id)).last_contact_at == NOW
    assert await _events(sessionmaker, case_id) == [("outcome", None, "Звонок: ответил")]


async def test_second_report_for_done_attempt_is_ignored(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    report = _answered(Intent.PROMISE_TO_PAY, promise_date=date(2026, 3, 10),
                       promise_amount=Decimal("2000.00"))
    first = await _report(sessionmaker, attempt_id, report)
    second = await _report(sessionmaker, attempt_id, report)

    assert first.applied and not second.applied
    assert second.actions == () and second.ignored_reason == "attempt already done"
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Promise)) == 1
    assert [e[1] for e in await _events(sessionmaker, case_id)] == [
        None, "promise", "status"]


async def test_report_for_cancelled_attempt_is_ignored(sessionmaker: Sessions) -> None:
    case_id, _, _, (queued_id,) = await _setup(sessionmaker, queued=(Channel.CALL,))
    async with sessionmaker() as session, session.begin():
        await cancel_queued_attempts(session, await session.get_one(Case, case_id), "тест")
    result = await _report(sessionmaker, queued_id, OutcomeReport(kind=OutcomeKind.NO_ANSWER))
    assert not result.applied and result.ignored_reason == "attempt already cancelled"


async def test_kind_that_does_not_fit_the_channel_is_rejected(sessionmaker: Sessions) -> None:
    _, _, attempt_id, _ = await _setup(sessionmaker)
    with pytest.raises(OutcomeRejected):
        await _report(sessionmaker, attempt_id, OutcomeReport(kind=OutcomeKind.COURIER_DELIVERED))
    assert await _statuses(sessionmaker, [attempt_id]) == ["started"]


def test_report_without_a_conversation_carries_no_intents() -> None:
    with pytest.raises(ValidationError):
        OutcomeReport(kind=OutcomeKind.NO_ANSWER, intents=(Intent.PROMISE_TO_PAY,))
    with pytest.raises(ValidationError):
        OutcomeReport(kind=OutcomeKind.DELIVERED, listened_to_end=True)
    with pytest.raises(ValidationError):
        _answered(promise_amount=Decimal("100.00"))


# --- Promise ---------------------------------------------------------------------------------

async def test_promise_suspends_until_date_plus_grace(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, queued = await _setup(sessionmaker, queued=(Channel.SMS,))
    result = await _report(sessionmaker, attempt_id, _answered(
        Intent.PROMISE_TO_PAY, promise_date=date(2026, 3, 10), promise_amount=Decimal("2000.00")))

    assert result.actions[1:3] == (
        MakePromise(date(2026, 3, 10), Decimal("2000.00")),
        Suspend(date(2026, 3, 13), "обещание оплаты до 10.03.2026"))
    case = await _case(sessionmaker, case_id)
    assert (case.status, case.suspended_until, case.status_reason) == (
        "suspended", date(2026, 3, 13), "обещание оплаты до 10.03.2026")
    async with sessionmaker() as session:
        promise = (await session.scalars(select(Promise))).one()
    assert (promise.case_id, promise.amount, promise.pay_by, promise.status) == (
        case_id, Decimal("2000.00"), date(2026, 3, 10), "open")
    assert await _statuses(sessionmaker, queued) == ["cancelled"]


async def test_promise_beyond_max_days_goes_to_manager_as_deferment(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    result = await _report(sessionmaker, attempt_id,
                           _answered(Intent.PROMISE_TO_PAY, promise_date=date(2026, 5, 1)))

    reason = "просит отсрочку до 01.05.2026 (дольше 30 дн.): решить о рассрочке"
    assert Escalate(Queue.MANAGER, reason) in result.actions
    case = await _case(sessionmaker, case_id)
    assert (case.status, case.status_reason, case.suspended_until) == ("escalated", reason, None)
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Promise)) == 0


async def test_promise_in_the_past_is_not_recorded(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    result = await _report(sessionmaker, attempt_id,
                           _answered(Intent.PROMISE_TO_PAY, promise_date=date(2026, 2, 27)))
    assert result.actions == (Contact(NOW),)
    assert (await _case(sessionmaker, case_id)).status == "active"


# --- Escalations -----------------------------------------------------------------------------

async def test_dispute_opens_dispute_for_current_debt_and_escalates(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, queued = await _setup(sessionmaker, queued=(Channel.CALL,))
    async with sessionmaker() as session, session.begin():
        account_id = (await session.get_one(Case, case_id)).account_id
        # Overdue on 2 March 2026: due 12 January and 10 February.
        session.add_all([Charge(account_id=account_id, period=date(2025, 12, 1),
                                service="отопление", amount=Decimal("2500.00")),
                         Charge(account_id=account_id, period=date(2026, 1, 1),
                                service="отопление", amount=Decimal("1234.56"))])
    result = await _report(sessionmaker, attempt_id, _answered(Intent.DISPUTE, note="не жил там"))

    assert result.actions[1:3] == (OpenDispute(Decimal("3734.56"), "не жил там"),
                                   Escalate(Queue.LAWYER, "спор"))
    async with sessionmaker() as session:
        dispute = (await session.scalars(select(Dispute))).one()
    assert (dispute.case_id, dispute.amount, dispute.reason, dispute.status) == (
        case_id, Decimal("3734.56"), "не жил там", "under_review")
    case = await _case(sessionmaker, case_id)
    assert (case.status, case.status_reason) == ("escalated", "спор")
    assert await _statuses(sessionmaker, queued) == ["cancelled"]


@pytest.mark.parametrize(("intent", "reason"), [
    (Intent.REQUEST_INSTALLMENT, "просьба о рассрочке"),
    (Intent.HARDSHIP, "трудное материальное положение"),
])
async def test_instalment_request_escalates_to_manager(
    sessionmaker: Sessions, intent: Intent, reason: str
) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    result = await _report(sessionmaker, attempt_id, _answered(intent))

    assert Escalate(Queue.MANAGER, reason) in result.actions
    case = await _case(sessionmaker, case_id)
    assert (case.status, case.status_reason) == ("escalated", reason)
    status_events = [e for e in await _events(sessionmaker, case_id) if e[0] == "status_changed"]
    assert status_events == [("status_changed", "status", f"active → escalated: {reason}")]


async def test_dispute_with_promise_escalates_and_keeps_the_promise(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    result = await _report(sessionmaker, attempt_id, _answered(
        Intent.PROMISE_TO_PAY, Intent.DISPUTE, promise_date=date(2026, 3, 5),
        promise_amount=Decimal("500.00"), disputed_amount=Decimal("700.00")))

    assert result.skipped == ("Suspend: case is escalated",)
    case = await _case(sessionmaker, case_id)
    assert (case.status, case.status_reason) == ("escalated", "спор")
    async with sessionmaker() as session:
        assert (await session.scalars(select(Promise.amount))).all() == [Decimal("500.00")]
        assert (await session.scalars(select(Dispute.amount))).all() == [Decimal("700.00")]


# --- Already paid, callbacks, courier ---------------------------------------------------------

async def test_already_paid_suspends_pending_confirmation(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    await _report(sessionmaker, attempt_id, _answered(Intent.ALREADY_PAID))

    case = await _case(sessionmaker, case_id)
    assert (case.status, case.suspended_until, case.status_reason) == (
        "suspended", date(2026, 3, 7), "оплата со слов должника, проверка до 07.03.2026")
    assert ("outcome", "payment_reported", "должник сообщил об оплате; проверка до 07.03.2026") \
        in await _events(sessionmaker, case_id)


@pytest.mark.parametrize(("intent", "message"), [
    (Intent.CALLBACK_LATER, "задача менеджеру: просит перезвонить позже"),
    (Intent.REQUEST_OPERATOR, "задача менеджеру: просит связаться с оператором"),
])
async def test_callback_request_records_a_task(
    sessionmaker: Sessions, intent: Intent, message: str
) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    at = datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc)
    await _report(sessionmaker, attempt_id, _answered(intent, callback_at=at))

    async with sessionmaker() as session:
        event = (await session.scalars(select(CaseEvent).where(
            CaseEvent.kind == "outcome").order_by(CaseEvent.id.desc()))).first()
    assert event is not None
    assert (event.message, event.data["callback_at"]) == (message, "2026-03-03T15:00:00+00:00")
    assert (await _case(sessionmaker, case_id)).status == "active"


async def test_unconfirmed_message_ends_the_attempt_and_goes_to_a_manager(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, queued = await _setup(sessionmaker, channel=Channel.EMAIL,
                                                  template="reminder", queued=(Channel.SMS,))
    result = await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.UNCONFIRMED, note="ответ сервера не получен"))

    assert result.applied
    async with sessionmaker() as session:
        attempt = await session.get_one(Attempt, attempt_id)
    assert (attempt.status, attempt.outcome, attempt.note) == (
        "done", "unconfirmed", "ответ сервера не получен")
    assert attempt.lease_expires_at is None
    assert await _events(sessionmaker, case_id) == [
        ("outcome", None, "Письмо: доставка не подтверждена"),
        ("outcome", "review_delivery",
         f"задача менеджеру: проверить, дошло ли сообщение ({PHONE}): ответ сервера не получен")]
    # Neither a contact nor a failure: nothing moves on, nothing is called off, until a person knows.
    case = await _case(sessionmaker, case_id)
    assert (case.status, case.last_contact_at) == ("active", None)
    assert await _statuses(sessionmaker, queued) == ["queued"]


async def test_courier_delivery_records_notice_date_from_offline_sync(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker, channel=Channel.COURIER,
                                             template="debt_notice")
    handed_over = datetime(2026, 2, 27, 14, 30, tzinfo=timezone.utc)
    await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.COURIER_DELIVERED, occurred_at=handed_over, actor="courier:petrov"))

    async with sessionmaker() as session:
        attempt = await session.get_one(Attempt, attempt_id)
    assert attempt.finished_at == handed_over
    assert (await _case(sessionmaker, case_id)).last_contact_at == handed_over
    assert await _events(sessionmaker, case_id) == [
        ("outcome", None, "Курьер: вручено лично"),
        ("outcome", "notice_delivered", "уведомление «debt_notice» вручено 27.02.2026")]


# --- Contacts that must not be used again ---------------------------------------------------

async def test_wrong_person_invalidates_the_phone_and_moves_on(sessionmaker: Sessions) -> None:
    case_id, person_id, attempt_id, queued = await _setup(
        sessionmaker, queued=(Channel.CALL, Channel.EMAIL))
    async with sessionmaker() as session, session.begin():
        email_attempt = await session.get_one(Attempt, queued[1])
        email_attempt.address = "ivanov@example.ru"
    result = await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.ANSWERED, intents=(Intent.WRONG_PERSON, Intent.PROMISE_TO_PAY),
        promise_date=date(2026, 3, 5)))

    assert result.next_channel
    async with sessionmaker() as session:
        phones = (await session.execute(select(PersonPhone.number, PersonPhone.valid)
                                        .where(PersonPhone.person_id == person_id)
                                        .order_by(PersonPhone.position))).all()
        assert await session.scalar(select(func.count()).select_from(Promise)) == 0
    assert [tuple(p) for p in phones] == [(PHONE, False), (OTHER_PHONE, True)]
    # A stranger's words neither count as contact with the debtor nor bind them.
    case = await _case(sessionmaker, case_id)
    assert (case.last_contact_at, case.status) == (None, "active")
    assert await _statuses(sessionmaker, queued) == ["cancelled", "queued"]
    assert [e[1] for e in await _events(sessionmaker, case_id)] == [
        None, "address_invalid", None, "next_channel"]
    # The robot stage's next channel is SMS, sent to the debtor's other, still valid number.
    assert result.actions[-1] == NextChannel("ответил не должник", Channel.SMS)
    assert await _next_attempt(sessionmaker, attempt_id) == (
        "sms", OTHER_PHONE, "payment_details", "sms-payment-details", "queued")


async def test_stop_calls_records_the_refusal_once(sessionmaker: Sessions) -> None:
    case_id, person_id, attempt_id, queued = await _setup(
        sessionmaker, queued=(Channel.CALL, Channel.SMS))
    await _report(sessionmaker, attempt_id, _answered(Intent.STOP_CALLS))

    async with sessionmaker() as session:
        refusals = (await session.execute(select(ContactRefusal.person_id, ContactRefusal.channel,
                                                 ContactRefusal.source))).all()
    assert [tuple(r) for r in refusals] == [(person_id, "call", f"попытка {attempt_id}: ответил")]
    assert await _statuses(sessionmaker, queued) == ["cancelled", "queued"]

    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        person = await session.get_one(Person, person_id)
        again = _attempt(case, person)
        session.add(again)
        await session.flush()
        again_id = again.id
    result = await _report(sessionmaker, again_id, _answered(Intent.STOP_CALLS),
                           now=NOW.replace(hour=10))
    assert result.skipped == ("RefuseChannel: call already refused",)


async def test_refusal_of_sms_by_reply_is_recorded(sessionmaker: Sessions) -> None:
    _, person_id, attempt_id, _ = await _setup(sessionmaker, channel=Channel.SMS)
    await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.MANUAL, refused_channels=(Channel.SMS,), note="ответил СТОП",
        actor="manager:sidorova"))

    async with sessionmaker() as session:
        refusal = (await session.scalars(select(ContactRefusal))).one()
    assert (refusal.person_id, refusal.channel) == (person_id, "sms")


# --- Calls: listening and no answer ---------------------------------------------------------

async def test_listened_to_the_end_holds_calls(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    await _report(sessionmaker, attempt_id, _answered(listened_to_end=True,
                                                      listened_share=(1.0, 1.0)))

    assert (await _case(sessionmaker, case_id)).no_call_until == date(2026, 3, 9)


async def test_hold_counts_from_the_debtors_local_date(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker, zone="Asia/Novosibirsk")
    # 20:00 UTC on 2 March is 03:00 on 3 March in Novosibirsk.
    evening = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)
    await _report(sessionmaker, attempt_id, _answered(listened_to_end=True), now=evening)

    assert (await _case(sessionmaker, case_id)).no_call_until == date(2026, 3, 10)


async def test_no_answer_streak_moves_to_next_channel(sessionmaker: Sessions) -> None:
    case_id, person_id, first_id, _ = await _setup(sessionmaker)
    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        person = await session.get_one(Person, person_id)
        more = [_attempt(case, person) for _ in range(4)]
        session.add_all(more)
        await session.flush()
        ids = [first_id, *(a.id for a in more)]
    kinds = [OutcomeKind.NO_ANSWER, OutcomeKind.BUSY, OutcomeKind.FAILED, OutcomeKind.NO_ANSWER]
    results = [await _report(sessionmaker, i, OutcomeReport(kind=k),
                             now=NOW.replace(hour=9 + n))
               for n, (i, k) in enumerate(zip(ids, kinds))]

    # The failed call was our fault: it neither counts nor breaks the streak.
    assert [r.next_channel for r in results] == [False, False, False, True]
    assert results[3].actions == (NextChannel("без ответа подряд: 3", Channel.SMS),)
    assert ("outcome", "next_channel",
            "следующий канал — SMS (шаг «sms-payment-details»): без ответа подряд: 3") \
        in await _events(sessionmaker, case_id)
    assert await _next_attempt(sessionmaker, ids[3]) == (
        "sms", PHONE, "payment_details", "sms-payment-details", "queued")
    # An answered call ends the streak.
    await _report(sessionmaker, ids[4], _answered(), now=NOW.replace(hour=14))
    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        person = await session.get_one(Person, person_id)
        last = _attempt(case, person)
        session.add(last)
        await session.flush()
        last_id = last.id
    after = await _report(sessionmaker, last_id, OutcomeReport(kind=OutcomeKind.NO_ANSWER),
                          now=NOW.replace(hour=15))
    assert not after.next_channel


async def _next_attempt(sessionmaker: Sessions, after_id: int) -> tuple[str, str, str, str, str]:
    """The attempt queued on the next channel after attempt ``after_id``."""
    async with sessionmaker() as session:
        row = (await session.execute(
            select(Attempt.channel, Attempt.address, Attempt.template, Attempt.step_code,
                   Attempt.status).where(Attempt.idempotency_key.endswith(f"-a{after_id}")))).one()
    return tuple(row)  # type: ignore[return-value]


async def _in_stage(sessionmaker: Sessions, case_id: int, stage: str) -> None:
    async with sessionmaker() as session, session.begin():
        (await session.get_one(Case, case_id)).stage = stage


async def test_wrong_person_on_an_sms_moves_on_to_email(sessionmaker: Sessions) -> None:
    case_id, person_id, attempt_id, _ = await _setup(sessionmaker, channel=Channel.SMS,
                                                     template="reminder")
    await _in_stage(sessionmaker, case_id, "soft")
    async with sessionmaker() as session, session.begin():
        session.add(PersonEmail(person_id=person_id, address="ivanov@example.ru"))
    result = await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.MANUAL, intents=(Intent.WRONG_PERSON,), note="ответили: не тот номер"))

    assert result.actions[-1] == NextChannel("ответил не должник", Channel.EMAIL)
    assert await _next_attempt(sessionmaker, attempt_id) == (
        "email", "ivanov@example.ru", "reminder", "email-reminder", "queued")


async def test_next_channel_wraps_round_the_stage(sessionmaker: Sessions) -> None:
    # The notice stage is courier, then call: after a call the courier is next.
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    await _in_stage(sessionmaker, case_id, "notice")
    for n in range(1, 3):
        async with sessionmaker() as session, session.begin():
            case = await session.get_one(Case, case_id)
            session.add(Attempt(case_id=case_id, channel="call", template="debt_call",
                                idempotency_key=f"earlier-{n}", status="done", outcome="no_answer",
                                not_before=NOW, finished_at=NOW.replace(hour=9 - n),
                                created_at=case.stage_entered_at))
    result = await _report(sessionmaker, attempt_id, OutcomeReport(kind=OutcomeKind.NO_ANSWER))

    assert result.actions == (NextChannel("без ответа подряд: 3", Channel.COURIER),)
    assert await _next_attempt(sessionmaker, attempt_id) == (
        "courier", "Рязанская область, Рязань, ул. Ленина, д. 1", "debt_notice", "courier-notice",
        "queued")


async def test_next_channel_resends_a_step_already_queued(sessionmaker: Sessions) -> None:
    case_id, person_id, attempt_id, _ = await _setup(sessionmaker)
    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        sent = _attempt(case, await session.get_one(Person, person_id), channel=Channel.SMS,
                        status=AttemptStatus.DONE, template="payment_details")
        sent.step_code, sent.created_at = "sms-payment-details", case.stage_entered_at
        session.add(sent)
    await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.ANSWERED, intents=(Intent.WRONG_PERSON,)))

    # The stage has one SMS step, sent already: it is the one the next channel sends again.
    assert await _next_attempt(sessionmaker, attempt_id) == (
        "sms", OTHER_PHONE, "payment_details", "sms-payment-details", "queued")


async def test_no_next_channel_when_none_reaches_the_debtor(sessionmaker: Sessions) -> None:
    case_id, person_id, attempt_id, _ = await _setup(sessionmaker)
    async with sessionmaker() as session, session.begin():
        session.add(ContactRefusal(person_id=person_id, channel="sms"))
    result = await _report(sessionmaker, attempt_id, OutcomeReport(
        kind=OutcomeKind.ANSWERED, intents=(Intent.WRONG_PERSON,)))

    assert not result.next_channel
    assert result.skipped == (
        "NextChannel: no other channel of stage robot reaches the debtor now",)
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Attempt)) == 1


# --- History and cancellation ---------------------------------------------------------------

async def test_events_are_recorded_in_order(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker, queued=(Channel.SMS, Channel.CALL))
    await _report(sessionmaker, attempt_id, _answered(
        Intent.PROMISE_TO_PAY, listened_to_end=True, promise_date=date(2026, 3, 10),
        promise_amount=Decimal("1500.00")))

    assert await _events(sessionmaker, case_id) == [
        ("outcome", None, "Звонок: ответил"),
        ("outcome", "promise", "обещание оплаты 1\u00a0500,00\u00a0₽ до 10.03.2026"),
        ("status_changed", "status", "active → suspended: обещание оплаты до 10.03.2026"),
        ("outcome", "hold_calls", "прослушал сообщение до конца: без звонков до 09.03.2026"),
        ("attempt_cancelled", None,
         "отменено попыток: 2 — дело приостановлено или передано специалисту"),
    ]


async def test_cancel_queued_attempts_spares_started_ones(sessionmaker: Sessions) -> None:
    case_id, _, started_id, queued = await _setup(sessionmaker, queued=(Channel.CALL, Channel.SMS))
    async with sessionmaker() as session, session.begin():
        claimed = await session.get_one(Attempt, queued[1])
        claimed.status = AttemptStatus.CLAIMED.value
        claimed.lease_owner = "worker-1"
    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        cancelled = await cancel_queued_attempts(session, case, "долг погашен", now=NOW)

    assert cancelled == sorted(queued)
    assert await _statuses(sessionmaker, [started_id, *queued]) == [
        "started", "cancelled", "cancelled"]
    async with sessionmaker() as session:
        claimed = await session.get_one(Attempt, queued[1])
    assert (claimed.lease_owner, claimed.note, claimed.finished_at) == ("", "долг погашен", NOW)
    assert await _events(sessionmaker, case_id) == [
        ("attempt_cancelled", None, "отменено попыток: 2 — долг погашен")]


async def test_closed_case_is_not_reopened_by_a_promise(sessionmaker: Sessions) -> None:
    case_id, _, attempt_id, _ = await _setup(sessionmaker)
    async with sessionmaker() as session, session.begin():
        (await session.get_one(Case, case_id)).status = CaseStatus.CLOSED.value
    result = await _report(sessionmaker, attempt_id, _answered(
        Intent.PROMISE_TO_PAY, promise_date=date(2026, 3, 10), promise_amount=Decimal("10.00")))

    assert result.skipped == ("Suspend: case is closed",)
    assert (await _case(sessionmaker, case_id)).status == "closed"


# --- The rules alone -------------------------------------------------------------------------

def test_rules_ignore_what_an_unconfirmed_voice_says() -> None:
    facts = Facts(channel=Channel.CALL, today=date(2026, 3, 2), occurred_at=NOW,
                  no_answer_streak=0)
    report = OutcomeReport(kind=OutcomeKind.ANSWERED, identity_confirmed=False,
                           intents=(Intent.DISPUTE, Intent.STOP_CALLS))
    assert evaluate(report, facts, RuleSettings(OutcomeSettings())) == []


def test_a_call_back_the_bot_promised_is_a_managers_task_for_the_debtor_only() -> None:
    facts = Facts(channel=Channel.CALL, today=date(2026, 3, 2), occurred_at=NOW,
                  no_answer_streak=0)
    settings = RuleSettings(OutcomeSettings())
    promised = _answered(Intent.NLU_FALLBACK, manager_callback="робот не понял ответов")
    assert RequestCallback(None, "робот не понял ответов") in evaluate(promised, facts, settings)
    stranger = promised.model_copy(update={"identity_confirmed": False})
    assert not any(isinstance(e, RequestCallback) for e in evaluate(stranger, facts, settings))
    with pytest.raises(ValidationError):
        OutcomeReport(kind=OutcomeKind.BUSY, manager_callback="робот не понял ответов")


def test_plan_settings_drive_the_rules() -> None:
    facts = Facts(channel=Channel.CALL, today=date(2026, 3, 2), occurred_at=NOW,
                  no_answer_streak=2)
    settings = RuleSettings(OutcomeSettings(no_answer_limit=2, promise_grace_days=0))
    assert evaluate(OutcomeReport(kind=OutcomeKind.BUSY), facts, settings) == [
        NextChannel("без ответа подряд: 2")]
    promise = _answered(promise_date=date(2026, 3, 4))
    assert Suspend(date(2026, 3, 4), "обещание оплаты до 04.03.2026") in evaluate(
        promise, facts, settings)


async def test_a_voice_message_left_on_a_machine_counts_as_a_message(sessionmaker: Sessions) -> None:
    _, person_id, attempt_id, _ = await _setup(sessionmaker)
    await _report(sessionmaker, attempt_id, OutcomeReport(kind=OutcomeKind.MACHINE,
                                                          voice_message_left=True))
    async with sessionmaker() as session:
        (message,) = (await session.execute(
            select(Attempt).where(Attempt.channel == VOICE_MESSAGE))).scalars()
        assert (message.status, message.started_at) == (AttemptStatus.DONE.value, NOW)
        one_a_day = ContactLimits(messages_per_day=1)
        decision = await check_budget(session, person_id, "sms", NOW, "Europe/Moscow",
                                      limits=one_a_day)
    assert not decision.allowed and decision.reason == "лимит сообщений в день исчерпан (1)"
    with pytest.raises(ValidationError):
        OutcomeReport(kind=OutcomeKind.NO_ANSWER, voice_message_left=True)
