"""The start page: what is loaded and what is owed, in aggregate."""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import func, select

from backoffice.web.keys import SESSIONMAKER, TODAY
from models.entities import Account, Building, Charge, Payment, Person


@aiohttp_jinja2.template("dashboard.html")
async def show(request: web.Request) -> dict[str, Any]:
    async with request.app[SESSIONMAKER]() as session:
        counts = {
            name: (await session.execute(select(func.count()).select_from(entity))).scalar_one()
            for name, entity in (("buildings", Building), ("accounts", Account),
                                 ("persons", Person))
        }
        charged = (await session.execute(select(func.coalesce(func.sum(Charge.amount), 0)))).scalar_one()
        paid = (await session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.confirmed))).scalar_one()
    return {"counts": counts, "charged": charged, "paid": paid, "today": request.app[TODAY]()}
