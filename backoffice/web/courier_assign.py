"""Managers give couriers their buildings (a building has one courier) and print a route's notices.

The page and the API both go through ``assign_buildings``: unknown building codes change nothing.
"""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.web.api.encoding import parse_body, problem, reply
from backoffice.web.auth.users import assign_buildings
from backoffice.web.auth.audit import audit
from backoffice.web.courier import COURIER_KINDS, route_pdf
from backoffice.web.keys import COURIER_PHOTOS, SESSIONMAKER
from campaigns.outcomes.report import KIND_TITLES
from models.courier import CourierDelivery
from models.entities import Account, Attempt, Building, Case, CourierRoute, User
from models.enums import AttemptStatus, Channel
from models.user import Role

# The page lists buildings with open courier notices first; a city has thousands of buildings.
PAGE_BUILDINGS = 500
RECENT_RESULTS = 50


class RouteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    courier: str = Field(min_length=1, max_length=64, description="логин курьера")
    buildings: list[str] = Field(min_length=1, max_length=1000, description="коды домов")


class UnknownCourier(LookupError):
    pass


async def _courier(session: AsyncSession, login: str) -> User:
    user = (await session.scalars(select(User).where(
        User.login == login, User.role == Role.COURIER.value, User.active.is_(True)))).first()
    if user is None:
        raise UnknownCourier(login)
    return user


async def _assign(session: AsyncSession, login: str, codes: list[str]) -> list[str]:
    """The codes that name no building (then nothing changed); UnknownCourier if no such courier."""
    return await assign_buildings(session, await _courier(session, login), codes)


async def _overview(session: AsyncSession, search: str) -> dict[str, Any]:
    open_notices = (select(Account.building_id, func.count(Attempt.id).label("notices"))
                    .join(Case, Case.account_id == Account.id)
                    .join(Attempt, Attempt.case_id == Case.id)
                    .where(Attempt.channel == Channel.COURIER.value,
                           Attempt.status.in_((AttemptStatus.QUEUED.value,
                                               AttemptStatus.CLAIMED.value)))
                    .group_by(Account.building_id).subquery())
    notices = func.coalesce(open_notices.c.notices, 0)
    buildings = (select(Building, User.login, notices.label("notices"))
                 .outerjoin(CourierRoute, CourierRoute.building_id == Building.id)
                 .outerjoin(User, User.id == CourierRoute.user_id)
                 .outerjoin(open_notices, open_notices.c.building_id == Building.id)
                 .order_by(notices.desc(), Building.street, Building.house)
                 .limit(PAGE_BUILDINGS))
    if search:
        buildings = buildings.where(Building.street.ilike(f"%{search}%") | (Building.code == search))
    couriers = (await session.scalars(select(User).where(
        User.role == Role.COURIER.value, User.active.is_(True)).order_by(User.login))).all()
    recent = (select(CourierDelivery, Attempt.outcome, Attempt.outcome_data, Attempt.finished_at,
                     Account.number, Account.premises, Building.street, Building.house)
              .join(Attempt, Attempt.id == CourierDelivery.attempt_id)
              .join(Case, Case.id == Attempt.case_id)
              .join(Account, Account.id == Case.account_id)
              .join(Building, Building.id == Account.building_id)
              .order_by(CourierDelivery.received_at.desc(), CourierDelivery.id.desc())
              .limit(RECENT_RESULTS))
    return {"buildings": (await session.execute(buildings)).all(), "couriers": couriers,
            "recent": (await session.execute(recent)).all(),
            "outcomes": {kind.value: KIND_TITLES[kind] for kind in COURIER_KINDS}}


@aiohttp_jinja2.template("couriers.html")
async def show(request: web.Request) -> dict[str, Any]:
    search = request.query.get("q", "").strip()[:100]
    async with request.app[SESSIONMAKER]() as session:
        overview = await _overview(session, search)
    return {**overview, "q": search, "assigned": request.query.get("assigned", ""),
            "error": ""}


async def assign(request: web.Request) -> web.Response:
    form = await request.post()
    login = str(form.get("courier", ""))
    codes = [str(code) for code in form.getall("building", [])]
    error = ""
    if not codes:
        error = "Отметьте хотя бы один дом."
    else:
        try:
            async with request.app[SESSIONMAKER].begin() as session:
                unknown = await _assign(session, login, codes)
            if unknown:
                error = f"Нет домов с кодами: {', '.join(unknown)}. Ничего не изменено."
        except UnknownCourier:
            error = "Выберите курьера из списка."
    if not error:
        raise web.HTTPFound(f"/couriers?assigned={login}")
    async with request.app[SESSIONMAKER]() as session:
        overview = await _overview(session, "")
    return aiohttp_jinja2.render_template("couriers.html", request, {
        **overview, "q": "", "assigned": "", "error": error}, status=400)


async def courier_route_pdf(request: web.Request) -> web.Response:
    login = request.match_info["login"]
    async with request.app[SESSIONMAKER]() as session:
        try:
            courier = await _courier(session, login)
        except UnknownCourier:
            raise web.HTTPNotFound(text=f"Курьера {login} нет.") from None
    return await route_pdf(request, courier.id, courier.login)


async def photo(request: web.Request) -> web.FileResponse:
    """A courier's photo: from the couriers' page by attempt, or from a case card (route with
    ``case_id``), where the attempt must be the case's so the URL cannot reach another case's."""
    attempt_id = int(request.match_info["attempt_id"])
    query = select(CourierDelivery.photo).where(CourierDelivery.attempt_id == attempt_id)
    if "case_id" in request.match_info:
        query = query.join(Attempt, Attempt.id == CourierDelivery.attempt_id).where(
            Attempt.case_id == int(request.match_info["case_id"]))
    async with request.app[SESSIONMAKER]() as session:
        name = await session.scalar(query)
    if not name:
        raise web.HTTPNotFound(text="К этому результату фото не приложено.")
    await audit(request, f"courier_photo:{attempt_id}")
    # Personal data: not kept in shared or browser caches.
    return web.FileResponse(request.app[COURIER_PHOTOS] / name,
                            headers={"Cache-Control": "private, no-store"})


async def api_assign(request: web.Request) -> web.Response:
    wanted = await parse_body(request, RouteRequest)
    try:
        async with request.app[SESSIONMAKER].begin() as session:
            unknown = await _assign(session, wanted.courier, wanted.buildings)
    except UnknownCourier:
        raise problem(404, f"курьера {wanted.courier} нет") from None
    if unknown:
        raise problem(400, "нет домов с такими кодами; ничего не изменено", unknown=unknown)
    return reply({"courier": wanted.courier, "buildings": wanted.buildings})
