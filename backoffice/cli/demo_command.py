"""``vozvrat demo``: the embedded default end to end — a generated utility, imported, served."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from backoffice.cli.common import add_database_option, open_database
from backoffice.cli.import_command import print_report
from backoffice.cli.serve_command import add_server_options, serve
from backoffice.demo_data.generator import DemoConfig, default_jobs, generate
from backoffice.imports.pipeline import import_files
from backoffice.web.app import create_app

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
        await serve(create_app(engine), args.host, args.port)
    finally:
        await engine.dispose()
    return 0
