"""XLSX downloads of the lists that are not the case registry (cases/export.py): accounts with
their debt, waves, the lawyers' queue and one case's contacts. Each reads the rows of its page."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from backoffice.web.cases.export import MAX_ROWS
from backoffice.web.cases.pages import case_id_of
from backoffice.web.keys import SESSIONMAKER, TODAY
from backoffice.web.lawyer import lawyer_queue
from backoffice.web.waves import STATE_TITLES, recent_waves
from backoffice.web.xlsx import xlsx_response
from campaigns.outcomes.record import CHANNEL_TITLES
from campaigns.outcomes.report import KIND_TITLES
from models.entities import Account, Attempt, Building, Case
from models.ledger.bulk import iter_account_ledgers

_CHANNELS = {channel.value: title for channel, title in CHANNEL_TITLES.items()}
_OUTCOMES = {kind.value: title for kind, title in KIND_TITLES.items()}


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{key}: {number}" for key, number in sorted(counts.items()))


async def export_waves(request: web.Request) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        rows = await recent_waves(session)
    return await xlsx_response(
        request, "waves:export", "волны.xlsx", "Волны",
        ("Волна", "Название", "Канал", "Шаблон", "Начало окна (UTC)", "Конец окна (UTC)",
         "Состояние", "В сегменте", "Контрольная группа", "Попытки", "Исходы"),
        [(row.wave.id, row.wave.name, _CHANNELS.get(row.wave.channel, row.wave.channel),
          row.wave.template, row.wave.window_start, row.wave.window_end,
          STATE_TITLES.get(row.wave.status, row.wave.status), row.counts.members,
          row.counts.holdout, _counted(row.counts.attempts), _counted(row.counts.outcomes))
         for row in rows])


async def export_lawyer_queue(request: web.Request) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        rows = await lawyer_queue(session)
    return await xlsx_response(
        request, "lawyer-queue:export", "очередь юриста.xlsx", "Очередь юриста",
        ("Дело", "Лицевой счёт", "Адрес", "Причина", "Задача юриста", "Ждёт, дней", "Долг, ₽"),
        [(row.case_id, row.account_number, row.address, row.reason or row.stage, row.lawyer_task,
          row.age_days, row.current_debt) for row in rows])


async def export_case_contacts(request: web.Request) -> web.Response:
    case_id = case_id_of(request)
    async with request.app[SESSIONMAKER]() as session:
        if await session.get(Case, case_id) is None:
            raise web.HTTPNotFound(text=f"дела №{case_id} нет")
        attempts = list(await session.scalars(
            select(Attempt).where(Attempt.case_id == case_id).order_by(Attempt.id.desc())))
    return await xlsx_response(
        request, f"case:{case_id}:contacts", f"контакты по делу {case_id}.xlsx", "Контакты",
        ("Попытка", "Канал", "Адрес", "Статус", "Не раньше (UTC)", "Завершена (UTC)", "Исход",
         "Примечание"),
        [(a.id, _CHANNELS.get(a.channel, a.channel), a.address, a.status, a.not_before,
          a.finished_at, _OUTCOMES.get(a.outcome, a.outcome), a.note) for a in attempts])


async def export_accounts(request: web.Request) -> web.Response:
    """Every account (up to MAX_ROWS, by number) with its debt on the pages' ledger date."""
    as_of = request.app[TODAY]()
    async with request.app[SESSIONMAKER]() as session:
        accounts = (await session.execute(
            select(Account.id, Account.number, Building.street, Building.house, Account.premises)
            .join(Building).order_by(Account.number).limit(MAX_ROWS))).all()
        ledgers = {account_id: ledger async for account_id, ledger in iter_account_ledgers(
            session, as_of, account_ids=[row.id for row in accounts])}
    return await xlsx_response(
        request, "accounts:export", "лицевые счета.xlsx", "Лицевые счета",
        ("Лицевой счёт", "Адрес", f"Реальный долг на {as_of:%d.%m.%Y}, ₽", "Условный долг, ₽",
         "Дней просрочки"),
        [(row.number, f"{row.street}, д. {row.house}" + (f", кв. {row.premises}" if row.premises else ""),
          ledgers[row.id].real_debt, ledgers[row.id].conditional_debt,
          ledgers[row.id].max_days_overdue or None) for row in accounts])
