"""Court events a lawyer records on a case: the application filed, the court order issued, the
debtor's objection, the order cancelled, the writ sent for enforcement.

Each event updates the account's court filing (whose dates decide limitation, see
models.court_filing), goes into the case's history with who recorded it and when, and moves the
case through the campaign code (campaigns.cases.advance): filing puts it into the court stage,
a cancelled order starts that stage over on the lawsuit track, enforcement moves it on to the
enforcement stage. The plans name these stages by code (campaigns/plans/default).
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.account_claim import load_account_claim
from backoffice.legal.penalty import PenaltyPolicy
from backoffice.legal.documents.objection import BadObjection, write_objection
from campaigns.cases.advance import enter_stage, escalate
from campaigns.cases.history import EventKind, record_event
from campaigns.plans.loader import plan_definition
from campaigns.plans.schema import PlanDefinition, Stage
from models.column_types import utc_now
from models.court_filing import COURT_ORDER, LAWSUIT, CourtFiling
from models.entities import Account, Case, CaseEvent, WorkPlan
from models.enums import CaseStatus
from models.reference.production_calendar import ProductionCalendar
from models.ru_format import day, money

COURT_STAGE = "court"
ENFORCEMENT_STAGE = "enforcement"


class CourtEventKind(StrEnum):
    FILED = "filed"
    ORDER_ISSUED = "order_issued"
    OBJECTION = "objection"
    CANCELLED = "cancelled"
    ENFORCEMENT_SENT = "enforcement_sent"


EVENT_TITLES = {
    CourtEventKind.FILED: "Заявление подано в суд",
    CourtEventKind.ORDER_ISSUED: "Вынесен судебный приказ",
    CourtEventKind.OBJECTION: "Получены возражения должника",
    CourtEventKind.CANCELLED: "Судебный приказ отменён",
    CourtEventKind.ENFORCEMENT_SENT: "Направлено на исполнение",
}
CLAIM_TITLES = {COURT_ORDER: "заявление о выдаче судебного приказа", LAWSUIT: "исковое заявление"}
RECIPIENT_TITLES = {"fssp": "в ФССП", "bank": "в банк должника"}


class CourtEventRequest(BaseModel):
    """One court event as the form or the API sends it; which fields matter depends on ``kind``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: CourtEventKind
    # The day it happened: filed, issued, objection received, cancelled, sent.
    on: date
    # filed: what was filed, where, under which court case number.
    claim: Literal["court_order", "lawsuit"] = "court_order"
    court: str = Field(default="", max_length=32)
    case_number: str = Field(default="", max_length=64)
    # order_issued: the order's number.
    order_number: str = Field(default="", max_length=64)
    # objection: the day the debtor received the order's copy (the term runs from it); empty: the
    # day the order was issued, the earliest it can be.
    served_on: date | None = None
    # enforcement_sent: to the bailiffs or straight to the debtor's bank (ФЗ-229 ст. 8).
    recipient: Literal["fssp", "bank"] = "fssp"
    recipient_name: str = Field(default="", max_length=200)


class CourtEventError(ValueError):
    """An event that cannot be recorded; the message says why and what to do, in Russian."""


async def record_court_event(
    session: AsyncSession, case: Case, event: CourtEventRequest, actor: str, *,
    today: date, policy: PenaltyPolicy, calendar: ProductionCalendar | None = None,
) -> CaseEvent:
    """Record ``event`` on ``case`` (locked by the caller, who commits and rolls back on a
    :class:`CourtEventError`, so a refused event leaves nothing behind)."""
    if case.status == CaseStatus.CLOSED.value:
        raise CourtEventError("Дело закрыто: судебные события по нему не записываются.")
    if event.on > today:
        raise CourtEventError(f"Дата {day(event.on)} ещё не наступила: укажите, когда событие было.")
    definition = plan_definition(await session.get_one(WorkPlan, case.plan_id))
    target = _target(definition, event.kind)
    filing = await _latest_filing(session, case.account_id)
    handler = _HANDLERS[event.kind]
    message, data = await handler(session, case, filing, event, policy, calendar)
    title = EVENT_TITLES[event.kind]
    recorded = record_event(session, case, EventKind.COURT, f"{title}: {message}", actor=actor,
                            data={"court_event": event.kind.value, "on": event.on.isoformat(), **data})
    _move(session, case, definition.stage(case.stage), target, event.kind, title, actor)
    await session.flush()
    return recorded


async def _latest_filing(session: AsyncSession, account_id: int) -> CourtFiling | None:
    return await session.scalar(
        select(CourtFiling).where(CourtFiling.account_id == account_id)
        .order_by(CourtFiling.filed_on.desc(), CourtFiling.id.desc()).limit(1))


async def _filed(session: AsyncSession, case: Case, filing: CourtFiling | None,
                 event: CourtEventRequest, policy: PenaltyPolicy,
                 _calendar: ProductionCalendar | None) -> tuple[str, dict[str, Any]]:
    if filing is not None and filing.cancelled_on is None:
        raise CourtEventError(
            f"По лицевому счёту уже подано {CLAIM_TITLES.get(filing.kind, filing.kind)} "
            f"от {day(filing.filed_on)}: новое заявление — только после отмены приказа.")
    if filing is not None and filing.cancelled_on is not None and event.on < filing.cancelled_on:
        raise CourtEventError(f"Новое заявление не может быть подано раньше отмены приказа "
                              f"({day(filing.cancelled_on)}).")
    if not event.court:
        raise CourtEventError("Укажите суд (код судебного участка), куда подано заявление.")
    account = await session.get_one(Account, case.account_id)
    claim = await load_account_claim(session, account.number, event.on, policy=policy)
    if not claim.claimable:
        raise CourtEventError(
            f"На {day(event.on)} взыскивать нечего: все периоды оплачены, уже взысканы "
            "или за сроком давности. Проверьте расчёт на странице «расчёт и суд».")
    amount = claim.principal + claim.penalty.penalty
    periods = [p.period for p in claim.claimable]
    new = CourtFiling(account_id=case.account_id, kind=event.claim, filed_on=event.on,
                      first_period=min(periods), last_period=max(periods), amount=amount,
                      court_code=event.court, case_number=event.case_number)
    session.add(new)
    await session.flush()
    number = f", дело № {event.case_number}" if event.case_number else ""
    return (f"{CLAIM_TITLES[event.claim]} от {day(event.on)}, суд {event.court}{number}, "
            f"на {money(amount)}", {"filing_id": new.id, "claim": event.claim, "court": event.court,
                                   "case_number": event.case_number, "amount": str(amount)})


def _in_force(filing: CourtFiling | None, doing: str) -> CourtFiling:
    if filing is None or filing.cancelled_on is not None:
        raise CourtEventError(f"Нельзя {doing}: по лицевому счёту нет поданного заявления "
                              "(сначала запишите подачу).")
    return filing


def _issued(filing: CourtFiling | None, doing: str) -> tuple[CourtFiling, date]:
    """The filing in force and the day its order was issued."""
    filing = _in_force(filing, doing)
    if filing.issued_on is None:
        raise CourtEventError(f"Нельзя {doing}: судебный приказ ещё не записан как вынесенный.")
    return filing, filing.issued_on


async def _order_issued(_session: AsyncSession, _case: Case, filing: CourtFiling | None,
                        event: CourtEventRequest, _policy: PenaltyPolicy,
                        _calendar: ProductionCalendar | None) -> tuple[str, dict[str, Any]]:
    filing = _in_force(filing, "записать приказ")
    if filing.issued_on is not None:
        raise CourtEventError(f"Приказ по этому заявлению уже записан: № {filing.order_number} "
                              f"от {day(filing.issued_on)}.")
    if not event.order_number:
        raise CourtEventError("Укажите номер судебного приказа.")
    if event.on < filing.filed_on:
        raise CourtEventError(f"Приказ не может быть вынесен раньше подачи заявления "
                              f"({day(filing.filed_on)}).")
    filing.issued_on, filing.order_number = event.on, event.order_number
    return (f"№ {event.order_number} от {day(event.on)}; должник может возразить в течение "
            "10 рабочих дней после получения копии",
            {"filing_id": filing.id, "order_number": event.order_number})


async def _objection(_session: AsyncSession, _case: Case, filing: CourtFiling | None,
                     event: CourtEventRequest, _policy: PenaltyPolicy,
                     calendar: ProductionCalendar | None) -> tuple[str, dict[str, Any]]:
    filing, issued_on = _issued(filing, "записать возражения")
    served = event.served_on or issued_on
    try:
        # Kept on the filing too: the enforcement documents read them to tell an order in force.
        term = write_objection(filing, served, event.on, None, calendar)
    except BadObjection as refused:
        raise CourtEventError(f"{str(refused).capitalize()}.") from None
    verdict = ("в срок: суд отменит приказ" if term.timely else
               "с пропуском срока: приказ отменят, только если суд восстановит срок")
    return (f"{day(event.on)}, срок — до {day(term.deadline)} (10 рабочих дней с {day(served)}), "
            f"{verdict}", {"filing_id": filing.id, "served_on": served.isoformat(),
                           "deadline": term.deadline.isoformat(), "timely": term.timely})


async def _cancelled(_session: AsyncSession, _case: Case, filing: CourtFiling | None,
                     event: CourtEventRequest, _policy: PenaltyPolicy,
                     _calendar: ProductionCalendar | None) -> tuple[str, dict[str, Any]]:
    filing, issued_on = _issued(filing, "записать отмену")
    if filing.kind != COURT_ORDER:
        raise CourtEventError("Отменить можно судебный приказ; решение по иску обжалуется иначе.")
    if event.on < issued_on:
        raise CourtEventError(f"Приказ не может быть отменён раньше, чем вынесен ({day(issued_on)}).")
    filing.cancelled_on = event.on
    return (f"приказ № {filing.order_number} отменён {day(event.on)}: взыскание — в исковом "
            "порядке (ГПК ст. 129)", {"filing_id": filing.id})


async def _enforcement_sent(_session: AsyncSession, _case: Case, filing: CourtFiling | None,
                            event: CourtEventRequest, _policy: PenaltyPolicy,
                            _calendar: ProductionCalendar | None) -> tuple[str, dict[str, Any]]:
    filing, issued_on = _issued(filing, "направить на исполнение")
    if event.on < issued_on:
        raise CourtEventError(f"На исполнение нельзя направить раньше, чем вынесен приказ "
                              f"({day(issued_on)}).")
    to = RECIPIENT_TITLES[event.recipient] + (f" ({event.recipient_name})" if event.recipient_name else "")
    return (f"№ {filing.order_number} {to} {day(event.on)}",
            {"filing_id": filing.id, "recipient": event.recipient,
             "recipient_name": event.recipient_name})


_HANDLERS = {
    CourtEventKind.FILED: _filed,
    CourtEventKind.ORDER_ISSUED: _order_issued,
    CourtEventKind.OBJECTION: _objection,
    CourtEventKind.CANCELLED: _cancelled,
    CourtEventKind.ENFORCEMENT_SENT: _enforcement_sent,
}

_REASONS = {
    CourtEventKind.FILED: "в суде: ждём приказ",
    CourtEventKind.ORDER_ISSUED: "приказ вынесен: ждём срок возражений",
    CourtEventKind.OBJECTION: "возражения должника: ждём отмену приказа",
    CourtEventKind.CANCELLED: "приказ отменён: готовим исковое заявление",
    CourtEventKind.ENFORCEMENT_SENT: "на исполнении",
}


def _target(definition: PlanDefinition, kind: CourtEventKind) -> Stage | None:
    """The stage the event puts the case into: filing the court stage, a cancelled order the court
    stage again (the lawsuit track, with the stage's clock reset so the plan does not move the
    case on to enforcement on a cancelled order), enforcement the enforcement stage."""
    code = {CourtEventKind.FILED: COURT_STAGE, CourtEventKind.CANCELLED: COURT_STAGE,
            CourtEventKind.ENFORCEMENT_SENT: ENFORCEMENT_STAGE}.get(kind)
    if code is None:
        return None
    try:
        return definition.stage(code)
    except KeyError:
        raise CourtEventError(f"В плане «{definition.name}» нет этапа «{code}»: дело некуда "
                              "перевести. Добавьте этап в новую версию плана.") from None


def _move(session: AsyncSession, case: Case, current: Stage, target: Stage | None,
          kind: CourtEventKind, title: str, actor: str) -> None:
    if target and (target.code != current.code or kind is CourtEventKind.CANCELLED):
        enter_stage(session, case, current, target, utc_now(),
                    f"Этап «{current.name}» → «{target.name}»: {title.lower()}", actor=actor,
                    data={"court_event": kind.value})
    # Every event also says why the case waits now.
    escalate(session, case, _REASONS[kind], actor=actor, data={"court_event": kind.value})
