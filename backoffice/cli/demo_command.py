"""``vozvrat demo``: the embedded default end to end — a generated utility, imported, served."""
from __future__ import annotations

import argparse
import secrets
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.cli.common import add_database_option, open_database
from backoffice.cli.import_command import print_report
from backoffice.cli.serve_command import add_server_options, serve
from backoffice.demo_data.generator import DemoConfig, default_jobs, generate
from backoffice.imports.pipeline import import_files
from backoffice.web.app import create_app
from backoffice.web.auth.users import save_user
from campaigns.cases.debts import refresh_case_debts
from campaigns.cases.opening import open_cases
from campaigns.plans.loader import load_default_plans
from models.db import make_sessionmaker
from models.user import Role

DEMO_SEED = 2026


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help="generate a demo utility, import it and serve it")
    parser.add_argument("--accounts", type=int, default=300, help="demo accounts (default 300)")
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"),
                        help="where the generated billing files go")
    add_server_options(parser)
    add_database_option(parser)
    parser.set_defaults(func=run)


async def run(args: argparse.Namespace) -> int:
    config = DemoConfig(accounts=args.accounts, out=args.data_dir, seed=DEMO_SEED, months=36,
                        as_of=date.today(), services=4, jobs=default_jobs())
    summary = generate(config)
    print(f"демо-данные: {sum(summary.rows.values())} строк в {summary.out}", flush=True)
    engine = await open_database(args)
    try:
        report = await import_files(engine, [summary.out])
        print_report(report)
        if not report.committed:
            return 1
        await open_demo_cases(engine, config.as_of)
        await create_demo_users(engine)
        await serve(create_app(engine), args.host, args.port)
    finally:
        await engine.dispose()
    return 0


async def open_demo_cases(engine: AsyncEngine, as_of: date) -> None:
    """The default plans and the cases they open, so the registry and waves have work to show."""
    async with make_sessionmaker(engine)() as session:
        await load_default_plans(session)
        opening = await open_cases(session, as_of)
        await refresh_case_debts(session, as_of)
        await session.commit()
    print(f"открыто дел: {opening.opened}", flush=True)


async def create_demo_users(engine: AsyncEngine) -> None:
    """One user per role, named after it, with a fresh password each start (printed once)."""
    print("Вход в демо (пароли новые при каждом запуске):", flush=True)
    async with make_sessionmaker(engine).begin() as session:
        for role in Role:
            password = secrets.token_urlsafe(9)
            await save_user(session, role.value, role, password, full_name=f"Демо: {role.value}")
            print(f"  логин {role.value:<8} пароль {password}", flush=True)
