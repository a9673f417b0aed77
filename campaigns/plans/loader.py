"""Loading work plans from their YAML files into ``work_plan``, and reading them back.

A plan version is immutable: once ``code`` + ``version`` is in the database, loading it again is a
no-op if the definition is the same and an error if it differs, because cases opened under that
version must keep meaning what they meant.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.plans.schema import PlanDefinition
from models.plan import WorkPlan

DEFAULT_PLANS_DIR = Path(__file__).parent / "default"


class PlanLoadError(Exception):
    """Plans that cannot be loaded; the message lists every problem, in Russian, by file."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass
class PlanLoadReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # "code vN" of plans that became the master of their debtor kind.
    masters: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _PlanFile:
    path: Path
    source: str
    plan: PlanDefinition

    @property
    def label(self) -> str:
        return f"{self.plan.code} v{self.plan.version}"


async def load_plans(session: AsyncSession, directory: Path) -> PlanLoadReport:
    """Validate every ``*.yaml`` in ``directory`` and insert the new plan versions.

    Nothing is written unless every file is valid and no version conflicts with the database.
    The caller commits.
    """
    files = _read_directory(directory)
    existing = await _existing_versions(session, files)
    problems: list[str] = []
    new: list[_PlanFile] = []
    report = PlanLoadReport()
    for item in files:
        row = existing.get((item.plan.code, item.plan.version))
        if row is None:
            new.append(item)
        # Read back through the schema, so a field added to it since (with its default) does not
        # make an unchanged file look changed.
        elif plan_definition(row).model_dump(mode="json") == item.plan.model_dump(mode="json"):
            report.unchanged.append(item.label)
        else:
            problems.append(
                f"{item.path.name}: план {item.plan.code} версии {item.plan.version} уже загружен "
                "с другим содержанием. Версии неизменяемы: увеличьте version в файле.")
    if problems:
        raise PlanLoadError(problems)
    for item in new:
        session.add(WorkPlan(
            code=item.plan.code, version=item.plan.version, name=item.plan.name,
            debtor_kind=item.plan.debtor_kind.value, is_master=False,
            definition=item.plan.model_dump(mode="json"), source=item.source))
        report.loaded.append(item.label)
    await session.flush()
    for item in _new_masters(new):
        await make_master(session, item.plan)
        report.masters.append(item.label)
    return report


async def load_default_plans(session: AsyncSession) -> PlanLoadReport:
    return await load_plans(session, DEFAULT_PLANS_DIR)


def plan_definition(plan_row: WorkPlan) -> PlanDefinition:
    return PlanDefinition.model_validate(plan_row.definition)


async def master_plans(session: AsyncSession) -> dict[str, tuple[WorkPlan, PlanDefinition]]:
    """The master plan of every debtor kind that has one, by debtor kind."""
    rows = await session.scalars(select(WorkPlan).where(WorkPlan.is_master.is_(True)))
    return {row.debtor_kind: (row, plan_definition(row)) for row in rows}


async def master_plan(session: AsyncSession, debtor_kind: str) -> tuple[WorkPlan, PlanDefinition]:
    row = await session.scalar(
        select(WorkPlan).where(WorkPlan.debtor_kind == debtor_kind, WorkPlan.is_master.is_(True)))
    if row is None:
        raise LookupError(f"нет основного плана для должников вида «{debtor_kind}»: "
                          "загрузите планы (vozvrat plans load)")
    return row, plan_definition(row)


async def latest_plan(session: AsyncSession, code: str) -> tuple[WorkPlan, PlanDefinition]:
    """The newest loaded version of the plan ``code``."""
    row = await session.scalar(
        select(WorkPlan).where(WorkPlan.code == code).order_by(WorkPlan.version.desc()).limit(1))
    if row is None:
        raise LookupError(f"план {code} не загружен")
    return row, plan_definition(row)


def _read_directory(directory: Path) -> list[_PlanFile]:
    if not directory.is_dir():
        raise PlanLoadError([f"{directory}: нет такой папки"])
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise PlanLoadError([f"{directory}: в папке нет файлов планов *.yaml"])
    files: list[_PlanFile] = []
    problems: list[str] = []
    for path in paths:
        try:
            files.append(_read_file(path))
        except PlanLoadError as exc:
            problems.extend(exc.problems)
    problems.extend(_batch_problems(files))
    if problems:
        raise PlanLoadError(problems)
    return files


def _read_file(path: Path) -> _PlanFile:
    source = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise PlanLoadError([f"{path.name}: файл не читается как YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise PlanLoadError([f"{path.name}: план должен быть словарём полей (code, version, …)"])
    try:
        plan = PlanDefinition.model_validate(data)
    except ValidationError as exc:
        raise PlanLoadError([f"{path.name}: {_describe(error)}" for error in exc.errors()]) from exc
    return _PlanFile(path, source, plan)


def _batch_problems(files: Sequence[_PlanFile]) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, int], Path] = {}
    for item in files:
        key = (item.plan.code, item.plan.version)
        if key in seen:
            problems.append(f"{item.path.name}: план {item.label} уже задан в файле {seen[key].name}")
        seen[key] = item.path
    master_codes: dict[str, set[str]] = {}
    for item in files:
        if item.plan.master:
            master_codes.setdefault(item.plan.debtor_kind.value, set()).add(item.plan.code)
    for kind, codes in sorted(master_codes.items()):
        if len(codes) > 1:
            problems.append(f"основным для должников вида «{kind}» отмечено несколько планов: "
                            f"{', '.join(sorted(codes))}; оставьте master: true у одного")
    return problems


def _new_masters(new: Sequence[_PlanFile]) -> list[_PlanFile]:
    # Several versions of one master plan may arrive together: the highest version wins.
    best: dict[str, _PlanFile] = {}
    for item in new:
        if not item.plan.master:
            continue
        kind = item.plan.debtor_kind.value
        if kind not in best or item.plan.version > best[kind].plan.version:
            best[kind] = item
    return list(best.values())


async def make_master(session: AsyncSession, plan: PlanDefinition) -> None:
    kind = plan.debtor_kind.value
    await session.execute(
        update(WorkPlan).where(WorkPlan.debtor_kind == kind)
        .values(is_master=(WorkPlan.code == plan.code) & (WorkPlan.version == plan.version))
        .execution_options(synchronize_session="fetch"))


async def _existing_versions(
    session: AsyncSession, files: Sequence[_PlanFile]
) -> dict[tuple[str, int], WorkPlan]:
    codes = {item.plan.code for item in files}
    rows = await session.scalars(select(WorkPlan).where(WorkPlan.code.in_(codes)))
    return {(row.code, row.version): row for row in rows}


_MESSAGES = {
    "missing": "не задано",
    "extra_forbidden": "лишнее поле: в плане такого нет",
    "int_parsing": "ожидается целое число",
    "int_type": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "decimal_parsing": "ожидается сумма, например \"1000.00\"",
    "decimal_type": "ожидается сумма, например \"1000.00\"",
    "string_type": "ожидается строка",
    "string_too_short": "не может быть пустым",
    "string_too_long": "не длиннее {max_length} символов",
    "bool_parsing": "ожидается true или false",
    "bool_type": "ожидается true или false",
    "enum": "допустимые значения: {expected}",
    "greater_than": "должно быть больше {gt}",
    "greater_than_equal": "должно быть не меньше {ge}",
    "too_short": "нужно не меньше {min_length} элементов",
    "dict_type": "ожидается словарь полей",
    "tuple_type": "ожидается список",
    "model_type": "ожидается словарь полей",
}


def _describe(error: Any) -> str:
    """One pydantic error as «где: что не так», in Russian where the error type is known."""
    where = _location(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        what = f"план не согласован: {ctx.get('error', error['msg'])}"
    elif kind in _MESSAGES:
        what = _MESSAGES[kind].format(**{k: str(v) for k, v in ctx.items()})
    else:
        what = error["msg"]
    return f"{where}: {what}" if where else what


def _location(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"поле {text}" if text else ""
