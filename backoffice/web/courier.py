"""The courier's page: today's notices on the buildings assigned to them, and recording each one.

A courier reaches only attempts in their own buildings: every query here is joined through
their courier_route rows, so another courier's task is simply not found (404).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from itertools import groupby
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import Select, select

from backoffice.legal.documents.pdf import PdfConversionError
from backoffice.notices.batch import notices_pdf
from backoffice.notices.content import notices_for
from backoffice.web.api.encoding import reply
from backoffice.web.auth.access import current_user
from backoffice.web.auth.audit import audit
from backoffice.web.keys import SESSIONMAKER, TODAY
from campaigns.outcomes.record import record_outcome
from campaigns.outcomes.report import KIND_TITLES, KINDS_BY_CHANNEL, OutcomeKind, OutcomeReport
from models.column_types import utc_now
from models.entities import Account, Attempt, Building, Case, CourierRoute, Person
from models.enums import AttemptStatus, Channel

COURIER_KINDS = [kind for kind in OutcomeKind
                 if kind in KINDS_BY_CHANNEL[Channel.COURIER] and kind != OutcomeKind.MANUAL]
STATIC = Path(__file__).with_name("static")
_OPEN = (AttemptStatus.QUEUED.value, AttemptStatus.CLAIMED.value)


def route_attempts(user_id: int) -> Select[Any]:
    """The courier attempts in this courier's buildings, whatever their state."""
    return (select(Attempt)
            .join(Case, Case.id == Attempt.case_id)
            .join(Account, Account.id == Case.account_id)
            .join(CourierRoute, CourierRoute.building_id == Account.building_id)
            .where(CourierRoute.user_id == user_id, Attempt.channel == Channel.COURIER.value))


def tasks_of(user_id: int) -> Select[Any]:
    """The courier's open tasks due by the end of today, with where to go and whom for."""
    tomorrow = datetime.combine(utc_now().date() + timedelta(days=1), time(), timezone.utc)
    return (route_attempts(user_id)
            .add_columns(Account.number, Account.premises, Building.street, Building.house,
                         Person.last_name, Person.first_name, Person.middle_name)
            .join(Building, Building.id == Account.building_id)
            .outerjoin(Person, Person.id == Attempt.person_id)
            .where(Attempt.status.in_(_OPEN), Attempt.not_before < tomorrow)
            .order_by(Building.street, Building.house, Account.premises, Attempt.id))


@aiohttp_jinja2.template("courier.html")
async def show(request: web.Request) -> dict[str, Any]:
    user = current_user(request)
    await audit(request, f"courier_tasks:{user.login}")
    async with request.app[SESSIONMAKER]() as session:
        rows = (await session.execute(tasks_of(user.id))).all()
    buildings = [(f"{street}, д. {house}", list(group)) for (street, house), group in
                 groupby(rows, key=lambda row: (row.street, row.house))]
    return {"buildings": buildings, "count": len(rows), "kinds": [(kind.value, KIND_TITLES[kind]) for kind in COURIER_KINDS],
            "done": request.query.get("done")}


async def api_tasks(request: web.Request) -> web.Response:
    user = current_user(request)
    await audit(request, f"courier_tasks:{user.login}", "api_view")
    async with request.app[SESSIONMAKER]() as session:
        rows = (await session.execute(tasks_of(user.id))).all()
    return reply({"items": [
        {"attempt": row.Attempt.id, "address": f"{row.street}, д. {row.house}",
         "premises": row.premises, "account": row.number,
         "debtor": " ".join(p for p in (row.last_name, row.first_name, row.middle_name) if p)}
        for row in rows]})


async def record(request: web.Request) -> web.Response:
    user = current_user(request)
    form = await request.post()
    try:
        attempt_id = int(request.match_info["attempt_id"])
        kind = OutcomeKind(str(form.get("kind", "")))
    except ValueError:
        raise web.HTTPBadRequest(text="Не выбран результат доставки.") from None
    if kind not in COURIER_KINDS:
        raise web.HTTPBadRequest(text="Не выбран результат доставки.")
    async with request.app[SESSIONMAKER].begin() as session:
        mine = (await session.execute(tasks_of(user.id).where(Attempt.id == attempt_id))).first()
        if mine is None:
            raise web.HTTPNotFound(text="Такого задания в вашем маршруте нет.")
        await record_outcome(session, attempt_id, OutcomeReport(kind=kind, actor=user.login))
    raise web.HTTPFound(f"/courier?done={attempt_id}")


async def service_worker(_request: web.Request) -> web.FileResponse:
    # Served from the root rather than /static/ so that its scope may cover /courier; never
    # cached by the browser's HTTP cache, so a new version reaches the phones at their next visit.
    return web.FileResponse(STATIC / "courier-sw.js", headers={
        "Cache-Control": "no-cache", "Content-Type": "text/javascript; charset=utf-8"})


async def route_pdf(request: web.Request, courier_id: int, login: str) -> web.Response:
    """The printed notices of every open task on the courier's route, in the page's order."""
    await audit(request, f"courier_notices:{login}", "print")
    async with request.app[SESSIONMAKER]() as session:
        ids = list(await session.scalars(tasks_of(courier_id).with_only_columns(Attempt.id)))
        if not ids:
            raise web.HTTPNotFound(text="На маршруте нет уведомлений к доставке.")
        notices = await notices_for(session, ids, request.app[TODAY]())
    try:
        pdf = await notices_pdf(notices)
    except PdfConversionError as exc:
        raise web.HTTPServiceUnavailable(
            text="Не удалось сформировать PDF: сервис печати документов недоступен. "
                 f"Повторите позже или сообщите администратору ({exc}).") from None
    return web.Response(body=pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="uvedomleniya-{login}.pdf"'})


async def own_route_pdf(request: web.Request) -> web.Response:
    user = current_user(request)
    return await route_pdf(request, user.id, user.login)
