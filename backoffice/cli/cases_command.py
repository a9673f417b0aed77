"""``vozvrat cases open``: the daily case run — close paid cases, judge promises, resume, advance,
open, then queue the plan's steps that fell due."""
from __future__ import annotations

import argparse
from datetime import date, datetime, time, timezone

from backoffice.cli.common import add_database_option, open_database
from campaigns.cases.daily import run_day
from models.column_types import utc_now
from models.db import make_sessionmaker


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cases = subparsers.add_parser("cases", help="debt cases")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True)
    run = cases_sub.add_parser(
        "open", help="close paid cases, move open ones on, open new cases and queue due plan steps")
    run.add_argument("--as-of", type=date.fromisoformat, default=None,
                     help="the date to work on, YYYY-MM-DD (default: today); "
                          "stage entries are then stamped at its midnight UTC")
    add_database_option(run)
    run.set_defaults(func=run_open)


async def run_open(args: argparse.Namespace) -> int:
    as_of: date = args.as_of or date.today()
    # A replayed day stamps stage entries on that day, or days in a stage would count from today.
    now = utc_now() if args.as_of is None else datetime.combine(as_of, time(), timezone.utc)
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            day = await run_day(session, as_of, now)
    finally:
        await engine.dispose()
    print(f"Дела на {as_of.strftime('%d.%m.%Y')}:")
    print(f"  закрыто (долг погашен): {day.closed}")
    print(f"  обещаний выполнено: {day.promises.kept}, нарушено: {day.promises.broken}")
    print(f"  возобновлено после приостановки: {day.resumed}")
    print(f"  переведено на следующий этап: {day.advanced}")
    print(f"  открыто новых дел: {day.opening.opened}")
    print(f"  уже были открыты: {day.opening.already_open}")
    print(f"  ниже порога плана: {day.opening.below_threshold}")
    print(f"  без основного плана для вида должника: {day.opening.no_plan}")
    print(f"  обновлён долг в открытых делах: {day.refreshed}")
    print(f"  поставлено в очередь по шагам плана: {day.steps.queued}")
    print(f"  шагов без контакта на их канале: {day.steps.no_contact}")
    return 0
