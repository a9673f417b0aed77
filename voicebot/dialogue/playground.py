"""A text conversation with the real dialogue, for managers to try the bot: each line the
"debtor" types is classified and answered, and the outcome the call would report is shown.
Nothing is reported to the campaign."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import TextIO

from campaigns.outcomes.report import OutcomeReport
from voicebot.conversation import BotReply
from voicebot.dialogue.context import DebtorContext
from voicebot.dialogue.machine import CollectionDialogue
from voicebot.nlu.result import IntentParser, NluResult

# A typed line such as «#1» is a key pressed on the phone.
KEY_PREFIX = "#"


class RecordingParser:
    """Passes parsing on and keeps the last result, so the playground can show what was heard."""

    def __init__(self, parser: IntentParser) -> None:
        self.parser = parser
        self.last: NluResult | None = None

    async def parse(self, text: str, now: datetime) -> NluResult:
        self.last = await self.parser.parse(text, now)
        return self.last


def describe(result: NluResult) -> str:
    """«[promise_to_pay 0.93, дата оплаты 2026-12-04]»."""
    parts = [f"{result.intent.value} {result.confidence:.2f}"]
    if result.promise_date:
        parts.append(f"дата оплаты {result.promise_date.isoformat()}")
    if result.callback_at:
        parts.append(f"перезвонить {result.callback_at.isoformat(timespec='minutes')}")
    return f"[{', '.join(parts)}]"


async def run_chat(context: DebtorContext, parser: IntentParser, lines: AsyncIterator[str],
                   out: TextIO, clock: Callable[[], datetime]) -> OutcomeReport:
    """Hold one conversation: ``lines`` are what the debtor types (ending early is hanging up);
    bot replies and the NLU's reading of each line go to ``out``, then the outcome as JSON."""
    recorder = RecordingParser(parser)
    bot = CollectionDialogue(context, recorder)
    reply: BotReply = await bot.open(clock())
    _show(out, reply)
    hung_up_by_debtor = True
    async for line in lines:
        line = line.strip()
        if not line:
            continue
        if line.startswith(KEY_PREFIX) and len(line) == 2:
            reply = await bot.key(line[1], clock())
            out.write(f"  [клавиша {line[1]}]\n")
        else:
            reply = await bot.hear(line, clock())
            assert recorder.last is not None
            out.write(f"  {describe(recorder.last)}\n")
        _show(out, reply)
        if reply.hang_up:
            hung_up_by_debtor = False
            break
    report = bot.outcome(hung_up_by_debtor)
    out.write("Итог звонка:\n")
    out.write(json.dumps(report.model_dump(mode="json", exclude_defaults=True),
                         ensure_ascii=False, indent=2) + "\n")
    return report


def _show(out: TextIO, reply: BotReply) -> None:
    out.write(f"Бот: {reply.text}\n")
    if reply.hang_up:
        out.write("(бот завершил звонок)\n")
    out.flush()
