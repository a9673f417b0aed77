"""A manager edits a plan on its page: a valid edit is saved as the next version, an invalid one
is shown back with the Russian problems and nothing saved; other roles and old versions cannot."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from campaigns.plans.loader import plan_definition
from models.entities import AuditEntry, Case, WorkPlan
from models.user import Role
from tests.web.login import client_as
from tests.web.world import CASES_AS_OF, utility_with_cases

_FIELD = re.compile(r'<input (?:type="(\w+)" )?name="([^"]+)"(?: value="([^"]*)")?([^>]*)>')
_SELECTED = re.compile(r'<select name="([^"]+)">.*?<option value="([^"]+)" selected>', re.S)


def _form_of(html: str) -> dict[str, str]:
    """What the browser would post: text fields, checked boxes and selected options."""
    form: dict[str, str] = {}
    for kind, name, value, rest in _FIELD.findall(html):
        if kind != "checkbox":
            form[name] = value
        elif "checked" in rest:
            form[name] = "on"
    form.update(dict(_SELECTED.findall(html)))
    return form


async def _versions(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, WorkPlan]:
    async with sessionmaker() as session:
        return {p.version: p for p in await session.scalars(select(WorkPlan))}


@pytest.fixture
async def cases(engine: AsyncEngine, tmp_path: Path) -> None:
    await utility_with_cases(engine, tmp_path / "export")


@pytest.mark.usefixtures("cases")
async def test_a_manager_saves_an_edit_as_the_next_version(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with client_as(engine, Role.MANAGER, CASES_AS_OF) as client:
        assert 'href="/plans/1/edit"' in await (await client.get("/plans")).text()
        page = await (await client.get("/plans/1/edit")).text()
        form = _form_of(page)
        assert form["_csrf"] and form["step:soft:sms-reminder:enabled"] == "on"
        assert form["step:soft:email-reminder:channel"] == "email"
        form.pop("step:soft:sms-reminder:enabled")
        form["step:soft:email-reminder:day"] = "1"
        form["stage:soft:after_days"] = "8"
        saved = await client.post("/plans/1/edit", data=form, allow_redirects=False)
        assert saved.status == 302 and saved.headers["Location"] == "/plans?saved=zhkh-individuals+v2"
        listing = await (await client.get(saved.headers["Location"])).text()
        assert "Сохранена новая версия плана: zhkh-individuals v2" in listing
        assert 'href="/plans/1/edit"' not in listing and 'href="/plans/2/edit"' in listing
        stale = await client.post("/plans/1/edit", data=form, allow_redirects=False)
        assert stale.status == 409 and "только последнюю версию" in await stale.text()
    plans = await _versions(sessionmaker)
    soft = plan_definition(plans[2]).stage("soft")
    assert [s.code for s in soft.active_steps] == ["email-reminder"]
    assert soft.active_steps[0].day == 1 and soft.advance and soft.advance.after_days == 8
    assert plans[2].is_master and not plans[1].is_master
    async with sessionmaker() as session:
        assert {c.plan_id for c in await session.scalars(select(Case))} == {plans[1].id}
        entry = (await session.scalars(select(AuditEntry).where(
            AuditEntry.action == "plan_edit"))).one()
    assert (entry.user_login, entry.subject) == ("manager-test", "plan:zhkh-individuals:v2")


@pytest.mark.usefixtures("cases")
async def test_an_invalid_edit_is_shown_back_in_russian_and_nothing_is_saved(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with client_as(engine, Role.MANAGER, CASES_AS_OF) as client:
        form = _form_of(await (await client.get("/plans/1/edit")).text())
        form["step:robot:call-3:day"] = "-1"
        form["stage:notice:min_debt"] = "0"
        refused = await client.post("/plans/1/edit", data=form, allow_redirects=False)
        html = await refused.text()
        assert refused.status == 422
        assert "Версия не сохранена" in html
        assert "шаг «call-3», день: дней должно быть от 0 до 365" in html
        assert "долг для перехода: сумма должна быть больше нуля" in html
        # The form comes back with what the manager typed, to correct it.
        assert 'name="step:robot:call-3:day" value="-1"' in html
        no_csrf = await client.post("/plans/1/edit", data={
            k: v for k, v in form.items() if k != "_csrf"}, allow_redirects=False)
        assert no_csrf.status == 403
    async with client_as(engine, Role.LAWYER, CASES_AS_OF) as client:
        assert (await client.get("/plans/1/edit", allow_redirects=False)).status == 403
    assert list(await _versions(sessionmaker)) == [1]
