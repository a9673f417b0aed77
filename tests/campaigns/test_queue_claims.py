from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import ClaimedAttempt, Verdict, claim, extend_lease, mark_started, recover_expired_leases
from models.outreach import Attempt
from tests.campaigns.builders import T0, attempt, debtor_case


async def _go(_session: AsyncSession, _attempt: ClaimedAttempt, _now: datetime) -> Verdict:
    return Verdict(go=True)


async def _statuses(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, tuple[str, str]]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(Attempt.idempotency_key, Attempt.status, Attempt.lease_owner))).all()
    return {key: (status, owner) for key, status, owner in rows}


async def _queue(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> None:
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "1001")
        for i in range(count):
            session.add(attempt(case, person, f"k{i}", not_before=T0 - timedelta(minutes=count - i)))


async def test_claim_takes_due_attempts_in_order_under_a_lease(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessionmaker, 3)
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "1002", phone="+79100000001")
        session.add(attempt(case, person, "later", not_before=T0 + timedelta(hours=1)))
        session.add(attempt(case, person, "sms", channel="sms"))
    first = await claim(sessionmaker, "w1", ["call"], _go, limit=2, now=T0)
    second = await claim(sessionmaker, "w2", ["call"], _go, limit=5, now=T0)
    assert [a.idempotency_key for a in first] == ["k0", "k1"]
    assert [a.idempotency_key for a in second] == ["k2"]
    assert first[0].lease_expires_at == T0 + timedelta(minutes=5)
    statuses = await _statuses(sessionmaker)
    assert statuses["k0"] == ("claimed", "w1") and statuses["k2"] == ("claimed", "w2")
    assert statuses["later"] == ("queued", "") and statuses["sms"] == ("queued", "")


async def test_check_postpones_or_cancels(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _queue(sessionmaker, 2)
    retry = T0 + timedelta(days=1)

    async def postpone_first_cancel_second(_s: AsyncSession, taken: ClaimedAttempt, _n: datetime) -> Verdict:
        if taken.idempotency_key == "k0":
            return Verdict(go=False, retry_at=retry, reason="лимит звонков в день исчерпан (1)")
        return Verdict(go=False, reason="долг погашен")

    assert await claim(sessionmaker, "w1", ["call"], postpone_first_cancel_second, limit=5, now=T0) == []
    async with sessionmaker() as session:
        rows = {a.idempotency_key: a for a in (await session.execute(select(Attempt))).scalars()}
    assert (rows["k0"].status, rows["k0"].not_before, rows["k0"].note) == (
        "queued", retry, "лимит звонков в день исчерпан (1)")
    assert (rows["k1"].status, rows["k1"].note, rows["k1"].lease_owner) == ("cancelled", "долг погашен", "")


async def test_only_the_lease_holder_starts(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _queue(sessionmaker, 1)
    (taken,) = await claim(sessionmaker, "w1", ["call"], _go, now=T0)
    async with sessionmaker() as session, session.begin():
        assert not await mark_started(session, taken.id, "w2", now=T0)
        assert await extend_lease(session, taken.id, "w1", now=T0 + timedelta(minutes=4))
        assert await mark_started(session, taken.id, "w1", now=T0)
        assert not await mark_started(session, taken.id, "w1", now=T0)
    async with sessionmaker() as session:
        row = (await session.execute(select(Attempt))).scalar_one()
    assert (row.status, row.started_at, row.lease_expires_at) == ("started", T0, T0 + timedelta(minutes=9))


async def test_expired_leases_requeue_unstarted_and_send_started_to_review(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(sessionmaker, 3)
    taken = await claim(sessionmaker, "dead", ["call"], _go, limit=3, now=T0)
    async with sessionmaker() as session, session.begin():
        assert await mark_started(session, taken[0].id, "dead", now=T0)
    async with sessionmaker() as session, session.begin():
        early = await recover_expired_leases(session, now=T0 + timedelta(minutes=4))
        late = await recover_expired_leases(session, now=T0 + timedelta(minutes=6))
    assert (early.requeued, early.to_review) == (0, 0)
    assert (late.requeued, late.to_review) == (2, 1)
    statuses = await _statuses(sessionmaker)
    assert statuses == {"k0": ("needs_review", "dead"), "k1": ("queued", ""), "k2": ("queued", "")}
