"""The courier's page: today's notices on the buildings assigned to them, and recording each one.

A courier reaches only attempts in their own buildings: every query here is joined through
their courier_route rows, so another courier's task is simply not found (404).
"""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import Select, select

from backoffice.web.auth.access import current_user
from backoffice.web.auth.audit import audit
from backoffice.web.keys import SESSIONMAKER
from campaigns.outcomes.record import record_outcome
from campaigns.outcomes.report import KIND_TITLES, KINDS_BY_CHANNEL, OutcomeKind, OutcomeReport
from models.entities import Account, Attempt, Building, Case, CourierRoute, Person
from models.enums import AttemptStatus, Channel

COURIER_KINDS = [kind for kind in OutcomeKind
                 if kind in KINDS_BY_CHANNEL[Channel.COURIER] and kind != OutcomeKind.MANUAL]
_OPEN = (AttemptStatus.QUEUED.value, AttemptStatus.CLAIMED.value)


def tasks_of(user_id: int) -> Select[Any]:
    return (select(Attempt, Account.number, Account.premises, Building.street, Building.house,
                   Person.last_name, Person.first_name, Person.middle_name)
            .join(Case, Case.id == Attempt.case_id)
            .join(Account, Account.id == Case.account_id)
            .join(Building, Building.id == Account.building_id)
            .join(CourierRoute, CourierRoute.building_id == Building.id)
            .outerjoin(Person, Person.id == Attempt.person_id)
            .where(CourierRoute.user_id == user_id, Attempt.channel == Channel.COURIER.value,
                   Attempt.status.in_(_OPEN)))


@aiohttp_jinja2.template("courier.html")
async def show(request: web.Request) -> dict[str, Any]:
    user = current_user(request)
    await audit(request, f"courier_tasks:{user.login}")
    async with request.app[SESSIONMAKER]() as session:
        rows = (await session.execute(tasks_of(user.id).order_by(
            Building.street, Building.house, Account.premises, Attempt.id))).all()
    return {"rows": rows, "kinds": [(kind.value, KIND_TITLES[kind]) for kind in COURIER_KINDS],
            "done": request.query.get("done")}


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
