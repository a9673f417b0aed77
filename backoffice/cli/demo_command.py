"""``vozvrat demo``: the embedded default end to end — a generated utility, imported, cases
opened by the default plan, a wave by calls (simulated debtors answering eight ways), SMS and email
through loopback peers, courier tasks, court packs, served.

``--check`` runs the same flow headless on a fresh SQLite file, prints a JSON summary and exits
0 only if every expected outcome happened.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.cli.common import add_database_option, open_database
from backoffice.cli.import_command import print_report
from backoffice.cli.serve_command import add_server_options, serve
from backoffice.demo_data.flow import run_demo_flow
from backoffice.demo_data.generator import DemoConfig, default_jobs, generate
from backoffice.imports.pipeline import import_files
from backoffice.web.app import create_app
from backoffice.web.auth.users import save_user
from models.db import make_sessionmaker
from models.user import Role

DEMO_SEED = 2026
# Few enough for a run of a minute or two, enough for every stage and outcome to show.
CHECK_ACCOUNTS = 40


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help="generate a demo utility, run a wave and serve it")
    parser.add_argument("--accounts", type=int, default=None,
                        help=f"demo accounts (default 300; {CHECK_ACCOUNTS} with --check)")
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"),
                        help="where the generated billing files, peers' logs and packs go")
    parser.add_argument("--check", action="store_true",
                        help="headless: run the flow on a fresh SQLite file, print a JSON summary, "
                             "exit 0 only if every expected outcome happened")
    add_server_options(parser)
    add_database_option(parser)
    parser.set_defaults(func=run)


async def run(args: argparse.Namespace) -> int:
    accounts = args.accounts or (CHECK_ACCOUNTS if args.check else 300)
    config = DemoConfig(accounts=accounts, out=args.data_dir / "billing", seed=DEMO_SEED, months=36,
                        as_of=date.today(), services=4, jobs=default_jobs())
    if args.check and not args.url:
        database = args.data_dir / "demo-check.sqlite"
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        args.url = f"sqlite+aiosqlite:///{database.resolve()}"
    summary = generate(config)
    print(f"демо-данные: {sum(summary.rows.values())} строк в {summary.out}", flush=True)
    engine = await open_database(args)
    try:
        report = await import_files(engine, [summary.out])
        print_report(report)
        if not report.committed:
            return 1
        # Before the flow, which puts the courier tasks on the demo courier's route.
        await create_demo_users(engine)
        demo = await run_demo_flow(engine, args.data_dir, config.as_of)
        failures = demo.failures()
        if args.check:
            print(json.dumps({**demo.summary(), "failures": failures}, ensure_ascii=False, indent=2),
                  flush=True)
            return 1 if failures else 0
        for failure in failures:
            print(f"внимание: {failure}", file=sys.stderr, flush=True)
        print(f"Судебные пакеты: {args.data_dir / 'packs'}; журналы пиров: {args.data_dir / 'peers'}",
              flush=True)
        await serve(create_app(engine), args.host, args.port)
    finally:
        await engine.dispose()
    return 0


async def create_demo_users(engine: AsyncEngine) -> None:
    """One user per role, named after it, with a fresh password each start (printed once)."""
    print("Вход в демо (пароли новые при каждом запуске):", flush=True)
    async with make_sessionmaker(engine).begin() as session:
        for role in Role:
            password = secrets.token_urlsafe(9)
            await save_user(session, role.value, role, password, full_name=f"Демо: {role.value}")
            print(f"  логин {role.value:<8} пароль {password}", flush=True)
