"""``vozvrat db upgrade``: bring the configured database to the newest schema."""
from __future__ import annotations

import argparse

from models.migrate import upgrade_sync


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply all migrations")
    up.add_argument("--url", help="database URL (default: the configured one)")
    up.set_defaults(func=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    upgrade_sync(args.url)
    print("схема базы данных обновлена")
    return 0
