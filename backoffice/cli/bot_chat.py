"""``vozvrat bot chat --account NUMBER``: the voice bot's dialogue in text, for a manager to try.

The real dialogue and the real NLU answer; nothing is reported to the campaign.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backoffice.cli.common import add_database_option, open_database
from models.db import make_sessionmaker
from voicebot.dialogue.context import context_for_account
from voicebot.dialogue.playground import run_chat
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_model import RasaUnavailable
from voicebot.nlu.rasa_service import RasaStartError, rasa_service
from voicebot.nlu.result import IntentParser
from voicebot.nlu.settings import rasa_settings

ParserFactory = Callable[[], AbstractAsyncContextManager[IntentParser]]


@asynccontextmanager
async def rasa_parser() -> AsyncIterator[IntentParser]:
    """The real NLU: the configured Rasa service, started for the duration if none answers."""
    settings = rasa_settings()
    async with rasa_service(settings) as url, RasaClient.from_settings(settings, url) as client:
        yield client


def register_chat(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                  parser_factory: ParserFactory = rasa_parser) -> None:
    """Register ``chat`` under the ``bot`` group; ``parser_factory`` opens the NLU to talk to."""
    chat = commands.add_parser(
        "chat", help="talk to the bot in text for an account (records nothing)",
        description="Type what the debtor says; «#1» presses a key; Ctrl-D hangs up.")
    chat.add_argument("--account", required=True, help="account (лицевой счёт) number")
    chat.add_argument("--now", type=datetime.fromisoformat,
                      help="the call's start (ISO, in the building's time zone unless given; "
                           "default now)")
    add_database_option(chat)
    chat.set_defaults(func=chat_command, parser_factory=parser_factory)


async def chat_command(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            context = await context_for_account(
                session, args.account, as_of=args.now.date() if args.now else None)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    zone = ZoneInfo(context.timezone)
    start = args.now or datetime.now(zone)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    began = time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    try:
        async with args.parser_factory() as parser:
            await run_chat(context, parser, _typed_lines(), sys.stdout, clock)
    except (RasaUnavailable, RasaStartError) as exc:
        print(f"сервис Rasa недоступен: {exc}", file=sys.stderr)
        return 2
    return 0


async def _typed_lines() -> AsyncIterator[str]:
    """Lines from the terminal, read in a thread so the event loop keeps running."""
    while True:
        try:
            yield await asyncio.to_thread(input, "> ")
        except EOFError:
            return
