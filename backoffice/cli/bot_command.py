"""``vozvrat bot parse``: the voice bot's NLU on lines of text (and later ``bot chat``).

``bot parse --today YYYY-MM-DD --file FILE`` is a contract for checks outside the test suite:
one JSON object per input line, in order, ``{"text", "intent", "confidence", "promise_date"}``.
A blank line still gets its object (intent ``nlu_fallback``, confidence 0, Rasa not asked), so
output line N always answers input line N. ``--file -`` reads standard input. The Rasa service
at the configured URL is used if it answers, otherwise started for the duration.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timezone

from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_model import RasaUnavailable
from voicebot.nlu.rasa_service import RasaStartError, rasa_service
from voicebot.nlu.settings import rasa_settings

# Only the date of the call matters to promise dates; noon keeps "через час" on the same day.
_CALL_TIME = time(12, 0)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bot = subparsers.add_parser("bot", help="the voice bot on text")
    commands = bot.add_subparsers(dest="bot_command", required=True)
    # Each ``bot`` subcommand registers itself here, one line each.
    register_parse(commands)


def register_parse(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parse = commands.add_parser("parse", help="intent and promise date of each line of a file")
    parse.add_argument("--today", required=True, type=date.fromisoformat,
                       help="the call's date (YYYY-MM-DD) that relative dates resolve against")
    parse.add_argument("--file", required=True, help="UTF-8 text, one utterance a line (- for stdin)")
    parse.set_defaults(func=_parse)


def _read_lines(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    with open(name, encoding="utf-8-sig") as fh:
        return fh.read().splitlines()


async def _parse(args: argparse.Namespace) -> int:
    try:
        lines = _read_lines(args.file)
    except OSError as exc:
        print(f"не удалось прочитать {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    now = datetime.combine(args.today, _CALL_TIME, tzinfo=timezone.utc)
    settings = rasa_settings()
    try:
        async with rasa_service(settings) as url, RasaClient.from_settings(settings, url) as client:
            for line in lines:
                result = await client.parse(line, now)
                print(json.dumps({
                    "text": line,
                    "intent": result.intent.value,
                    "confidence": round(result.confidence, 4),
                    "promise_date": result.promise_date.isoformat() if result.promise_date else None,
                }, ensure_ascii=False), flush=True)
    except (RasaUnavailable, RasaStartError) as exc:
        print(f"сервис Rasa недоступен: {exc}", file=sys.stderr)
        return 2
    return 0
