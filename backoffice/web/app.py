"""The composition root of the web application: one engine, sessions, the templates, the routes."""
from __future__ import annotations

import base64
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.web import accounts, courier, dashboard, imports, lawyer, legal, plans, waves
from backoffice.web import courier_assign, courier_sync
from backoffice.web.api import routes as api_routes
from backoffice.web.auth import views as auth_views
from backoffice.web.auth.access import (
    COURIERS,
    EVERYONE,
    LAWYERS,
    MANAGERS,
    PUBLIC,
    STAFF,
    Route,
    access_middleware,
    add_routes,
    csrf_token,
    maybe_user,
)
from backoffice.web.auth.limits import LoginLimiter
from backoffice.web.cases import export as case_export
from backoffice.web.cases import pages as case_pages
from backoffice.web.keys import COURIER_PHOTOS, ENGINE, SESSIONMAKER, TODAY
from backoffice.web.settings import WebSettings, web_settings
from models import ru_format
from models.db import make_sessionmaker

HERE = Path(__file__).parent


async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


ROUTES = (
    Route("GET", "/login", auth_views.show_login, "login", PUBLIC),
    Route("POST", "/login", auth_views.log_in, "log_in", PUBLIC),
    Route("GET", "/health", _health, "health", PUBLIC),
    Route("POST", "/logout", auth_views.log_out, "logout", EVERYONE),
    Route("GET", "/", dashboard.show, "dashboard", STAFF),
    Route("GET", "/accounts", accounts.list_accounts, "accounts", STAFF),
    Route("GET", "/accounts/{number}", accounts.show_account, "account", STAFF),
    Route("GET", "/accounts/{number}/legal", legal.show_claim, "legal", STAFF),
    Route("GET", "/accounts/{number}/pack.zip", legal.download_pack, "legal_pack", STAFF),
    Route("GET", "/lawyer", lawyer.show, "lawyer", LAWYERS),
    Route("GET", "/cases", case_pages.list_cases, "cases", STAFF),
    Route("GET", "/cases.xlsx", case_export.export_cases, "cases_xlsx", STAFF),
    Route("GET", "/cases/{case_id}", case_pages.show_case, "case", STAFF),
    Route("POST", "/cases/{case_id}/stop", case_pages.stop, "case_stop", MANAGERS),
    Route("GET", "/courier", courier.show, "courier", COURIERS),
    Route("POST", r"/courier/tasks/{attempt_id:\d+}", courier.record, "courier_record", COURIERS),
    Route("POST", "/courier/results", courier_sync.receive, "courier_results", COURIERS),
    Route("GET", "/courier-sw.js", courier.service_worker, "courier_sw", PUBLIC),
    Route("GET", "/courier/notices.pdf", courier.own_route_pdf, "courier_notices", COURIERS),
    Route("GET", "/couriers", courier_assign.show, "couriers", MANAGERS),
    Route("POST", "/couriers", courier_assign.assign, "couriers_assign", MANAGERS),
    Route("GET", "/couriers/{login}/notices.pdf", courier_assign.courier_route_pdf,
          "couriers_notices", MANAGERS),
    Route("GET", r"/couriers/photos/{attempt_id:\d+}", courier_assign.photo, "couriers_photo",
          MANAGERS),
    Route("GET", "/imports", imports.show, "imports", MANAGERS),
    Route("POST", "/imports", imports.upload, "imports_upload", MANAGERS),
    Route("GET", "/plans", plans.show, "plans", STAFF),
    Route("GET", "/waves", waves.list_waves, "waves", MANAGERS),
    Route("POST", "/waves", waves.schedule, "wave_schedule", MANAGERS),
    Route("POST", r"/waves/{wave_id:\d+}/{action:pause|resume|cancel}", waves.change, "wave_change",
          MANAGERS),
)


def create_app(engine: AsyncEngine, *, today: date | None = None,
               settings: WebSettings | None = None) -> web.Application:
    """``today`` pins the ledger date (tests, demos of a past state); None means the real date."""
    settings = settings or web_settings()
    app = web.Application(client_max_size=settings.max_upload_mb * 1024 * 1024)
    app[ENGINE] = engine
    app[SESSIONMAKER] = make_sessionmaker(engine)
    app[TODAY] = (lambda: today) if today else date.today
    app[COURIER_PHOTOS] = Path(settings.courier_photo_dir)
    app[auth_views.LIMITER] = LoginLimiter(
        {"login": settings.login_attempts, "addr": settings.address_login_attempts},
        settings.login_window_seconds)
    # Encrypted cookies rather than a session table: a session holds only the user id and the
    # CSRF token, and every request re-reads the user, so a deactivated user is out at once.
    aiohttp_session.setup(app, EncryptedCookieStorage(
        _session_key(settings), cookie_name="vozvrat_session", httponly=True, samesite="Lax",
        secure=settings.secure_cookies, max_age=settings.session_hours * 3600))
    app.middlewares.append(access_middleware)
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        context_processors=[_page_context],
    )
    env.filters.update(money=ru_format.money, day=ru_format.day, period=ru_format.period)
    add_routes(app, ROUTES)
    add_routes(app, api_routes.ROUTES)
    app.router.add_static("/static", HERE / "static", name="static")
    return app


def _session_key(settings: WebSettings) -> bytes:
    if settings.secret_key:
        return base64.urlsafe_b64decode(settings.secret_key)
    return secrets.token_bytes(32)


async def _page_context(request: web.Request) -> dict[str, Any]:
    return {"user": maybe_user(request), "csrf_token": await csrf_token(request)}


