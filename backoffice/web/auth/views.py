"""The login page, logging in (rate limited) and logging out."""
from __future__ import annotations

import math
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session

from backoffice.web.auth.access import SESSION_ID, csrf_token
from backoffice.web.auth.limits import LoginLimiter
from backoffice.web.auth.users import authenticate, end_session, start_session
from backoffice.web.keys import SESSION_LIFETIME, SESSIONMAKER
from models.user import Role

LIMITER: web.AppKey[LoginLimiter] = web.AppKey("login_limiter")


def _safe_next(target: str | None, role: Role | None = None) -> str:
    # Only paths on this site: "//host", "/\host" (browsers read \ as /) or "https://…" would make
    # the login an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return {Role.COURIER: "/courier", Role.LAWYER: "/lawyer"}.get(role, "/") if role else "/"


async def show_login(request: web.Request) -> web.Response:
    return _login_page(request, error="")


def _login_page(request: web.Request, error: str, status: int = 200,
                login: str = "") -> web.Response:
    context: dict[str, Any] = {"error": error, "next": request.query.get("next", ""),
                               "login": login}
    return aiohttp_jinja2.render_template("login.html", request, context, status=status)


async def log_in(request: web.Request) -> web.Response:
    form = await request.post()
    login = str(form.get("login", "")).strip()
    password = str(form.get("password", ""))
    limiter = request.app[LIMITER]
    keys = (f"login:{login.lower()}", f"addr:{request.remote}")
    wait = limiter.retry_after(*keys)
    if wait:
        minutes = max(math.ceil(wait / 60), 1)
        return _login_page(request, f"Слишком много неудачных попыток входа. Подождите {minutes} "
                           "мин. и попробуйте снова.", status=429, login=login)
    async with request.app[SESSIONMAKER].begin() as db:
        user = await authenticate(db, login, password)
        session_id = (await start_session(db, user.id, request.app[SESSION_LIFETIME])
                      if user else None)
    if user is None or session_id is None:
        limiter.failed(*keys)
        return _login_page(request, "Неверный логин или пароль.", status=401, login=login)
    limiter.succeeded(keys[0])
    # A fresh session on login: a session identifier planted before login is worth nothing.
    session = await new_session(request)
    session[SESSION_ID] = session_id
    await csrf_token(request)
    raise web.HTTPFound(_safe_next(str(form.get("next", "")), user.role))


async def log_out(request: web.Request) -> web.Response:
    session = await get_session(request)
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        # Deleted on the server, not only in this browser: a copy of the cookie is dead as well.
        async with request.app[SESSIONMAKER].begin() as db:
            await end_session(db, session_id)
    session.invalidate()
    raise web.HTTPFound("/login")
