from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.queue.claims import claim, mark_started
from campaigns.queue.precontact import pre_contact_check
from campaigns.waves.control import change_state, finish_waves, wave_counts
from campaigns.waves.planning import WaveSpec, create_wave, in_holdout, materialise
from campaigns.waves.segment import Segment
from models.entities import Account, Attempt, Case, ContactRefusal, Ownership, Person, PersonPhone, Wave
from models.enums import Channel
from tests.campaigns.builders import T0, debtor_case

WINDOW = (T0, T0 + timedelta(hours=8))


async def _debtors(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> list[int]:
    """``count`` debtors owing 1 000, 2 000, … ₽, with their debt snapshot as of T0."""
    ids = []
    async with sessionmaker() as session, session.begin():
        for n in range(count):
            _, case = await debtor_case(session, f"{5000 + n}", phone=f"+7920{n:07d}",
                                        owes=Decimal(1000 * (n + 1)))
            case.current_debt, case.days_overdue, case.debt_as_of = Decimal(1000 * (n + 1)), 385, T0.date()
            ids.append(case.id)
    return ids


async def _wave(sessionmaker: async_sessionmaker[AsyncSession], segment: Segment, **options: object) -> int:
    async with sessionmaker() as session, session.begin():
        wave = await create_wave(session, WaveSpec(
            name="Март: звонки", channel=Channel.CALL, template="debt_call", segment=segment,
            window_start=WINDOW[0], window_end=WINDOW[1], **options))  # type: ignore[arg-type]
        await materialise(session, wave, now=T0)
        return wave.id


async def test_segment_holdout_and_pace(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    cases = await _debtors(sessionmaker, 40)
    wave_id = await _wave(sessionmaker, Segment(min_debt=Decimal("10000")), per_minute=30,
                          holdout_share=0.25)
    selected = cases[9:]  # 10 000 ₽ and more
    held_out = [c for c in selected if in_holdout(wave_id, c, 0.25)]
    assert 3 <= len(held_out) <= 13  # the hash spreads the control group over the segment
    async with sessionmaker() as session:
        counts = await wave_counts(session, wave_id)
        attempts = (await session.execute(
            select(Attempt.case_id, Attempt.not_before, Attempt.idempotency_key)
            .where(Attempt.wave_id == wave_id).order_by(Attempt.not_before))).all()
    assert (counts.members, counts.holdout) == (31, len(held_out))
    assert [a.case_id for a in attempts] == [c for c in selected if c not in held_out]
    # 30 a minute: one every two seconds from the window's start.
    assert [a.not_before for a in attempts[:3]] == [T0, T0 + timedelta(seconds=2), T0 + timedelta(seconds=4)]
    assert attempts[0].idempotency_key == f"w{wave_id}-c{attempts[0].case_id}"
    async with sessionmaker() as session, session.begin():
        again = await materialise(session, await session.get_one(Wave, wave_id), now=T0)
    assert (again.members, again.holdout, again.attempts) == (0, 0, 0)
    # A case that entered the segment meanwhile is added on the next run, paced after the rest.
    async with sessionmaker() as session, session.begin():
        _, late = await debtor_case(session, "6000", phone="+79209999999", owes=Decimal("20000"))
        late.current_debt, late.days_overdue, late.debt_as_of = Decimal("20000"), 385, T0.date()
        late_id = late.id
    async with sessionmaker() as session, session.begin():
        again = await materialise(session, await session.get_one(Wave, wave_id), now=T0)
        due = await session.scalar(select(Attempt.not_before).where(Attempt.case_id == late_id))
    late_held = in_holdout(wave_id, late_id, 0.25)
    assert (again.members, again.holdout, again.attempts) == (1, int(late_held), int(not late_held))
    if not late_held:
        assert due == T0 + timedelta(seconds=2) * len(attempts)


async def test_no_contact_for_refused_or_invalid_numbers(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    cases = await _debtors(sessionmaker, 3)
    async with sessionmaker() as session, session.begin():
        owners = (await session.execute(select(PersonPhone.person_id).order_by(PersonPhone.id))).scalars().all()
        session.add(ContactRefusal(person_id=owners[0], channel="call"))
        await session.execute(update(PersonPhone).where(PersonPhone.person_id == owners[1]).values(valid=False))
    wave_id = await _wave(sessionmaker, Segment())
    async with sessionmaker() as session:
        reached = (await session.execute(select(Attempt.case_id).where(Attempt.wave_id == wave_id))).scalars().all()
    assert reached == [cases[2]]


async def test_pause_resume_cancel_gate_the_queue(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _debtors(sessionmaker, 4)
    wave_id = await _wave(sessionmaker, Segment(), per_minute=600)
    later = T0 + timedelta(minutes=1)
    async with sessionmaker() as session, session.begin():
        await change_state(session, await session.get_one(Wave, wave_id), "pause")
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=4, now=later) == []
    async with sessionmaker() as session, session.begin():
        await change_state(session, await session.get_one(Wave, wave_id), "resume")
    (taken,) = await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=1, now=later)
    async with sessionmaker() as session, session.begin():
        await change_state(session, await session.get_one(Wave, wave_id), "cancel")
    async with sessionmaker() as session, session.begin():
        # Cancelled before it began: the worker holding the claim may not start the contact.
        assert not await mark_started(session, taken.id, "w", now=later)
        counts = await wave_counts(session, wave_id)
    assert counts.attempts == {"cancelled": 4}


async def test_window_and_concurrency_cap(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _debtors(sessionmaker, 5)
    wave_id = await _wave(sessionmaker, Segment(), per_minute=600, max_concurrent=2)
    assert await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=5,
                       now=T0 - timedelta(minutes=1)) == []
    taken = await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=5, now=T0 + timedelta(minutes=1))
    assert len(taken) == 2
    async with sessionmaker() as session, session.begin():
        assert await finish_waves(session, now=WINDOW[1]) == 1
    async with sessionmaker() as session:
        counts = await wave_counts(session, wave_id)
        status = (await session.execute(select(Wave.status))).scalar_one()
    assert status == "done"
    assert counts.attempts == {"claimed": 2, "cancelled": 3}


async def test_segment_filters(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    cases = await _debtors(sessionmaker, 6)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == cases[5]).values(stage="notice"))
        await session.execute(update(Case).where(Case.id == cases[4]).values(days_overdue=20))
    wave_id = await _wave(sessionmaker, Segment(max_debt=Decimal("5000"), min_days_overdue=30,
                                                stages=("robot",)))
    async with sessionmaker() as session:
        members = (await session.execute(select(Attempt.case_id).where(Attempt.wave_id == wave_id)
                                         .order_by(Attempt.case_id))).scalars().all()
    assert members == cases[:4]


async def test_a_co_owner_with_a_phone_is_called_when_the_larger_owner_has_none(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    (case_id,) = await _debtors(sessionmaker, 1)
    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        first = (await session.execute(select(Ownership).where(Ownership.account_id == case.account_id))).scalar_one()
        first.share_numerator, first.share_denominator = 1, 3
        phoneless = Person(code="P-no-phone", last_name="Петрова", first_name="Анна")
        minor = Person(code="P-minor", last_name="Петров", first_name="Илья")
        session.add_all([phoneless, minor])
        await session.flush()
        session.add_all([
            Ownership(account_id=case.account_id, person_id=phoneless.id, share_numerator=2, share_denominator=3),
            Ownership(account_id=case.account_id, person_id=minor.id, is_minor=True),
        ])
        session.add(PersonPhone(person_id=minor.id, number="+79990000000"))
    wave_id = await _wave(sessionmaker, Segment())
    async with sessionmaker() as session:
        (reached,) = (await session.execute(
            select(Attempt.person_id, Attempt.address).where(Attempt.wave_id == wave_id))).all()
    # The 2/3 owner ranks first but has no phone; the minor is never called.
    assert reached == (first.person_id, "+79200000000")


async def test_an_uneven_pace_is_kept_to_the_microsecond(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _debtors(sessionmaker, 4)
    wave_id = await _wave(sessionmaker, Segment(), per_minute=7)
    async with sessionmaker() as session:
        due = (await session.execute(select(Attempt.not_before).where(Attempt.wave_id == wave_id)
                                     .order_by(Attempt.case_id))).scalars().all()
    # 60 / 7 s is 8.571429 s to the microsecond; the n-th attempt is due n such gaps in.
    assert due == [T0 + timedelta(microseconds=8_571_429) * n for n in range(4)]
    # Claims compare these instants with their own: on SQLite, as text in the same format.
    taken = await claim(sessionmaker, "w", ["call"], pre_contact_check, limit=4,
                        now=T0 + timedelta(microseconds=8_571_429))
    assert len(taken) == 2


async def test_a_courier_goes_to_the_premises_for_the_first_owner_who_accepts_couriers(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    (case_id,) = await _debtors(sessionmaker, 1)
    async with sessionmaker() as session, session.begin():
        case = await session.get_one(Case, case_id)
        account = await session.get_one(Account, case.account_id)
        account.premises = "12"
        first = (await session.execute(select(Ownership).where(Ownership.account_id == account.id))).scalar_one()
        co_owner = Person(code="P-co", last_name="Иванова", first_name="Мария")
        session.add(co_owner)
        await session.flush()
        session.add_all([Ownership(account_id=account.id, person_id=co_owner.id, share_numerator=1,
                                   share_denominator=3),
                         ContactRefusal(person_id=first.person_id, channel="courier")])
    async with sessionmaker() as session, session.begin():
        wave = await create_wave(session, WaveSpec(
            name="Уведомления", channel=Channel.COURIER, template="debt_notice", segment=Segment(),
            window_start=WINDOW[0], window_end=WINDOW[1]))
        await materialise(session, wave, now=T0)
        (reached,) = (await session.execute(select(Attempt.person_id, Attempt.address))).all()
    # The full owner refused couriers; the notice names the co-owner (no phone needed).
    assert tuple(reached) == (co_owner.id, "Рязанская область, Рязань, ул. Ленина, д. 1, кв. 12")
