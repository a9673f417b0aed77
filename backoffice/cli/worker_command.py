"""``vozvrat worker --channels call,sms,email``: claim attempts of those channels and contact debtors.

Each channel names a factory in ``CHANNEL_WORKERS`` (``call`` is dialer.channel.CallChannel). All run in
one process and one event loop, each with its own claims, until SIGINT or SIGTERM.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli.common import add_database_option, open_database
from backoffice.cli.worker_progress import show_progress
from dialer.channel import CallChannel
from messaging.channel_worker import ChannelWorker
from messaging.email.worker import EmailWorker
from messaging.settings import smpp_settings, smtp_settings, template_settings
from messaging.sms.encoding import Concatenation
from messaging.sms.worker import SmsWorker
from messaging.templating.store import TemplateStore
from models.db import make_sessionmaker

WorkerFactory = Callable[[async_sessionmaker[AsyncSession], str], ChannelWorker]


def _sms(sessionmaker: async_sessionmaker[AsyncSession], name: str) -> ChannelWorker:
    settings = smpp_settings()
    templates = TemplateStore.from_settings(template_settings(), Concatenation(settings.concatenation))
    return SmsWorker(sessionmaker, settings, templates, name)


def _email(sessionmaker: async_sessionmaker[AsyncSession], name: str) -> ChannelWorker:
    return EmailWorker(sessionmaker, smtp_settings(), TemplateStore.from_settings(template_settings()), name)


CHANNEL_WORKERS: dict[str, WorkerFactory] = {
    "sms": _sms,
    "email": _email,
    "call": CallChannel,
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser("worker", help="claim attempts of some channels and carry them out")
    worker.add_argument("--channels", default="sms,email",
                        help=f"comma-separated, of: {', '.join(CHANNEL_WORKERS)}")
    worker.add_argument("--name", default=f"{socket.gethostname()}-{os.getpid()}",
                        help="this worker's name on its leases (default: host-pid)")
    add_database_option(worker)
    worker.set_defaults(func=_run)


async def _run(args: argparse.Namespace) -> int:
    channels = [c.strip() for c in args.channels.split(",") if c.strip()]
    unknown = [c for c in channels if c not in CHANNEL_WORKERS]
    if unknown or not channels:
        print(f"неизвестные каналы: {', '.join(unknown) or '(пусто)'}; есть: {', '.join(CHANNEL_WORKERS)}",
              file=sys.stderr)
        return 2
    engine = await open_database(args)
    sessionmaker = make_sessionmaker(engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    workers = [CHANNEL_WORKERS[c](sessionmaker, f"{args.name}/{c}") for c in channels]
    print(f"worker {args.name}: {', '.join(channels)}", flush=True)
    try:
        await asyncio.gather(*(w.run(stop) for w in workers),
                             show_progress(sessionmaker, channels, stop, sys.stdout))
    finally:
        await engine.dispose()
    return 0
