"""The composition root of the web application: one engine, sessions, the templates, the routes."""
from __future__ import annotations

import base64
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.web import accounts, court, courier, dashboard, imports, lawyer, legal, plans, waves
from backoffice.web import errors, import_jobs, list_exports, pack_batches, playground, recordings
from backoffice.web import courier_assign, courier_sync
from backoffice.web.api import routes as api_routes
from backoffice.web.auth import audit_writer, views as auth_views
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
from backoffice.web.keys import COURIER_PHOTOS, ENGINE, SESSION_LIFETIME, SESSIONMAKER, TODAY
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
    Route("GET", "/accounts/{number}/documents/{document}.zip", legal.download_document,
          "legal_document", STAFF),
    Route("GET", "/lawyer", lawyer.show, "lawyer", LAWYERS),
    Route("POST", "/lawyer/packs", pack_batches.start, "lawyer_packs", LAWYERS),
    Route("GET", "/lawyer/packs/{job}", pack_batches.progress, "lawyer_packs_progress", LAWYERS),
    Route("GET", "/lawyer/packs/{job}/packs.zip", pack_batches.download, "lawyer_packs_zip",
          LAWYERS),
    Route("GET", "/cases", case_pages.list_cases, "cases", STAFF),
    Route("GET", "/cases.xlsx", case_export.export_cases, "cases_xlsx", STAFF),
    Route("GET", "/cases/{case_id}", case_pages.show_case, "case", STAFF),
    Route("POST", "/cases/{case_id}/stop", case_pages.stop, "case_stop", MANAGERS),
    Route("GET", r"/cases/{case_id:\d+}/photos/{attempt_id:\d+}", courier_assign.photo,
          "case_courier_photo", STAFF),
    Route("POST", "/cases/{case_id}/court-events", court.post_form, "case_court", LAWYERS),
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
    Route("GET", r"/plans/{plan_id:\d+}/edit", plans.show_edit, "plan_edit", MANAGERS),
    Route("POST", r"/plans/{plan_id:\d+}/edit", plans.save_edit, "plan_save", MANAGERS),
    Route("GET", "/waves", waves.list_waves, "waves", MANAGERS),
    Route("POST", "/waves", waves.schedule, "wave_schedule", MANAGERS),
    Route("POST", r"/waves/{wave_id:\d+}/{action:pause|resume|cancel}", waves.change, "wave_change",
          MANAGERS),
    Route("GET", "/waves.xlsx", list_exports.export_waves, "waves_xlsx", MANAGERS),
    Route("GET", "/accounts.xlsx", list_exports.export_accounts, "accounts_xlsx", STAFF),
    Route("GET", "/lawyer.xlsx", list_exports.export_lawyer_queue, "lawyer_xlsx", LAWYERS),
    Route("GET", r"/cases/{case_id:\d+}/contacts.xlsx", list_exports.export_case_contacts,
          "case_contacts_xlsx", STAFF),
    Route("GET", r"/attempts/{attempt_id:\d+}/recording.wav", recordings.play, "recording", STAFF),
    Route("GET", "/imports/progress/{job}", import_jobs.progress, "import_progress", MANAGERS),
    Route("GET", "/imports/progress/{job}/errors.xlsx", import_jobs.export_errors, "import_errors_xlsx",
          MANAGERS),
    Route("GET", "/playground", playground.show, "playground", MANAGERS),
    Route("POST", "/playground", playground.start, "playground_start", MANAGERS),
    Route("POST", "/playground/say", playground.say, "playground_say", MANAGERS),
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
    app[SESSION_LIFETIME] = timedelta(hours=settings.session_hours)
    # The encrypted cookie holds the CSRF token and a session id that every request looks up in
    # web_session with the user: logging out deletes the row, so a copied cookie stops working,
    # and a deactivated user is out at once.
    aiohttp_session.setup(app, EncryptedCookieStorage(
        _session_key(settings), cookie_name="vozvrat_session", httponly=True, samesite="Lax",
        secure=settings.secure_cookies, max_age=settings.session_hours * 3600))
    app.middlewares.append(errors.unexpected_errors)
    app.middlewares.append(access_middleware)
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        context_processors=[_page_context],
    )
    env.filters.update(money=ru_format.money, day=ru_format.day, period=ru_format.period)
    add_routes(app, ROUTES)
    for part in (audit_writer, recordings, playground, import_jobs, pack_batches):
        part.install(app)
    add_routes(app, api_routes.ROUTES)
    app.router.add_static("/static", HERE / "static", name="static")
    return app


def _session_key(settings: WebSettings) -> bytes:
    if settings.secret_key:
        return base64.urlsafe_b64decode(settings.secret_key)
    return secrets.token_bytes(32)


async def _page_context(request: web.Request) -> dict[str, Any]:
    return {"user": maybe_user(request), "csrf_token": await csrf_token(request)}


