"""The bot playground: a manager types what a debtor says and sees the real CollectionDialogue
answer through the configured Rasa service, with the intent heard and the call's state.

Conversations live on the server, one per browser tab (its id is in the tab's address), for their
owner only; nothing is written to the campaign. Rasa is asked only when it answers: when it is
down the page says so in Russian instead of letting the bot misunderstand every line.
"""
from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from backoffice.web.auth.access import current_user
from backoffice.web.keys import SESSIONMAKER, TODAY
from campaigns.outcomes.report import OutcomeReport
from voicebot.dialogue.context import context_for_account
from voicebot.dialogue.machine import CollectionDialogue, Stage
from voicebot.dialogue.playground import KEY_PREFIX, RecordingParser, describe
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_service import loaded_model
from voicebot.nlu.settings import RasaSettings, rasa_settings

# Idle conversations are forgotten after this long, and no user keeps more than this many.
IDLE_SECONDS = 3600
CHATS_PER_USER = 20
MAX_LINE = 500
STAGE_TITLES = {
    Stage.NOT_STARTED: "не начат", Stage.IDENTITY: "проверка личности",
    Stage.HANDOVER: "просьба позвать должника", Stage.DEBT: "разговор о долге",
    Stage.PROMISE_DATE: "уточнение даты оплаты", Stage.CONFIRM_PROMISE: "подтверждение обещания",
    Stage.CALLBACK_TIME: "уточнение времени перезвона", Stage.ENDED: "звонок завершён",
}


@dataclass
class Turn:
    speaker: str  # "bot" or "debtor"
    text: str
    heard: str = ""


@dataclass
class Chat:
    owner: str
    account: str
    dialogue: CollectionDialogue
    recorder: RecordingParser
    start: datetime
    began: float = field(default_factory=time.monotonic)
    used: float = field(default_factory=time.monotonic)
    turns: list[Turn] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def now(self) -> datetime:
        """The call's clock: its start in the debtor's zone plus the time spent talking."""
        return self.start + timedelta(seconds=time.monotonic() - self.began)

    def outcome(self) -> OutcomeReport:
        return self.dialogue.outcome(hung_up_by_debtor=False)


class Playground:
    """The conversations of this process and the one Rasa client they share."""

    def __init__(self, settings: RasaSettings) -> None:
        self.settings = settings
        self.client = RasaClient.from_settings(settings)
        self.chats: dict[str, Chat] = {}

    async def rasa_answers(self) -> bool:
        return await loaded_model(self.settings.url, timeout=self.settings.timeout) is not None

    def add(self, chat: Chat) -> str:
        self._forget_idle()
        mine = sorted((c.used, key) for key, c in self.chats.items() if c.owner == chat.owner)
        for _, key in mine[:max(len(mine) - CHATS_PER_USER + 1, 0)]:
            del self.chats[key]
        key = secrets.token_urlsafe(12)
        self.chats[key] = chat
        return key

    def get(self, key: str, owner: str) -> Chat | None:
        chat = self.chats.get(key)
        if chat is None or chat.owner != owner:
            return None
        chat.used = time.monotonic()
        return chat

    def _forget_idle(self) -> None:
        limit = time.monotonic() - IDLE_SECONDS
        for key in [key for key, chat in self.chats.items() if chat.used < limit]:
            del self.chats[key]


PLAYGROUND: web.AppKey[Playground] = web.AppKey("playground", Playground)


def install(app: web.Application, settings: RasaSettings | None = None) -> None:
    app[PLAYGROUND] = Playground(settings or rasa_settings())

    async def close(app: web.Application) -> None:
        await app[PLAYGROUND].client.close()

    app.on_cleanup.append(close)


def _rasa_down(playground: Playground) -> str:
    return (f"Бот сейчас не может понимать ответы: сервис распознавания Rasa по адресу "
            f"{playground.settings.url} не отвечает. Его запускает обработчик звонков "
            f"(«vozvrat worker --channels call»); попросите администратора запустить его "
            f"и повторите через минуту.")


def _page(request: web.Request, *, chat_id: str = "", chat: Chat | None = None, error: str = "",
          account: str = "", status: int = 200) -> web.Response:
    context: dict[str, Any] = {"chat_id": chat_id, "chat": chat, "error": error, "account": account}
    if chat is not None:
        outcome = chat.outcome()
        context.update(stage=STAGE_TITLES[chat.dialogue.stage], outcome=outcome,
                       ended=chat.dialogue.ended)
    return aiohttp_jinja2.render_template("playground.html", request, context, status=status)


async def show(request: web.Request) -> web.Response:
    chat_id = request.query.get("chat", "")
    if not chat_id:
        return _page(request)
    chat = request.app[PLAYGROUND].get(chat_id, current_user(request).login)
    if chat is None:
        return _page(request, error="Этот разговор закончился или забыт (прошёл час без ответа): "
                                    "начните новый.", status=404)
    return _page(request, chat_id=chat_id, chat=chat)


async def start(request: web.Request) -> web.Response:
    playground = request.app[PLAYGROUND]
    account = str((await request.post()).get("account", "")).strip()
    if not account:
        return _page(request, error="Укажите номер лицевого счёта должника.", status=422)
    try:
        async with request.app[SESSIONMAKER]() as session:
            context = await context_for_account(session, account, as_of=request.app[TODAY]())
    except LookupError as exc:
        return _page(request, account=account, status=422,
                     error=f"Разговор не начат: {exc}. Проверьте номер в списке лицевых счетов.")
    if not await playground.rasa_answers():
        return _page(request, account=account, error=_rasa_down(playground), status=503)
    recorder = RecordingParser(playground.client)
    chat = Chat(owner=current_user(request).login, account=account,
                dialogue=CollectionDialogue(context, recorder), recorder=recorder,
                start=datetime.now(ZoneInfo(context.timezone)))
    chat.turns.append(Turn("bot", (await chat.dialogue.open(chat.now())).text))
    raise web.HTTPFound(f"/playground?chat={playground.add(chat)}")


async def say(request: web.Request) -> web.Response:
    playground = request.app[PLAYGROUND]
    form = await request.post()
    chat_id = str(form.get("chat", ""))
    chat = playground.get(chat_id, current_user(request).login)
    if chat is None:
        return _page(request, error="Этот разговор закончился или забыт: начните новый.", status=404)
    # Two submits of one tab must not interleave inside the dialogue.
    async with chat.lock:
        error, status = await _turn(playground, chat, str(form.get("text", "")).strip()[:MAX_LINE])
    if error:
        return _page(request, chat_id=chat_id, chat=chat, error=error, status=status)
    raise web.HTTPFound(f"/playground?chat={chat_id}#last")


async def _turn(playground: Playground, chat: Chat, line: str) -> tuple[str, int]:
    """One debtor turn and the bot's reply; a refusal (text, HTTP status) when there is none."""
    if chat.dialogue.ended:
        return "Бот уже завершил этот звонок: начните новый разговор.", 409
    if not line:
        return "Напишите, что отвечает должник, или «#1» — нажатие клавиши 1.", 422
    if line.startswith(KEY_PREFIX) and len(line) == 2:
        reply = await chat.dialogue.key(line[1], chat.now())
        chat.turns.append(Turn("debtor", f"(нажата клавиша {line[1]})"))
    else:
        if not await playground.rasa_answers():
            return _rasa_down(playground), 503
        reply = await chat.dialogue.hear(line, chat.now())
        heard = chat.recorder.last
        chat.turns.append(Turn("debtor", line, describe(heard) if heard else ""))
    chat.turns.append(Turn("bot", reply.text))
    return "", 200
