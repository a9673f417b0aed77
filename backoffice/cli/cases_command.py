"""``vozvrat cases open``: the daily case run — close paid cases, judge promises, resume, advance,
open, then queue the plan's steps that fell due."""
from __future__ import annotations

import argparse
from datetime import date, datetime, time, timezone

from backoffice.cli.common import add_database_option, open_database
from campaigns.cases.advance import advance_stages, resolve_promises, resume_suspended
from campaigns.cases.closing import close_paid_cases
from campaigns.cases.debts import refresh_case_debts
from campaigns.cases.opening import open_cases
from campaigns.cases.steps import queue_due_steps
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
            # Paid cases first: nothing below may move or contact a debtor who has paid.
            closed = await close_paid_cases(session, as_of)
            verdicts = await resolve_promises(session, as_of)
            resumed = await resume_suspended(session, as_of)
            advanced = await advance_stages(session, as_of, now)
            opening = await open_cases(session, as_of, now=now)
            refreshed = await refresh_case_debts(session, as_of)
            steps = await queue_due_steps(session, as_of, now)
            await session.commit()
    finally:
        await engine.dispose()
    print(f"Дела на {as_of.strftime('%d.%m.%Y')}:")
    print(f"  закрыто (долг погашен): {closed}")
    print(f"  обещаний выполнено: {verdicts.kept}, нарушено: {verdicts.broken}")
    print(f"  возобновлено после приостановки: {resumed}")
    print(f"  переведено на следующий этап: {advanced}")
    print(f"  открыто новых дел: {opening.opened}")
    print(f"  уже были открыты: {opening.already_open}")
    print(f"  ниже порога плана: {opening.below_threshold}")
    print(f"  без основного плана для вида должника: {opening.no_plan}")
    print(f"  обновлён долг в открытых делах: {refreshed}")
    print(f"  поставлено в очередь по шагам плана: {steps.queued}")
    print(f"  шагов без контакта на их канале: {steps.no_contact}")
    return 0
