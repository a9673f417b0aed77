"""Ledgers read from the database: every account in chunks, or one account.

Both paths run the same pure :func:`build_ledger`; this module only turns result tuples into input
rows. Accounts are read in keyset chunks ordered by id and each chunk's charges and payments are
fetched whole, so no cursor stays open while the caller works on a yielded ledger (it may use the
same session meanwhile) and memory stays bounded by ``chunk_size``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from contextlib import aclosing
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from models.account import Account
from models.billing import Charge, Payment
from models.building import Building
from models.ledger.account_ledger import DEFAULT_POLICY, AccountLedger, LedgerPolicy, build_ledger
from models.ledger.freezes import Freeze
from models.ledger.inputs import ChargeRow, PaymentRow

# Accounts per round trip. With ``account_ids`` each chunk's ids are bound parameters, so the
# chunk must stay below the drivers' limit of about 32 000 parameters.
DEFAULT_CHUNK_SIZE = 5_000

_account = Account.__table__
_building = Building.__table__
_charge = Charge.__table__
_payment = Payment.__table__

_ACCOUNTS = (
    select(_account.c.id, _building.c.due_day)
    .join_from(_account, _building, _account.c.building_id == _building.c.id)
    .order_by(_account.c.id)
)
_CHARGES = select(
    _charge.c.account_id, _charge.c.period, _charge.c.service, _charge.c.amount, _charge.c.id
)
_PAYMENTS = select(
    _payment.c.account_id,
    _payment.c.paid_on,
    _payment.c.amount,
    _payment.c.period,
    _payment.c.confirmed,
    _payment.c.external_id,
)


async def iter_account_ledgers(
    session: AsyncSession,
    as_of: date,
    *,
    account_ids: Iterable[int] | None = None,
    policy: LedgerPolicy = DEFAULT_POLICY,
    freezes: Mapping[int, Iterable[Freeze]] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> AsyncGenerator[tuple[int, AccountLedger], None]:
    """Yield ``(account_id, ledger)`` on ``as_of`` for every account (or those in ``account_ids``).

    Ordered by account id. ``freezes`` maps an account id to its freezes (kept by campaigns).
    Accounts without any rows are yielded too, with an empty ledger.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    conn = await session.connection()
    # Without a filter a chunk is every account in [first id, last id]: a range scan suffices.
    by_range = account_ids is None
    async for chunk in _account_chunks(conn, account_ids, chunk_size):
        charges = await _charges_by_account(
            conn, _in_chunk(_charge.c.account_id, chunk, by_range), as_of
        )
        payments = await _payments_by_account(
            conn, _in_chunk(_payment.c.account_id, chunk, by_range), as_of
        )
        for account_id, due_day in chunk:
            try:
                ledger = build_ledger(
                    charges.get(account_id, ()),
                    payments.get(account_id, ()),
                    as_of,
                    policy=policy,
                    due_day=due_day,
                    freezes=freezes.get(account_id, ()) if freezes is not None else (),
                )
            except ValueError as exc:
                exc.add_note(f"while building the ledger of account {account_id}")
                raise
            yield account_id, ledger


async def account_ledger_for(
    session: AsyncSession,
    account_id: int,
    as_of: date,
    *,
    policy: LedgerPolicy = DEFAULT_POLICY,
    freezes: Iterable[Freeze] = (),
) -> AccountLedger:
    """The ledger of one account on ``as_of``; LookupError if there is no such account."""
    ledgers = iter_account_ledgers(
        session, as_of, account_ids=(account_id,), policy=policy, freezes={account_id: freezes}
    )
    async with aclosing(ledgers):
        async for _, ledger in ledgers:
            return ledger
    raise LookupError(f"no account {account_id}")


Chunk = list[tuple[int, int | None]]  # (account id, building due day), by account id


async def _account_chunks(
    conn: AsyncConnection, account_ids: Iterable[int] | None, chunk_size: int
) -> AsyncIterator[Chunk]:
    if account_ids is None:
        last: int | None = None
        while True:
            stmt = _ACCOUNTS.limit(chunk_size)
            if last is not None:
                stmt = stmt.where(_account.c.id > last)
            chunk = [(row[0], row[1]) for row in await conn.execute(stmt)]
            if not chunk:
                return
            last = chunk[-1][0]
            yield chunk
    else:
        wanted = sorted(set(account_ids))
        for start in range(0, len(wanted), chunk_size):
            stmt = _ACCOUNTS.where(_account.c.id.in_(wanted[start : start + chunk_size]))
            chunk = [(row[0], row[1]) for row in await conn.execute(stmt)]
            if chunk:
                yield chunk


def _in_chunk(column: ColumnElement[int], chunk: Chunk, by_range: bool) -> ColumnElement[bool]:
    if by_range:
        return column.between(chunk[0][0], chunk[-1][0])
    return column.in_([account_id for account_id, _ in chunk])


async def _charges_by_account(
    conn: AsyncConnection, where: ColumnElement[bool], as_of: date
) -> dict[int, list[ChargeRow]]:
    grouped: dict[int, list[ChargeRow]] = {}
    result = await conn.execute(_CHARGES.where(where, _charge.c.period <= as_of))
    for account_id, period, service, amount, charge_id in result:
        rows = grouped.get(account_id)
        if rows is None:
            rows = grouped[account_id] = []
        rows.append(ChargeRow(period, service, amount, charge_id))
    return grouped


async def _payments_by_account(
    conn: AsyncConnection, where: ColumnElement[bool], as_of: date
) -> dict[int, list[PaymentRow]]:
    grouped: dict[int, list[PaymentRow]] = {}
    result = await conn.execute(_PAYMENTS.where(where, _payment.c.paid_on <= as_of))
    for account_id, paid_on, amount, period, confirmed, external_id in result:
        rows = grouped.get(account_id)
        if rows is None:
            rows = grouped[account_id] = []
        rows.append(PaymentRow(paid_on, amount, period, confirmed, external_id))
    return grouped
