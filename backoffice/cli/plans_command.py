"""``vozvrat plans load DIR`` and ``vozvrat plans list``: work plans from their YAML files."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select

from backoffice.cli.common import add_database_option, open_database
from campaigns.plans.loader import PlanLoadError, load_plans
from models.db import make_sessionmaker
from models.plan import WorkPlan


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plans = subparsers.add_parser("plans", help="work plans")
    plans_sub = plans.add_subparsers(dest="plans_command", required=True)
    load = plans_sub.add_parser("load", help="load every *.yaml plan in a folder")
    load.add_argument("directory", type=Path, help="folder with plan files")
    add_database_option(load)
    load.set_defaults(func=run_load)
    listing = plans_sub.add_parser("list", help="list the loaded plans")
    add_database_option(listing)
    listing.set_defaults(func=run_list)


async def run_load(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            try:
                report = await load_plans(session, args.directory)
            except PlanLoadError as exc:
                print("Планы не загружены:", file=sys.stderr)
                for problem in exc.problems:
                    print(f"  {problem}", file=sys.stderr)
                return 1
            await session.commit()
    finally:
        await engine.dispose()
    for label in report.loaded:
        print(f"загружен план {label}")
    for label in report.unchanged:
        print(f"без изменений: {label}")
    for label in report.masters:
        print(f"основной план своей группы должников: {label}")
    return 0


async def run_list(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = list(await session.scalars(
                select(WorkPlan).order_by(WorkPlan.debtor_kind, WorkPlan.code, WorkPlan.version)))
    finally:
        await engine.dispose()
    if not rows:
        print("планов нет: загрузите их командой vozvrat plans load DIR")
        return 0
    # Plain lines rather than a table: they survive narrow terminals, pipes and grep.
    for row in rows:
        master = ", основной" if row.is_master else ""
        print(f"{row.code} v{row.version} — «{row.name}», должники: {row.debtor_kind}{master}, "
              f"загружен {row.loaded_at.strftime('%d.%m.%Y %H:%M')} UTC")
    return 0
