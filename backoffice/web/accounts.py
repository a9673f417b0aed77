"""The account list with each account's debt, and one account's ledger card."""
from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import func, select

from backoffice.web.auth.audit import audit
from backoffice.web.keys import SESSIONMAKER, TODAY
from models.entities import Account, Building, Ownership, Person
from models.ledger.bulk import account_ledger_for, iter_account_ledgers

PAGE_SIZE = 50


@aiohttp_jinja2.template("accounts.html")
async def list_accounts(request: web.Request) -> dict[str, Any]:
    try:
        page = max(int(request.query.get("page", "1")), 1)
    except ValueError:
        raise web.HTTPBadRequest(text="номер страницы должен быть числом") from None
    as_of = request.app[TODAY]()
    async with request.app[SESSIONMAKER]() as session:
        total = (await session.execute(select(func.count()).select_from(Account))).scalar_one()
        rows = (await session.execute(
            select(Account, Building).join(Building).order_by(Account.number)
            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))).all()
        ids = [account.id for account, _ in rows]
        ledgers = {account_id: ledger
                   async for account_id, ledger in iter_account_ledgers(session, as_of, account_ids=ids)}
    return {
        "rows": [(account, building, ledgers.get(account.id)) for account, building in rows],
        "page": page,
        "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        "total": total,
        "as_of": as_of,
    }


@aiohttp_jinja2.template("account.html")
async def show_account(request: web.Request) -> dict[str, Any]:
    number = request.match_info["number"]
    await audit(request, f"account:{number}")
    as_of = request.app[TODAY]()
    async with request.app[SESSIONMAKER]() as session:
        found = (await session.execute(
            select(Account, Building).join(Building).where(Account.number == number))).first()
        if found is None:
            raise web.HTTPNotFound(text=f"лицевой счёт {number} не найден")
        account, building = found
        owners = (await session.execute(
            select(Ownership, Person).join(Person).where(Ownership.account_id == account.id)
            .order_by(Person.last_name, Person.first_name))).all()
        ledger = await account_ledger_for(session, account.id, as_of)
    return {"account": account, "building": building, "owners": owners, "ledger": ledger,
            "as_of": as_of}
