"""Entry point of the ``vozvrat`` console script."""
from __future__ import annotations

import argparse
import asyncio
import inspect
import sys
from collections.abc import Sequence

from backoffice.cli import (
    bot_command,
    call_command,
    cases_command,
    db_commands,
    demo_command,
    demo_data_command,
    import_command,
    messaging_commands,
    plans_command,
    serve_command,
    wave_command,
    worker_command,
)
from backoffice.cli import calc_command, docs_command
from backoffice.cli import users_command


COMMAND_MODULES = (
    db_commands,
    import_command,
    demo_data_command,
    serve_command,
    users_command,
    demo_command,
    plans_command,
    calc_command,
    docs_command,
    cases_command,
    wave_command,
    bot_command,
    messaging_commands,
    worker_command,
    call_command,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vozvrat", description="Vozvrat: debt-collection outreach for utilities"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = args.func(args)
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
