"""Work plans as managers read them (each version's stages, their steps and when a case moves on)
and edit them where safe: an edit becomes the plan's next version (campaigns.plans.editing)."""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from backoffice.web.auth.access import CSRF_FIELD, current_user
from backoffice.web.auth.audit import audit
from backoffice.web.keys import SESSIONMAKER
from campaigns.outcomes.record import CHANNEL_TITLES
from campaigns.plans.editing import (
    PlanEditError,
    edited_definition,
    form_values,
    save_edited_plan,
)
from campaigns.plans.loader import plan_definition
from messaging.settings import template_settings
from messaging.templating.store import TemplateStore
from models.plan import WorkPlan


@aiohttp_jinja2.template("plans.html")
async def show(request: web.Request) -> dict[str, Any]:
    async with request.app[SESSIONMAKER]() as session:
        plans = list(await session.scalars(
            select(WorkPlan).order_by(WorkPlan.debtor_kind, WorkPlan.code, WorkPlan.version.desc())))
    latest: dict[str, int] = {}
    for plan in plans:
        latest.setdefault(plan.code, plan.id)
    return {"plans": [(plan, plan_definition(plan)) for plan in plans],
            "editable": set(latest.values()), "saved": request.query.get("saved", ""),
            "channels": {c.value: t for c, t in CHANNEL_TITLES.items()}}


async def _plan(request: web.Request) -> WorkPlan:
    try:
        plan_id = int(request.match_info["plan_id"])
    except ValueError:
        raise web.HTTPNotFound(text="такого плана нет") from None
    async with request.app[SESSIONMAKER]() as session:
        plan = await session.get(WorkPlan, plan_id)
        latest = await session.scalar(
            select(func.max(WorkPlan.version)).where(WorkPlan.code == plan.code)) if plan else None
    if plan is None:
        raise web.HTTPNotFound(text=f"плана №{plan_id} нет")
    if plan.version != latest:
        raise web.HTTPConflict(text=f"Это версия {plan.version}, а последняя — {latest}: "
                                    "изменять можно только последнюю версию плана.")
    return plan


def _edit_page(request: web.Request, plan: WorkPlan, form: dict[str, str] | None = None,
               problems: list[str] | None = None, status: int = 200) -> web.Response:
    definition = plan_definition(plan)
    context = {"plan": plan, "definition": definition,
               "form": form if form is not None else form_values(definition),
               "problems": problems or [],
               "channels": {c.value: t for c, t in CHANNEL_TITLES.items()}}
    return aiohttp_jinja2.render_template("plan_edit.html", request, context, status=status)


async def show_edit(request: web.Request) -> web.Response:
    return _edit_page(request, await _plan(request))


async def save_edit(request: web.Request) -> web.Response:
    plan = await _plan(request)
    form = {key: value for key, value in (await request.post()).items()
            if key != CSRF_FIELD and isinstance(value, str)}
    templates = TemplateStore.from_settings(template_settings()).codes()
    try:
        edited = edited_definition(plan_definition(plan), form, templates)
        async with request.app[SESSIONMAKER].begin() as session:
            saved = await save_edited_plan(session, await session.get_one(WorkPlan, plan.id),
                                           edited, current_user(request).login)
    except PlanEditError as exc:
        return _edit_page(request, plan, form, exc.problems, status=422)
    except IntegrityError:
        return _edit_page(request, plan, form, [
            "Другой менеджер только что сохранил новую версию этого плана: откройте её и "
            "внесите правку заново."], status=409)
    await audit(request, f"plan:{saved.code}:v{saved.version}", "plan_edit")
    raise web.HTTPFound(f"/plans?saved={saved.code}+v{saved.version}")
