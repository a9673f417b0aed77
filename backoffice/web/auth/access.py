"""The one place that decides who may open what: the route table with each route's roles, and the
middleware that loads the user, rejects anonymous and wrong-role requests and checks CSRF tokens.

A route absent from the table is refused to everybody, so a new page cannot be public by accident.
"""
from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web
from aiohttp.web_urldispatcher import AbstractRoute, StaticResource
from aiohttp_session import get_session

from backoffice.web.auth.users import CurrentUser, user_by_session, user_by_token
from backoffice.web.keys import SESSION_LIFETIME, SESSIONMAKER
from models.user import Role

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PUBLIC: frozenset[Role] = frozenset()
STAFF = frozenset({Role.ADMIN, Role.MANAGER, Role.LAWYER})
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
LAWYERS = frozenset({Role.ADMIN, Role.LAWYER})
COURIERS = frozenset({Role.ADMIN, Role.COURIER})
EVERYONE = frozenset(Role)

CSRF_FIELD = "_csrf"
# The cookie's key for the server-side session id (backoffice.web.auth.users.start_session).
SESSION_ID = "sid"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    handler: Handler
    name: str
    roles: frozenset[Role]


_USER: web.RequestKey[CurrentUser] = web.RequestKey("user", CurrentUser)
_BY_TOKEN: web.RequestKey[bool] = web.RequestKey("by_token", bool)
ROUTE_ROLES: web.AppKey[dict[AbstractRoute, frozenset[Role]]] = web.AppKey("route_roles")
PUBLIC_ROUTES: web.AppKey[set[AbstractRoute]] = web.AppKey("public_routes")


def add_routes(app: web.Application, routes: Iterable[Route]) -> None:
    roles = app.setdefault(ROUTE_ROLES, {})
    public = app.setdefault(PUBLIC_ROUTES, set())
    for route in routes:
        added = app.router.add_route(route.method, route.path, route.handler, name=route.name)
        if route.roles is PUBLIC:
            public.add(added)
        else:
            roles[added] = route.roles


def current_user(request: web.Request) -> CurrentUser:
    return request[_USER]


def maybe_user(request: web.Request) -> CurrentUser | None:
    return request.get(_USER)


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/")


async def _user_of(request: web.Request) -> CurrentUser | None:
    authorization = request.headers.get("Authorization", "")
    async with request.app[SESSIONMAKER]() as db:
        if authorization.startswith("Bearer "):
            request[_BY_TOKEN] = True
            return await user_by_token(db, authorization.removeprefix("Bearer ").strip())
        session_id = (await get_session(request)).get(SESSION_ID)
        if not isinstance(session_id, str):
            return None
        return await user_by_session(db, session_id, request.app[SESSION_LIFETIME])


async def _csrf_ok(request: web.Request) -> bool:
    if request.get(_BY_TOKEN):
        # A bearer token is never sent by a browser on its own, so it cannot be forged cross-site.
        return True
    expected = (await get_session(request)).get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        given = (await request.post()).get(CSRF_FIELD)
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given, str(expected))


def _refuse(request: web.Request, status: type[web.HTTPException], text: str) -> web.HTTPException:
    if _wants_json(request):
        return status(text=json.dumps({"error": text}, ensure_ascii=False),
                      content_type="application/json")
    return status(text=text)


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route
    if "\x00" in request.path or any("\x00" in value for value in request.query.values()):
        # PostgreSQL text cannot hold NUL: refused here rather than failing deep in a query.
        raise _refuse(request, web.HTTPBadRequest, "Адрес запроса содержит недопустимый символ.")
    if request.match_info.http_exception is not None:
        # No such page (404/405): nothing to protect, the router answers.
        return await handler(request)
    if route in request.app[PUBLIC_ROUTES] or isinstance(route.resource, StaticResource):
        if request.method in _UNSAFE and not await _csrf_ok(request):
            raise _refuse(request, web.HTTPForbidden,
                          "Форма устарела или пришла с чужого сайта: обновите страницу и повторите.")
        return await handler(request)
    user = await _user_of(request)
    if user is None:
        if _wants_json(request) or request.method != "GET":
            raise _refuse(request, web.HTTPUnauthorized, "Нужно войти в систему.")
        raise web.HTTPFound(f"/login?next={quote(request.path_qs)}")
    request[_USER] = user
    allowed = request.app[ROUTE_ROLES].get(route, frozenset())
    if user.role not in allowed:
        raise _refuse(request, web.HTTPForbidden,
                      "Эта страница недоступна для вашей роли. Обратитесь к администратору.")
    if request.method in _UNSAFE and not await _csrf_ok(request):
        raise _refuse(request, web.HTTPForbidden,
                      "Форма устарела или пришла с чужого сайта: обновите страницу и повторите.")
    return await handler(request)
