"""``vozvrat serve``: the backoffice web server."""
from __future__ import annotations

import argparse
import asyncio
import gc

from aiohttp import web
from sqlalchemy import func, select

from backoffice.cli.common import add_database_option, open_database
from backoffice.web.app import create_app
from models.db import make_sessionmaker
from models.user import User


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the backoffice web server")
    add_server_options(parser)
    add_database_option(parser)
    parser.set_defaults(func=run)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)


async def serve(app: web.Application, host: str, port: int) -> None:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    # Everything loaded so far (modules, the app, templates) lives as long as the process: out of
    # the collector's sight, a full collection scans only what requests made. Otherwise each full
    # collection stops the one event loop for tens of milliseconds and every request in flight
    # waits it out (the registry's p99 at four clients, bench/web.py).
    gc.freeze()
    print(f"Возврат: http://{host}:{port}/ (остановить: Ctrl+C)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def run(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            if not await session.scalar(select(func.count()).select_from(User)):
                print("пользователей нет: создайте первого командой "
                      "vozvrat users add LOGIN --role admin", flush=True)
        await serve(create_app(engine), args.host, args.port)
    finally:
        await engine.dispose()
    return 0
