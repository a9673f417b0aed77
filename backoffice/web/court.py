"""Court events on the case card (the lawyer's form) and through the API: both record through
backoffice.legal.court_events, in one transaction with the case locked, and are audited."""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from backoffice.legal.court_events import CourtEventError, CourtEventRequest, record_court_event
from backoffice.legal.settings import penalty_policy
from backoffice.web.api.encoding import parse_body, problem, reply
from backoffice.web.auth.access import CSRF_FIELD, current_user
from backoffice.web.auth.audit import audit
from backoffice.web.cases.pages import case_id_of, case_page
from backoffice.web.keys import SESSIONMAKER, TODAY
from models.entities import Case, CaseEvent


class _NoSuchCase(Exception):
    pass


FIELD_TITLES = {"kind": "Событие", "on": "Дата", "claim": "Что подано", "court": "Суд",
                "case_number": "Номер дела", "order_number": "Номер приказа",
                "served_on": "Копию получил", "recipient": "Куда направлено",
                "recipient_name": "Получатель"}


def _form_request(form: Any) -> CourtEventRequest:
    data = {key: value for key, value in form.items()
            if key != CSRF_FIELD and isinstance(value, str) and value.strip()}
    try:
        return CourtEventRequest.model_validate(data)
    except ValidationError as exc:
        fields = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
        named = ", ".join(f"«{FIELD_TITLES.get(name, name)}»" for name in fields)
        raise CourtEventError(f"Поля {named} заполнены неверно: даты — в виде ДД.ММ.ГГГГ, "
                              "значения — из списков формы.") from None


async def _record(request: web.Request, case_id: int, event: CourtEventRequest) -> tuple[Case, CaseEvent]:
    async with request.app[SESSIONMAKER].begin() as session:
        case = await session.get(Case, case_id, with_for_update=True)
        if case is None:
            raise _NoSuchCase(case_id)
        recorded = await record_court_event(session, case, event, current_user(request).login,
                                             today=request.app[TODAY](), policy=penalty_policy())
    await audit(request, f"case:{case_id}", f"court_{event.kind.value}")
    return case, recorded


async def post_form(request: web.Request) -> web.Response:
    case_id = case_id_of(request)
    form = await request.post()
    try:
        await _record(request, case_id, _form_request(form))
    except _NoSuchCase:
        raise web.HTTPNotFound(text=f"дела №{case_id} нет") from None
    except CourtEventError as exc:
        context = await case_page(request, case_id)
        context.update(court_error=str(exc), court_form=dict(form))
        return aiohttp_jinja2.render_template("case.html", request, context, status=422)
    raise web.HTTPFound(f"/cases/{case_id}?court=recorded#court")


async def post_api(request: web.Request) -> web.Response:
    case_id = case_id_of(request)
    event = await parse_body(request, CourtEventRequest)
    try:
        case, recorded = await _record(request, case_id, event)
    except _NoSuchCase:
        raise problem(404, f"дела №{case_id} нет") from None
    except CourtEventError as exc:
        raise problem(422, str(exc)) from None
    return reply({"event_id": recorded.id, "message": recorded.message, "case_id": case.id,
                  "stage": case.stage, "status": case.status,
                  "status_reason": case.status_reason}, status=201)
