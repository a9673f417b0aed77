"""JSON in and out of the API: money as strings (never floats), instants in ISO 8601."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__, **dataclasses.asdict(value)}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def reply(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, default=_default, ensure_ascii=False), status=status,
                        content_type="application/json")


def problem(status: int, message: str, **details: Any) -> web.HTTPException:
    """An error the client can read: ``{"error": "…", …}`` with the right status."""
    body = json.dumps({"error": message, **details}, default=_default, ensure_ascii=False)
    return _STATUS[status](text=body, content_type="application/json")


_STATUS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest, 403: web.HTTPForbidden, 404: web.HTTPNotFound,
    409: web.HTTPConflict, 422: web.HTTPUnprocessableEntity}


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_nul, value))
    return False


async def parse_body(request: web.Request, model: type[ModelT]) -> ModelT:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise problem(400, "тело запроса — не JSON") from None
    if _has_nul(data):
        # PostgreSQL text cannot hold NUL: refused here rather than failing deep in a query.
        raise problem(400, "текст в запросе содержит недопустимый символ (NUL)")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise problem(422, "данные запроса неверны",
                      details=json.loads(exc.json(include_url=False, include_input=False))) from None


def parse_query(request: web.Request, model: type[ModelT]) -> ModelT:
    try:
        return model.model_validate({k: v for k, v in request.query.items() if v != ""})
    except ValidationError as exc:
        raise problem(400, "параметры запроса неверны",
                      details=json.loads(exc.json(include_url=False, include_input=False))) from None
