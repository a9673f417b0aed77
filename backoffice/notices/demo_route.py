"""The demo's courier gets a day's work: the building with the most notices waiting (else the most
active cases), and a notice of debt queued for each of its cases that has none waiting (through
the campaigns' attempt builder, as a plan would)."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.web.auth.users import assign_buildings
from campaigns.queue.enqueue import AttemptKey, AttemptKind, queue_attempts
from models.column_types import utc_now
from models.entities import Account, Attempt, Building, Case, User
from models.enums import AttemptStatus, CaseStatus, Channel

DEMO_NOTICE = AttemptKind(Channel.COURIER, "debt_notice", "courier-notice")
_KEY = AttemptKey("demo-courier-")
_WAITING = (AttemptStatus.QUEUED.value, AttemptStatus.CLAIMED.value)


async def give_demo_route(session: AsyncSession, login: str) -> tuple[str, int]:
    """(the building's code, notices queued); run again, it queues nothing twice."""
    courier = (await session.scalars(select(User).where(User.login == login))).one()
    waiting = and_(Attempt.case_id == Case.id, Attempt.channel == Channel.COURIER.value,
                   Attempt.status.in_(_WAITING))
    busiest = (await session.execute(
        select(Building.id, Building.code).join(Account, Account.building_id == Building.id)
        .join(Case, Case.account_id == Account.id)
        .outerjoin(Attempt, waiting)
        .where(Case.status == CaseStatus.ACTIVE.value)
        .group_by(Building.id, Building.code)
        .order_by(func.count(Attempt.id).desc(), func.count(func.distinct(Case.id)).desc(),
                  Building.code).limit(1))).first()
    if busiest is None:
        return "", 0
    assert await assign_buildings(session, courier, [busiest.code]) == []
    now = utc_now()
    covered = exists().where(Attempt.case_id == Case.id, or_(
        waiting, Attempt.idempotency_key == _KEY.sql(Case.id)))
    queued = await queue_attempts(
        session, select(Case.id).join(Account, Account.id == Case.account_id)
        .where(Account.building_id == busiest.id, Case.status == CaseStatus.ACTIVE.value,
               ~covered),
        DEMO_NOTICE, key=_KEY, start=now, now=now)
    return busiest.code, queued.attempts
