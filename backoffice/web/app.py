"""The composition root of the web application: one engine, the templates, the routes."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.web import accounts, dashboard, legal
from backoffice.web.keys import SESSIONMAKER, TODAY
from models import ru_format
from models.db import make_sessionmaker

HERE = Path(__file__).parent


def create_app(engine: AsyncEngine, *, today: date | None = None) -> web.Application:
    """``today`` pins the ledger date (tests, demos of a past state); None means the real date."""
    app = web.Application()
    app[SESSIONMAKER] = make_sessionmaker(engine)
    app[TODAY] = (lambda: today) if today else date.today
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True
    )
    env.filters.update(money=ru_format.money, day=ru_format.day, period=ru_format.period)
    app.router.add_get("/", dashboard.show, name="dashboard")
    app.router.add_get("/accounts", accounts.list_accounts, name="accounts")
    app.router.add_get("/accounts/{number}", accounts.show_account, name="account")
    app.router.add_get("/accounts/{number}/legal", legal.show_claim, name="legal")
    app.router.add_get("/accounts/{number}/pack.zip", legal.download_pack, name="legal_pack")
    app.router.add_get("/health", _health)
    app.router.add_static("/static", HERE / "static", name="static")
    return app


async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
