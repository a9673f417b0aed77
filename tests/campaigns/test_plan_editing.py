"""Editing a plan where safe: the edit becomes the next version, running cases keep theirs, and
every invalid value is refused with a Russian message before anything is written."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.steps import queue_due_steps
from campaigns.plans.editing import (
    PlanEditError,
    edited_definition,
    form_values,
    save_edited_plan,
    stage_field,
    step_field,
)
from campaigns.plans.loader import load_default_plans, plan_definition
from models.entities import Case, WorkPlan
from models.outreach import Attempt
from tests.campaigns.builders import T0, debtor_case

Sessions = async_sessionmaker[AsyncSession]
TEMPLATES = ("reminder", "payment_details", "debt_notice", "restriction_warning")


async def _robot_case(session: AsyncSession, number: str) -> Case:
    _, case = await debtor_case(session, number, phone=f"+7910{number}000")
    case.stage, case.stage_entered_at = "robot", T0
    case.current_debt, case.days_overdue, case.debt_as_of = Decimal("5000.00"), 385, T0.date()
    return case


async def _steps_by_day(sessionmaker: Sessions, days: int) -> dict[int, list[str]]:
    for day in range(days):
        as_of = T0.date() + timedelta(days=day)
        async with sessionmaker() as session:
            await queue_due_steps(session, as_of, datetime.combine(as_of, time(10), timezone.utc))
    async with sessionmaker() as session:
        rows = await session.execute(select(Attempt.case_id, Attempt.step_code).order_by(Attempt.id))
    steps: dict[int, list[str]] = {}
    for case_id, code in rows:
        steps.setdefault(case_id, []).append(code)
    return steps


async def test_an_edit_is_the_next_version_and_running_cases_keep_theirs(sessionmaker: Sessions) -> None:
    async with sessionmaker.begin() as session:
        running = await _robot_case(session, "7001")
        v1 = await session.get_one(WorkPlan, running.plan_id)
        form = form_values(plan_definition(v1))
        del form[step_field("robot", "call-2", "enabled")]
        form[step_field("robot", "sms-payment-details", "day")] = "3"
        form[step_field("robot", "sms-payment-details", "min_debt")] = "4 000,50"
        form[stage_field("robot", "after_days")] = "12"
        edited = edited_definition(plan_definition(v1), form, TEMPLATES)
        v2 = await save_edited_plan(session, v1, edited, "manager1")
        fresh = await _robot_case(session, "7002")
        # What opening does for a new case: the master plan, now version 2.
        fresh.plan_id = v2.id
        running_id, fresh_id, v1_id = running.id, fresh.id, v1.id
    async with sessionmaker() as session:
        plans = {p.version: p for p in await session.scalars(select(WorkPlan))}
        assert (await session.get_one(Case, running_id)).plan_id == v1_id
    assert (plans[1].is_master, plans[2].is_master) == (False, True)
    robot = plan_definition(plans[2]).stage("robot")
    assert robot.advance is not None and robot.advance.after_days == 12
    assert [s.code for s in robot.active_steps] == ["call-1", "sms-payment-details", "call-3"]
    assert robot.steps[2].conditions.min_debt == Decimal("4000.50")
    assert "изменена в бэк-офисе (manager1) из версии 1" in plans[2].source
    assert plan_definition(plans[1]) == plan_definition(v1)
    steps = await _steps_by_day(sessionmaker, 6)
    assert steps[running_id] == ["call-1", "call-2", "sms-payment-details"]
    assert steps[fresh_id] == ["call-1", "sms-payment-details"]
    # Loading the unchanged shipped file again leaves version 2 the master.
    async with sessionmaker.begin() as session:
        report = await load_default_plans(session)
        assert report.unchanged == ["zhkh-individuals v1"] and report.masters == []


async def test_invalid_values_are_all_named_in_russian_and_nothing_is_saved(sessionmaker: Sessions) -> None:
    async with sessionmaker.begin() as session:
        v1 = await session.get_one(WorkPlan, (await _robot_case(session, "7001")).plan_id)
    definition = plan_definition(v1)
    form = form_values(definition)
    form.update({
        step_field("robot", "call-1", "day"): "пять",
        step_field("robot", "call-2", "channel"): "fax",
        step_field("robot", "call-3", "day"): "14",
        step_field("robot", "call-3", "channel"): "email",
        step_field("soft", "sms-reminder", "no_contact_days"): "0",
        step_field("soft", "email-reminder", "min_debt"): "-5",
        stage_field("notice", "min_debt"): "много",
        stage_field("soft", "after_days"): "400",
    })
    with pytest.raises(PlanEditError) as refused:
        edited_definition(definition, form, TEMPLATES)
    problems = refused.value.problems
    expected = [
        "этап «Мягкие напоминания», длительность: дней должно быть от 0 до 365",
        "шаг «sms-reminder», дней без контакта: не меньше 1",
        "шаг «email-reminder», минимальный долг: сумма должна быть больше нуля",
        "шаг «call-1», день: нужно целое число дней, а не «пять»",
        "шаг «call-2»: канал «fax» неизвестен",
        "шаг «call-3»: шаблона сообщения «debt_call» нет",
        "шаг «call-3»: день 14 не наступит — дело уходит с этапа через 14 дн.",
        "этап «Уведомление курьером», долг для перехода: нужна сумма в рублях",
    ]
    for part in expected:
        assert any(part in problem for problem in problems), (part, problems)
    assert len(problems) == len(expected)
    async with sessionmaker() as session:
        assert [p.version for p in await session.scalars(select(WorkPlan))] == [1]


async def test_an_unchanged_form_or_a_stale_version_is_refused(sessionmaker: Sessions) -> None:
    async with sessionmaker.begin() as session:
        v1 = await session.get_one(WorkPlan, (await _robot_case(session, "7001")).plan_id)
        definition = plan_definition(v1)
        with pytest.raises(PlanEditError, match="Ничего не изменено"):
            await save_edited_plan(session, v1, edited_definition(
                definition, form_values(definition), TEMPLATES), "manager1")
        form = form_values(definition)
        form[stage_field("soft", "after_days")] = "7"
        await save_edited_plan(session, v1, edited_definition(definition, form, TEMPLATES), "m1")
        form[stage_field("soft", "after_days")] = "8"
        with pytest.raises(PlanEditError, match="последняя версия — 2"):
            await save_edited_plan(session, v1, edited_definition(definition, form, TEMPLATES), "m2")
