"""The API's route table with what the OpenAPI description says of each route, and the
description itself, built from that table and the pydantic models so the two cannot drift."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from backoffice.legal.court_events import CourtEventRequest
from backoffice.web import court, courier, courier_assign
from backoffice.web.api import handlers
from backoffice.web.api.encoding import reply
from backoffice.web.api.schemas import AccountQuery, AttemptQuery, WaveRequest
from backoffice.web.auth.access import COURIERS, LAWYERS, MANAGERS, PUBLIC, STAFF, Route
from backoffice.web.cases.registry import CaseFilter
from campaigns.outcomes.report import OutcomeReport
from models.user import Role

_PARAMETER = re.compile(r"\{(\w+)(?::[^}]*)?\}")


@dataclass(frozen=True, slots=True)
class ApiRoute:
    route: Route
    summary: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    multipart: bool = False


def _api(method: str, path: str, handler: Any, name: str, roles: frozenset[Role], summary: str,
         **extra: Any) -> ApiRoute:
    return ApiRoute(Route(method, "/api" + path, handler, "api_" + name, roles), summary, **extra)


API_ROUTES = (
    _api("GET", "/cases", handlers.list_cases, "cases", STAFF,
         "Реестр дел: фильтры и постраничный вывод по ключу (before)", query=CaseFilter),
    _api("GET", "/cases/{case_id}", handlers.get_case, "case", STAFF,
         "Карточка дела: долг, должники и контакты, попытки, история (просмотр журналируется)"),
    _api("POST", "/cases/{case_id}/stop", handlers.stop, "case_stop", MANAGERS,
         "Остановить работу по делу: приостановка без срока и отмена неначатых попыток"),
    _api("POST", "/cases/{case_id}/court-events", court.post_api, "case_court", LAWYERS,
         "Судебное событие по делу (подача, приказ, возражения, отмена, исполнение): "
         "двигает дело по этапам", body=CourtEventRequest),
    _api("GET", "/accounts", handlers.list_accounts, "accounts", STAFF,
         "Лицевые счета по номеру (after — последний номер предыдущей страницы)", query=AccountQuery),
    _api("GET", "/accounts/{number}", handlers.get_account, "account", STAFF,
         "Лицевой счёт и его начисления с оплатами (просмотр журналируется)"),
    _api("GET", "/waves", handlers.list_waves, "waves", MANAGERS, "Волны и их счётчики"),
    _api("POST", "/waves", handlers.schedule_wave, "wave_schedule", MANAGERS,
         "Запланировать волну", body=WaveRequest),
    _api("POST", r"/waves/{wave_id:\d+}/{action:pause|resume|cancel}", handlers.change_wave,
         "wave_change", MANAGERS, "Пауза, продолжение или отмена волны"),
    _api("GET", "/plans", handlers.list_plans, "plans", STAFF, "Планы работы с их этапами и шагами"),
    _api("GET", "/attempts", handlers.list_attempts, "attempts", STAFF,
         "Попытки контакта", query=AttemptQuery),
    _api("POST", r"/attempts/{attempt_id:\d+}/outcome", handlers.post_outcome, "outcome", MANAGERS,
         "Исход попытки (через правила исходов кампаний)", body=OutcomeReport),
    _api("GET", "/courier/tasks", courier.api_tasks, "courier_tasks", COURIERS,
         "Открытые задания курьера (только его дома; просмотр журналируется)"),
    _api("POST", "/courier-routes", courier_assign.api_assign, "courier_routes", MANAGERS,
         "Назначить курьеру дома (у дома один курьер; неизвестные коды — ничего не меняется)",
         body=courier_assign.RouteRequest),
    _api("POST", "/imports", handlers.post_import, "imports", MANAGERS,
         "Загрузка файлов биллинга (поле files, CSV/XLSX); отчёт с ошибками строк", multipart=True),
)


def openapi(routes: tuple[ApiRoute, ...]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}

    def schema_of(model: type[BaseModel]) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    paths: dict[str, dict[str, Any]] = {}
    for api in routes:
        route = api.route
        parameters: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PARAMETER.findall(route.path)]
        if api.query is not None:
            for name, field in api.query.model_fields.items():
                parameters.append({"name": name, "in": "query", "required": False,
                                   "description": field.description or "",
                                   "schema": {"type": "string"}})
        operation: dict[str, Any] = {
            "operationId": route.name, "summary": api.summary,
            "description": "Роли: " + ", ".join(sorted(role.value for role in route.roles)),
            "parameters": parameters,
            "responses": {"200": {"description": "OK", "content": {"application/json": {}}},
                          "401": {"description": "нужен вход или токен"},
                          "403": {"description": "роль не допускает"}}}
        if api.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": schema_of(api.body)}}}
        if api.multipart:
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "properties": {"files": {
                    "type": "array", "items": {"type": "string", "format": "binary"}}}}}}}
        paths.setdefault(_PARAMETER.sub(r"{\1}", route.path), {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Возврат: API бэк-офиса", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer",
                      "description": "токен из vozvrat users token LOGIN"},
            "session": {"type": "apiKey", "in": "cookie", "name": "vozvrat_session"}}},
        "security": [{"token": []}, {"session": []}],
    }


async def serve_openapi(_request: web.Request) -> web.Response:
    return reply(openapi(API_ROUTES))


ROUTES = (Route("GET", "/api/openapi.json", serve_openapi, "api_openapi", PUBLIC),
          *(api.route for api in API_ROUTES))
