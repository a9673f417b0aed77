"""Putting attempts into the queue: one attempt per case, to its first reachable debtor.

Waves, the plan's steps in the daily run and the outcome rules' move to the next channel all
queue through :func:`queue_attempts`, so an attempt is built the same way whoever asks for it.
It is one INSERT … SELECT: a wave of a million cases never passes through Python.

Whom: a case's account may have several adult owners, each liable for the debt. They are ranked
by share (the largest first; ties by person, so the choice is the same on every engine) and the
first one reachable on the channel is contacted — a co-owner without a phone does not make the
case unreachable. A minor's share is owed by the parents, reached as owners of their own. Only
numbers and addresses still valid (the first listed) and channels not refused are used; a
courier goes to the premises, in the name of the first owner who has not refused couriers.

The contact budget, hours and the live paid-check are not checked here but when a worker claims
the attempt (campaigns.queue.precontact), because only then is it known what was sent meanwhile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Float,
    Interval,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from models.column_types import UtcDateTime
from models.entities import Account, Building, Case, ContactRefusal, Ownership, PersonEmail, PersonPhone
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class AttemptKind:
    """What every attempt of one batch does: the channel, the template, and who asked for it."""

    channel: Channel
    template: str
    step_code: str = ""
    wave_id: int | None = None


@dataclass(frozen=True)
class AttemptKey:
    """An attempt's idempotency key: ``prefix``, the case id, ``suffix``; the caller makes it
    unique to what it queues (``w7-c42`` for wave 7, case 42)."""

    prefix: str
    suffix: str = ""

    def sql(self, case_id: ColumnElement[int]) -> ColumnElement[str]:
        return literal(self.prefix) + cast(case_id, String) + literal(self.suffix)


@dataclass
class Queued:
    attempts: int = 0
    # Cases with no usable contact on the channel (no valid number or address, or refused).
    no_contact: int = 0
    # The cases that got an attempt, ascending; only if asked for.
    case_ids: list[int] = field(default_factory=list)


async def queue_attempts(
    session: AsyncSession,
    cases: Select[tuple[int]],
    kind: AttemptKind,
    *,
    key: AttemptKey,
    start: datetime,
    now: datetime,
    gap: timedelta = timedelta(0),
    first_slot: int = 0,
    with_case_ids: bool = False,
) -> Queued:
    """Queue one attempt per case in ``cases`` (a select of case ids) that has a contact.

    The n-th attempt queued in case order (counting from ``first_slot``) is due at
    ``start + n * gap``, which is how a wave keeps its pace; a zero gap makes them all due at
    ``start``.
    """
    candidates = cases.subquery()
    contacts = _first_contacts(candidates.c[0], kind.channel).subquery()
    slot = func.row_number().over(order_by=contacts.c.case_id) - 1 + first_slot
    rows = select(
        contacts.c.case_id, contacts.c.person_id, literal(kind.wave_id, BigInteger),
        literal(kind.channel.value), contacts.c.address, literal(kind.template),
        literal(kind.step_code), key.sql(contacts.c.case_id), literal(AttemptStatus.QUEUED.value),
        _paced(session.bind.dialect.name, start, gap, slot), literal(""), literal(""),
        literal({}, JSON), literal(""), literal(now, UtcDateTime()),
    ).where(contacts.c.pick == 1)
    statement = insert(Attempt.__table__).from_select(
        ["case_id", "person_id", "wave_id", "channel", "address", "template", "step_code",
         "idempotency_key", "status", "not_before", "lease_owner", "outcome", "outcome_data",
         "note", "created_at"], rows)
    # Counted first: the candidates usually exclude cases that already have the attempt.
    total = (await session.execute(select(func.count()).select_from(candidates))).scalar_one()
    queued = Queued()
    if with_case_ids:
        queued.case_ids = sorted((await session.execute(statement.returning(Attempt.case_id))).scalars())
        queued.attempts = len(queued.case_ids)
    else:
        queued.attempts = (await session.execute(statement)).rowcount
    queued.no_contact = total - queued.attempts
    return queued


def _first_contacts(case_id: ColumnElement[int], channel: Channel) -> Select[tuple[int, int, str, int]]:
    """Every usable (case, person, address) with ``pick`` 1 on the one to contact."""
    share = case((Ownership.share_denominator == 0, 0.0),
                 else_=cast(Ownership.share_numerator, Float) / Ownership.share_denominator)
    refused = exists().where(ContactRefusal.person_id == Ownership.person_id,
                             ContactRefusal.channel == channel.value)
    owners = (select().select_from(case_id.table)
              .join(Case, Case.id == case_id)
              .join(Ownership, and_(Ownership.account_id == Case.account_id,
                                    Ownership.is_minor.is_(False))))
    if channel in (Channel.CALL, Channel.SMS, Channel.EMAIL):
        book = PersonEmail if channel == Channel.EMAIL else PersonPhone
        address = PersonEmail.address if book is PersonEmail else PersonPhone.number
        owners = owners.join(book, and_(book.person_id == Ownership.person_id, book.valid.is_(True)))
        order = (share.desc(), Ownership.person_id, book.position, book.id)
    else:
        owners = (owners.join(Account, Account.id == Case.account_id)
                  .join(Building, Building.id == Account.building_id))
        address = Building.address + case((Account.premises != "", ", кв. " + Account.premises),
                                          else_="")
        order = (share.desc(), Ownership.person_id)
    return owners.add_columns(
        case_id.label("case_id"), Ownership.person_id.label("person_id"),
        address.label("address"),
        func.row_number().over(partition_by=case_id, order_by=order).label("pick"),
    ).where(~refused)


def _paced(dialect: str, start: datetime, gap: timedelta, slot: ColumnElement[int]) -> ColumnElement[datetime]:
    """``start + slot * gap`` as the engine stores an instant, in whole microseconds."""
    step = gap // _MICROSECOND
    if dialect == "postgresql":
        # Exact: bigint / numeric is numeric, and a double holds these seconds to the microsecond.
        seconds = (slot * step) / literal(1_000_000, Numeric())
        return literal(start, UtcDateTime()) + func.make_interval(0, 0, 0, 0, 0, 0, seconds,
                                                                 type_=Interval)
    # SQLite keeps instants as text, 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (SQLAlchemy's format).
    micros = literal((start - _EPOCH) // _MICROSECOND, BigInteger) + slot * step
    return (func.strftime("%Y-%m-%d %H:%M:%S", micros // 1_000_000, "unixepoch", type_=String)
            + "." + func.substr("000000" + cast(micros % 1_000_000, String), -6, type_=String))
