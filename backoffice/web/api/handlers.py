"""The API's handlers: thin over the same queries and campaign functions the pages use."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from backoffice.web.api.encoding import parse_body, parse_query, problem, reply
from backoffice.web.api.schemas import (
    CASE_ROWS,
    AccountQuery,
    AttemptOut,
    AttemptQuery,
    WaveRequest,
)
from backoffice.web.auth.access import current_user
from backoffice.web.auth.audit import audit, audited
from backoffice.web.cases.card import stop_case
from backoffice.web.cases.pages import case_id_of, read_case_card
from backoffice.web.cases.registry import CaseFilter, registry_page
from backoffice.web.keys import SESSIONMAKER, TODAY
from backoffice.web.uploads import import_upload
from backoffice.web.waves import recent_waves
from campaigns.outcomes.record import OutcomeRejected, record_outcome
from campaigns.outcomes.report import OutcomeReport
from campaigns.plans.loader import plan_definition
from campaigns.waves.control import WaveStateError, change_state
from campaigns.waves.planning import WaveSpec, create_wave
from models.entities import Account, Attempt, Building, Case, WorkPlan
from models.ledger import account_ledger_for
from models.outreach import Wave


def _int_param(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise problem(404, "не найдено") from None


async def list_cases(request: web.Request) -> web.Response:
    wanted = parse_query(request, CaseFilter)
    async with request.app[SESSIONMAKER]() as session:
        page = await registry_page(session, wanted)
    return reply({"items": CASE_ROWS.dump_python(page.rows, mode="json"),
                  "next_before": page.next_before})


async def get_case(request: web.Request) -> web.Response:
    case_id = case_id_of(request)
    card = await audited(request, f"case:{case_id}", "api_view", read_case_card(request, case_id))
    if card is None:
        raise problem(404, f"дела №{case_id} нет")
    case = card.case
    return reply({
        "id": case.id, "account_number": card.account.number, "address": card.building.address,
        "premises": card.account.premises, "plan": {"code": card.plan.code, "version": card.plan.version},
        "stage": case.stage, "status": case.status, "status_reason": case.status_reason,
        "suspended_until": case.suspended_until, "opened_at": case.opened_at,
        "debt_at_open": case.debt_at_open, "ledger": _ledger_summary(card.ledger),
        "debtors": [{
            "name": d.person.full_name, "kind": d.ownership.kind,
            "share": f"{d.ownership.share_numerator}/{d.ownership.share_denominator}",
            "minor": d.ownership.is_minor,
            "phones": [{"number": p.number, "valid": p.valid} for p in d.person.phones],
            "emails": [{"address": e.address, "valid": e.valid} for e in d.person.emails],
            "refused_channels": [r.channel for r in d.refusals]} for d in card.debtors],
        "events": [{"at": e.at, "kind": e.kind, "actor": e.actor, "message": e.message}
                   for e in card.events],
        "attempts": [_attempt(a) for a in card.attempts],
        "promises": [{"amount": p.amount, "pay_by": p.pay_by, "status": p.status}
                     for p in card.promises],
        "disputes": [{"amount": d.amount, "reason": d.reason, "status": d.status}
                     for d in card.disputes],
    })


async def stop(request: web.Request) -> web.Response:
    case_id = case_id_of(request)
    async with request.app[SESSIONMAKER].begin() as session:
        case = await session.get(Case, case_id, with_for_update=True)
        if case is None:
            raise problem(404, f"дела №{case_id} нет")
        cancelled = await stop_case(session, case, current_user(request).login)
    await audit(request, f"case:{case_id}", "stop")
    return reply({"case_id": case_id, "status": "suspended", "cancelled_attempts": cancelled})


def _ledger_summary(ledger: Any) -> dict[str, Any]:
    return {"as_of": ledger.as_of, "real_debt": ledger.real_debt,
            "conditional_debt": ledger.conditional_debt, "credit": ledger.credit,
            "max_days_overdue": ledger.max_days_overdue}


def _attempt(attempt: Attempt) -> AttemptOut:
    return AttemptOut.model_validate(attempt, from_attributes=True)


async def list_accounts(request: web.Request) -> web.Response:
    wanted = parse_query(request, AccountQuery)
    async with request.app[SESSIONMAKER]() as session:
        rows = (await session.execute(
            select(Account, Building.code).join(Building).where(Account.number > wanted.after)
            .order_by(Account.number).limit(wanted.limit + 1))).all()
    items = [{"number": a.number, "building": code, "premises": a.premises,
              "debtor_kind": a.debtor_kind} for a, code in rows[:wanted.limit]]
    more = len(rows) > wanted.limit
    return reply({"items": items, "next_after": items[-1]["number"] if more else None})


async def get_account(request: web.Request) -> web.Response:
    number = request.match_info["number"]
    await audit(request, f"account:{number}", "api_view")
    async with request.app[SESSIONMAKER]() as session:
        account = (await session.scalars(select(Account).where(Account.number == number))).first()
        if account is None:
            raise problem(404, f"лицевой счёт {number} не найден")
        ledger = await account_ledger_for(session, account.id, request.app[TODAY]())
    return reply({"number": account.number, "premises": account.premises,
                  "ledger": _ledger_summary(ledger),
                  "lines": [{"period": line.period, "service": line.service, "amount": line.amount,
                             "paid": line.paid, "outstanding": line.outstanding,
                             "due_date": line.due_date, "days_overdue": line.days_overdue}
                            for line in ledger.lines]})


async def list_waves(request: web.Request) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        rows = await recent_waves(session)
    return reply({"items": [_wave(row.wave, row.counts) for row in rows]})


def _wave(wave: Wave, counts: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": wave.id, "name": wave.name, "channel": wave.channel, "template": wave.template,
        "step_code": wave.step_code, "segment": wave.segment, "window_start": wave.window_start,
        "window_end": wave.window_end, "per_minute": wave.per_minute,
        "max_concurrent": wave.max_concurrent, "holdout_share": wave.holdout_share,
        "status": wave.status, "created_by": wave.created_by}
    if counts is not None:
        data["counts"] = {"members": counts.members, "holdout": counts.holdout,
                          "attempts": dict(counts.attempts), "outcomes": dict(counts.outcomes)}
    return data


async def schedule_wave(request: web.Request) -> web.Response:
    body = await parse_body(request, WaveRequest)
    try:
        spec = WaveSpec(created_by=current_user(request).login, **dict(body))
    except ValueError as exc:
        raise problem(422, str(exc)) from None
    async with request.app[SESSIONMAKER].begin() as session:
        wave = await create_wave(session, spec)
    return reply(_wave(wave), status=201)


async def change_wave(request: web.Request) -> web.Response:
    async with request.app[SESSIONMAKER].begin() as session:
        wave = await session.get(Wave, _int_param(request, "wave_id"), with_for_update=True)
        if wave is None:
            raise problem(404, "такой волны нет")
        try:
            await change_state(session, wave, request.match_info["action"])
        except WaveStateError as exc:
            raise problem(409, str(exc)) from None
        return reply(_wave(wave))


async def list_plans(request: web.Request) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        plans = list(await session.scalars(
            select(WorkPlan).order_by(WorkPlan.debtor_kind, WorkPlan.code, WorkPlan.version)))
    return reply({"items": [{
        "id": plan.id, "code": plan.code, "version": plan.version, "name": plan.name,
        "debtor_kind": plan.debtor_kind, "master": plan.is_master,
        "stages": [{"code": stage.code, "name": stage.name,
                    "steps": [{"code": step.code, "channel": step.channel, "day": step.day,
                               "template": step.template, "enabled": step.enabled}
                              for step in stage.steps]}
                   for stage in plan_definition(plan).stages]} for plan in plans]})


async def list_attempts(request: web.Request) -> web.Response:
    wanted = parse_query(request, AttemptQuery)
    query = select(Attempt)
    if wanted.case_id is not None:
        query = query.where(Attempt.case_id == wanted.case_id)
    if wanted.wave_id is not None:
        query = query.where(Attempt.wave_id == wanted.wave_id)
    if wanted.status:
        query = query.where(Attempt.status == wanted.status)
    if wanted.before is not None:
        query = query.where(Attempt.id < wanted.before)
    async with request.app[SESSIONMAKER]() as session:
        found = list(await session.scalars(query.order_by(Attempt.id.desc()).limit(wanted.limit + 1)))
    items = [_attempt(a) for a in found[:wanted.limit]]
    return reply({"items": items,
                  "next_before": items[-1].id if len(found) > wanted.limit else None})


async def post_outcome(request: web.Request) -> web.Response:
    """The outcome of an attempt, through the one door every channel reports through."""
    report = await parse_body(request, OutcomeReport)
    report = report.model_copy(update={"actor": current_user(request).login})
    attempt_id = _int_param(request, "attempt_id")
    async with request.app[SESSIONMAKER].begin() as session:
        try:
            result = await record_outcome(session, attempt_id, report)
        except LookupError:
            raise problem(404, f"попытки №{attempt_id} нет") from None
        except OutcomeRejected as exc:
            raise problem(422, str(exc)) from None
    return reply({"attempt_id": result.attempt_id, "case_id": result.case_id,
                  "applied": result.applied, "actions": result.actions,
                  "skipped": result.skipped, "ignored_reason": result.ignored_reason})


async def post_import(request: web.Request) -> web.Response:
    skip = request.query.get("skip_bad_rows", "") in ("1", "true")
    report = await import_upload(request, skip_bad_rows=skip)
    return reply({
        "committed": report.committed,
        "results": [{"kind": r.kind, "title": r.title, "files": r.files, "staged": r.counts.staged,
                     "inserted": r.counts.inserted, "updated": r.counts.updated,
                     "bad_rows": r.bad_rows} for r in report.results],
        "errors": [{"file": e.file, "line": e.line, "reason": e.reason} for e in report.errors],
    }, status=200 if report.committed else 422)
