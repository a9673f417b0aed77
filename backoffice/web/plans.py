"""Work plans as managers read them: each version's stages, their steps and when a case moves on."""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from backoffice.web.keys import SESSIONMAKER
from campaigns.outcomes.record import CHANNEL_TITLES
from campaigns.plans.loader import plan_definition
from models.plan import WorkPlan


@aiohttp_jinja2.template("plans.html")
async def show(request: web.Request) -> dict[str, Any]:
    async with request.app[SESSIONMAKER]() as session:
        plans = list(await session.scalars(
            select(WorkPlan).order_by(WorkPlan.debtor_kind, WorkPlan.code, WorkPlan.version.desc())))
    return {"plans": [(plan, plan_definition(plan)) for plan in plans],
            "channels": {c.value: t for c, t in CHANNEL_TITLES.items()}}
