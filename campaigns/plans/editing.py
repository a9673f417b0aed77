"""Editing a plan from the backoffice, where it is safe.

An edit never changes the version it was made on; it is saved as the plan's next version. A case
keeps the plan version it was opened under and the daily run re-reads that version every day
(campaigns.cases.steps, campaigns.cases.advance), so changing a version in place would re-time
running cases behind their backs: a step moved later would be queued a second time, one moved
earlier silently skipped, a stage shortened would push cases deep in it on at once, and none of
it would show in their history. A new version is immutable like a loaded YAML file; when the
edited version was the master, the new one becomes the master, so new cases open under it while
running cases finish the version they started with.

Only what cannot break a plan's shape is editable: how long each stage lasts and at what debt it
moves on, each step's day, channel and conditions, and whether the step is on. Codes, templates
and the stages themselves stay, so attempt keys and case histories keep meaning the same.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.plans.loader import make_master, plan_definition
from campaigns.plans.schema import PlanDefinition
from models.enums import Channel
from models.plan import WorkPlan

MAX_DAYS = 365
# Channels whose steps send a message rendered from messaging's templates.
_MESSAGE_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})


class PlanEditError(ValueError):
    """An edit that cannot be saved; ``problems`` says what is wrong where, in Russian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def stage_field(stage: str, name: str) -> str:
    """The form field of a stage's setting (the page and :func:`edited_definition` agree on it)."""
    return f"stage:{stage}:{name}"


def step_field(stage: str, step: str, name: str) -> str:
    return f"step:{stage}:{step}:{name}"


def form_values(definition: PlanDefinition) -> dict[str, str]:
    """The edit form filled with the plan as it is (what :func:`edited_definition` reads)."""
    form: dict[str, str] = {}
    for stage in definition.stages:
        if stage.advance:
            form[stage_field(stage.code, "after_days")] = str(stage.advance.after_days)
            form[stage_field(stage.code, "min_debt")] = str(stage.advance.min_debt)
        for step in stage.steps:
            conditions = step.conditions
            form.update({
                step_field(stage.code, step.code, "day"): str(step.day),
                step_field(stage.code, step.code, "channel"): step.channel.value,
                step_field(stage.code, step.code, "min_debt"): str(conditions.min_debt or ""),
                step_field(stage.code, step.code, "no_contact_days"):
                    str(conditions.no_contact_days or "")})
            if step.enabled:
                form[step_field(stage.code, step.code, "enabled")] = "on"
    return form


def _days(text: str, where: str, problems: list[str]) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        problems.append(f"{where}: нужно целое число дней, а не «{text}»")
        return None
    if not 0 <= value <= MAX_DAYS:
        problems.append(f"{where}: дней должно быть от 0 до {MAX_DAYS}")
        return None
    return value


def _amount(text: str, where: str, problems: list[str]) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        problems.append(f"{where}: нужна сумма в рублях, например 1500 или 1500,50, а не «{text}»")
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        problems.append(f"{where}: сумма должна быть больше нуля, с копейками не точнее 0,01")
        return None
    return value.quantize(Decimal("0.01"))


def edited_definition(definition: PlanDefinition, form: Mapping[str, str],
                      message_templates: Collection[str]) -> PlanDefinition:
    """The plan as ``form`` edits it, with the version raised by one; :class:`PlanEditError`
    lists every problem at once. ``message_templates``: the templates SMS and email can send."""
    problems: list[str] = []
    data: dict[str, Any] = definition.model_dump(mode="json")
    data["version"] = definition.version + 1
    for stage_data, stage in zip(data["stages"], definition.stages, strict=True):
        where = f"этап «{stage.name}»"
        advance = stage_data.get("advance")
        if advance is not None:
            after = _days(form.get(stage_field(stage.code, "after_days"), ""),
                          f"{where}, длительность", problems)
            debt = _amount(form.get(stage_field(stage.code, "min_debt"), ""),
                           f"{where}, долг для перехода", problems)
            if after is not None:
                advance["after_days"] = after
            if debt is not None:
                advance["min_debt"] = str(debt)
        for step_data, step in zip(stage_data["steps"], stage.steps, strict=True):
            _edit_step(step_data, form, stage.code, step.code, f"{where}, шаг «{step.code}»",
                       message_templates, problems)
        _check_timing(stage_data, where, problems)
    if problems:
        raise PlanEditError(problems)
    try:
        return PlanDefinition.model_validate(data)
    except ValidationError as exc:
        raise PlanEditError([f"план не согласован: {error['msg']}" for error in exc.errors()]) from None


def _edit_step(step: dict[str, Any], form: Mapping[str, str], stage: str, code: str, where: str,
               message_templates: Collection[str], problems: list[str]) -> None:
    def field(name: str) -> str:
        return form.get(step_field(stage, code, name), "").strip()

    step["enabled"] = field("enabled") == "on"
    day = _days(field("day"), f"{where}, день", problems)
    if day is not None:
        step["day"] = day
    try:
        channel = Channel(field("channel"))
    except ValueError:
        problems.append(f"{where}: канал «{field('channel')}» неизвестен; выберите из списка")
    else:
        if channel in _MESSAGE_CHANNELS and step["template"] not in message_templates:
            problems.append(f"{where}: шаблона сообщения «{step['template']}» нет, поэтому "
                            f"канал «{channel.value}» этому шагу не подходит")
        step["channel"] = channel.value
    conditions: dict[str, Any] = {}
    if field("min_debt"):
        debt = _amount(field("min_debt"), f"{where}, минимальный долг", problems)
        conditions["min_debt"] = str(debt) if debt is not None else None
    if field("no_contact_days"):
        days = _days(field("no_contact_days"), f"{where}, дней без контакта", problems)
        if days == 0:
            problems.append(f"{where}, дней без контакта: не меньше 1 (или оставьте пустым)")
        conditions["no_contact_days"] = days or None
    step["conditions"] = {"min_debt": None, "no_contact_days": None, **conditions}


def _check_timing(stage: dict[str, Any], where: str, problems: list[str]) -> None:
    # The daily run moves a case on before it queues steps, so a step due on or after the day the
    # stage ends would never run.
    advance = stage.get("advance")
    if advance is None:
        return
    for step in stage["steps"]:
        if step["enabled"] and isinstance(step["day"], int) and step["day"] >= advance["after_days"]:
            problems.append(f"{where}, шаг «{step['code']}»: день {step['day']} не наступит — "
                            f"дело уходит с этапа через {advance['after_days']} дн.; "
                            "сократите день шага, продлите этап или выключите шаг")


async def save_edited_plan(session: AsyncSession, plan: WorkPlan, edited: PlanDefinition,
                           author: str) -> WorkPlan:
    """Store ``edited`` as the next version of ``plan``; the caller commits (and holds nothing
    else: two managers saving at once collide on the unique code + version, one is refused)."""
    latest = await session.scalar(select(func.max(WorkPlan.version)).where(WorkPlan.code == plan.code))
    if latest != plan.version or edited.version != plan.version + 1:
        raise PlanEditError([f"План «{plan.name}» уже изменён: последняя версия — {latest}. "
                             "Откройте её и внесите правку заново."])
    current = plan_definition(plan).model_dump(mode="json")
    if edited.model_dump(mode="json") == {**current, "version": edited.version}:
        raise PlanEditError(["Ничего не изменено: новая версия не нужна."])
    dump = edited.model_dump(mode="json", exclude_defaults=True)
    source = (f"# Версия {edited.version}: изменена в бэк-офисе ({author}) из версии {plan.version}.\n"
              + yaml.safe_dump(dump, allow_unicode=True, sort_keys=False))
    row = WorkPlan(code=edited.code, version=edited.version, name=edited.name,
                   debtor_kind=edited.debtor_kind.value, is_master=False,
                   definition=edited.model_dump(mode="json"), source=source)
    session.add(row)
    await session.flush()
    if plan.is_master:
        await make_master(session, edited)
    return row
