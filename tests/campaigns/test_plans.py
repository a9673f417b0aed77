"""Plans load from YAML once per version, with Russian errors naming the file; one master per kind."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli import main as cli
from campaigns.plans.loader import (
    DEFAULT_PLANS_DIR,
    PlanLoadError,
    load_default_plans,
    load_plans,
    master_plan,
    plan_definition,
)
from models.plan import WorkPlan

PLAN = """\
code: {code}
version: {version}
name: {name}
debtor_kind: individual
master: {master}
entry: {{min_debt: "500.00", min_days_overdue: 30}}
stages:
  - code: soft
    name: Мягкие напоминания
    steps:
      - {{code: sms, channel: sms, template: reminder, day: 0}}
    advance: {{to: {advance_to}, after_days: 10}}
  - code: {second}
    name: Звонки
"""


def plan_text(code: str = "test", version: int = 1, *, name: str = "Тест", master: bool = True,
              advance_to: str = "robot", second: str = "robot") -> str:
    return PLAN.format(code=code, version=version, name=name, master=str(master).lower(),
                       advance_to=advance_to, second=second)


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


async def plans(session: AsyncSession) -> list[tuple[str, int, bool]]:
    rows = await session.execute(select(WorkPlan.code, WorkPlan.version, WorkPlan.is_master)
                                 .order_by(WorkPlan.code, WorkPlan.version))
    return [(code, version, master) for code, version, master in rows]


async def test_default_plan_loads_with_its_source(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        report = await load_default_plans(session)
        await session.commit()
        assert report.loaded == ["zhkh-individuals v1"]
        assert report.masters == ["zhkh-individuals v1"]
        row, definition = await master_plan(session, "individual")
        assert (row.code, row.version, row.name, row.debtor_kind) == (
            "zhkh-individuals", 1, "ЖКХ — физические лица", "individual")
        assert row.source == (DEFAULT_PLANS_DIR / "zhkh_individuals.yaml").read_text("utf-8")
        assert row.definition["entry"] == {
            "min_debt": "1000.00", "min_days_overdue": 30, "start_after_days": 10}
        assert [stage.code for stage in definition.stages] == [
            "soft", "robot", "notice", "restriction_warning", "court", "enforcement"]
        assert plan_definition(row) == definition


async def test_loading_the_same_version_again_changes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        await session.commit()
        again = await load_default_plans(session)
        await session.commit()
        assert again.loaded == [] and again.masters == []
        assert again.unchanged == ["zhkh-individuals v1"]
        assert await plans(session) == [("zhkh-individuals", 1, True)]


async def test_a_changed_plan_under_a_loaded_version_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await load_plans(session, write(tmp_path / "a", plan=plan_text(name="Тест")))
        await session.commit()
        with pytest.raises(PlanLoadError) as caught:
            await load_plans(session, write(tmp_path / "b", edited=plan_text(name="Другое имя")))
        assert caught.value.problems == (
            "edited.yaml: план test версии 1 уже загружен с другим содержанием. "
            "Версии неизменяемы: увеличьте version в файле.",)
        await session.rollback()
        row = await session.scalar(select(WorkPlan))
        assert row is not None and row.name == "Тест"


async def test_a_new_master_version_takes_over_the_debtor_kind(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        await session.commit()
        report = await load_plans(session, write(tmp_path, v1=plan_text(version=1),
                                                 v2=plan_text(version=2)))
        await session.commit()
        assert report.loaded == ["test v1", "test v2"]
        assert report.masters == ["test v2"]
        assert await plans(session) == [
            ("test", 1, False), ("test", 2, True), ("zhkh-individuals", 1, False)]
        row, definition = await master_plan(session, "individual")
        assert (row.code, row.version, definition.version) == ("test", 2, 2)


async def test_a_non_master_plan_leaves_the_master_alone(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        await load_plans(session, write(tmp_path, other=plan_text(master=False)))
        await session.commit()
        assert await plans(session) == [("test", 1, False), ("zhkh-individuals", 1, True)]


@pytest.mark.parametrize(("text", "problem"), [
    (plan_text(advance_to="court"),
     "bad.yaml: план не согласован: stage soft advances to unknown stage court"),
    (plan_text(second="soft"), "bad.yaml: план не согласован: stage codes repeat"),
    (plan_text().replace("entry:", "colour: red\nentry:"), "bad.yaml: поле colour: лишнее поле: "
     "в плане такого нет"),
    (plan_text().replace('"500.00"', '"0"'),
     "bad.yaml: поле entry.min_debt: должно быть больше 0"),
    (plan_text().replace("individual", "martian"),
     "bad.yaml: поле debtor_kind: допустимые значения: 'individual', 'budget' or 'business'"),
    (plan_text().replace("channel: sms", "channel: fax"),
     "bad.yaml: поле stages[0].steps[0].channel: допустимые значения: "
     "'call', 'sms', 'email' or 'courier'"),
    (plan_text().replace("name: Тест\n", ""), "bad.yaml: поле name: не задано"),
    ("- just a list", "bad.yaml: план должен быть словарём полей (code, version, …)"),
])
async def test_an_invalid_plan_is_reported_by_file_and_nothing_is_loaded(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path, text: str, problem: str,
) -> None:
    folder = write(tmp_path, good=plan_text(code="good", master=False), bad=text)
    async with sessionmaker() as session:
        with pytest.raises(PlanLoadError) as caught:
            await load_plans(session, folder)
        assert caught.value.problems == (problem,)
        assert await plans(session) == []


async def test_two_master_plans_for_one_kind_in_a_folder_are_refused(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    folder = write(tmp_path, a=plan_text(code="a"), b=plan_text(code="b"), c=plan_text(code="a"))
    async with sessionmaker() as session:
        with pytest.raises(PlanLoadError) as caught:
            await load_plans(session, folder)
        assert caught.value.problems == (
            "c.yaml: план a v1 уже задан в файле a.yaml",
            "основным для должников вида «individual» отмечено несколько планов: a, b; "
            "оставьте master: true у одного",
        )


async def test_an_empty_folder_is_an_error(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(PlanLoadError, match="в папке нет файлов планов"):
            await load_plans(session, tmp_path)


async def test_without_a_master_plan_the_lookup_says_what_to_do(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(LookupError, match="vozvrat plans load"):
            await master_plan(session, "business")


def test_cli_loads_and_lists_plans(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    main = cli.main
    assert main(["plans", "load", str(DEFAULT_PLANS_DIR), "--url", database_url]) == 0
    assert main(["plans", "load", str(DEFAULT_PLANS_DIR), "--url", database_url]) == 0
    out = capsys.readouterr().out
    assert out == ("загружен план zhkh-individuals v1\n"
                   "основной план своей группы должников: zhkh-individuals v1\n"
                   "без изменений: zhkh-individuals v1\n")
    bad = write(tmp_path, bad=plan_text(advance_to="court"))
    assert main(["plans", "load", str(bad), "--url", database_url]) == 1
    assert capsys.readouterr().err == (
        "Планы не загружены:\n"
        "  bad.yaml: план не согласован: stage soft advances to unknown stage court\n")
    assert main(["plans", "list", "--url", database_url]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith(
        "zhkh-individuals v1 — «ЖКХ — физические лица», должники: individual, основной, загружен ")
