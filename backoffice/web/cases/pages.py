"""The registry page, the case card page and its stop button."""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from backoffice.web.auth.access import LAWYERS, current_user
from backoffice.web.auth.audit import audit, audited
from backoffice.web.cases.card import CaseCard, load_case_card, stop_case
from backoffice.web.cases.court_section import court_context
from backoffice.web.cases.registry import (
    STATUS_TITLES,
    CaseFilter,
    filter_choices,
    registry_page,
    stage_names,
)
from backoffice.web.keys import SESSIONMAKER, TODAY
from backoffice.web.recordings import RECORDINGS
from campaigns.outcomes.record import CHANNEL_TITLES
from campaigns.outcomes.report import KIND_TITLES
from models.entities import Case
from models.enums import Channel


def case_id_of(request: web.Request) -> int:
    try:
        return int(request.match_info["case_id"])
    except ValueError:
        raise web.HTTPNotFound(text="такого дела нет") from None


@aiohttp_jinja2.template("cases.html")
async def list_cases(request: web.Request) -> dict[str, Any]:
    try:
        wanted = CaseFilter.from_query(request.query)
    except ValidationError:
        raise web.HTTPBadRequest(
            text="Фильтр заполнен неверно: суммы долга — числа, например 1500 или 1500.50.") from None
    async with request.app[SESSIONMAKER]() as session:
        page = await registry_page(session, wanted)
        choices = await filter_choices(session)
    query = {key: value for key, value in request.query.items() if key != "before" and value}
    return {"page": page, "wanted": wanted, "choices": choices, "query": query}


@aiohttp_jinja2.template("case.html")
async def show_case(request: web.Request) -> dict[str, Any]:
    return await case_page(request, case_id_of(request))


async def case_page(request: web.Request, case_id: int) -> dict[str, Any]:
    """The case card's context (the view audited); lawyers also get the court section's."""
    card = await audited(request, f"case:{case_id}", "view", read_case_card(request, case_id))
    if card is None:
        raise web.HTTPNotFound(text=f"дела №{case_id} нет")
    stages = stage_names(card.plan)
    recorded = await request.app[RECORDINGS].recorded(
        [attempt.id for attempt in card.attempts if attempt.channel == Channel.CALL.value])
    context = {"card": card, "recorded": recorded, "as_of": request.app[TODAY](),
               "stopped": request.query.get("stopped"),
               "stage_name": stages.get(card.case.stage, card.case.stage),
               "statuses": STATUS_TITLES,
               "channels": {c.value: t for c, t in CHANNEL_TITLES.items()},
               "outcomes": {k.value: t for k, t in KIND_TITLES.items()}}
    if current_user(request).role in LAWYERS:
        async with request.app[SESSIONMAKER]() as session:
            context.update(await court_context(session, card.case),
                           court_recorded=request.query.get("court") == "recorded")
    return context


async def read_case_card(request: web.Request, case_id: int) -> CaseCard | None:
    async with request.app[SESSIONMAKER]() as session:
        return await load_case_card(session, case_id, request.app[TODAY]())


async def stop(request: web.Request) -> web.Response:
    case_id = case_id_of(request)
    async with request.app[SESSIONMAKER].begin() as session:
        case = await session.get(Case, case_id, with_for_update=True)
        if case is None:
            raise web.HTTPNotFound(text=f"дела №{case_id} нет")
        cancelled = await stop_case(session, case, current_user(request).login)
    await audit(request, f"case:{case_id}", "stop")
    raise web.HTTPFound(f"/cases/{case_id}?stopped={len(cancelled)}")
