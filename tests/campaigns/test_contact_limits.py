"""The contact budget per debtor: counters per channel class, windows, refusals, reservations."""
from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.budget.limits import REFUSED, BudgetDecision, check_budget, lock_person
from campaigns.budget.settings import ChannelClass, ContactLimits, Period, contact_limits
from models.account import Account
from models.building import Building
from models.case import Case
from models.enums import AttemptStatus
from models.organisation import Creditor
from models.outreach import Attempt
from models.person import ContactRefusal, Person
from models.plan import WorkPlan

MOSCOW = "Europe/Moscow"
VLADIVOSTOK = "Asia/Vladivostok"
DEFAULTS = ContactLimits()
CALENDAR = ContactLimits(window="calendar")
_keys = itertools.count()

Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Debtor:
    person_id: int
    case_id: int


def msk(text: str, tz: str = MOSCOW) -> datetime:
    """Local wall-clock time in ``tz`` as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


async def new_debtor(session: AsyncSession, number: str) -> Debtor:
    creditor = Creditor(inn=f"62340000{number}", name="ООО «УК Тест»")
    session.add(creditor)
    await session.flush()
    building = Building(code=f"B{number}", creditor_id=creditor.id, region="Рязанская область",
                        city="Рязань", street="ул. Ленина", house=number)
    plan = WorkPlan(code=f"plan{number}", version=1, name="Тестовый план",
                    debtor_kind="individual", definition={})
    person = Person(code=f"P{number}", last_name="Иванов", first_name="Иван")
    session.add_all([building, plan, person])
    await session.flush()
    account = Account(number=f"LS{number}", building_id=building.id)
    session.add(account)
    await session.flush()
    case = Case(account_id=account.id, plan_id=plan.id, stage="robot",
                debt_at_open=Decimal("5000.00"))
    session.add(case)
    await session.flush()
    return Debtor(person.id, case.id)


@pytest.fixture
async def debtor(sessionmaker: Sessions) -> Debtor:
    async with sessionmaker() as session, session.begin():
        return await new_debtor(session, "01")


async def add_attempt(sessionmaker: Sessions, debtor: Debtor, channel: str,
                      started_at: datetime | None, status: AttemptStatus = AttemptStatus.DONE) -> int:
    async with sessionmaker() as session, session.begin():
        row = Attempt(case_id=debtor.case_id, person_id=debtor.person_id, channel=channel,
                      idempotency_key=f"budget-{next(_keys)}", status=status.value,
                      started_at=started_at)
        session.add(row)
        await session.flush()
        return row.id


async def contacts(sessionmaker: Sessions, debtor: Debtor, channel: str, *moments: str,
                   tz: str = MOSCOW) -> list[int]:
    """Finished contacts at these local times."""
    return [await add_attempt(sessionmaker, debtor, channel, msk(m, tz)) for m in moments]


async def check(sessionmaker: Sessions, debtor: Debtor, channel: str, moment: str, *,
                tz: str = MOSCOW, limits: ContactLimits | None = DEFAULTS,
                exclude: int | None = None) -> BudgetDecision:
    async with sessionmaker() as session:
        return await check_budget(session, debtor.person_id, channel, msk(moment, tz), tz,
                                  exclude_attempt_id=exclude, limits=limits)


def denied(reason: str, retry_at: datetime | None) -> BudgetDecision:
    return BudgetDecision(False, reason, retry_at)


ALLOWED = BudgetDecision(True)
CALL_DAY = "лимит звонков в день исчерпан (1)"
CALL_WEEK = "лимит звонков в неделю исчерпан (2)"
CALL_MONTH = "лимит звонков в месяц исчерпан (8)"

# Calendar notes for March 2026: Mon 02, Mon 09 is a rest day (8 March moved), Wed 11, Sat 14.


# --- calls ---------------------------------------------------------------------------------------

async def test_first_call_is_allowed(sessionmaker: Sessions, debtor: Debtor) -> None:
    assert await check(sessionmaker, debtor, "call", "2026-03-11 10:00") == ALLOWED


async def test_one_call_a_day(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-11 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 15:00") == denied(
        CALL_DAY, msk("2026-03-12 08:00"))
    assert await check(sessionmaker, debtor, "call", "2026-03-12 08:00") == ALLOWED


async def test_day_is_the_local_calendar_day_not_24_hours(sessionmaker: Sessions,
                                                          debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-11 21:50")
    assert await check(sessionmaker, debtor, "call", "2026-03-12 08:05") == ALLOWED


async def test_day_follows_the_debtors_zone_not_utc(sessionmaker: Sessions, debtor: Debtor) -> None:
    # 08:30 in Vladivostok is 22:30 UTC the day before; 15:00 is the same local day.
    await contacts(sessionmaker, debtor, "call", "2026-03-12 08:30", tz=VLADIVOSTOK)
    assert await check(sessionmaker, debtor, "call", "2026-03-12 15:00", tz=VLADIVOSTOK) == denied(
        CALL_DAY, msk("2026-03-13 08:00", VLADIVOSTOK))


async def test_two_calls_in_any_seven_days(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-02 10:00", "2026-03-04 10:00")
    # The Monday call leaves the window exactly 7 days later (a rest day, 09:00–20:00).
    assert await check(sessionmaker, debtor, "call", "2026-03-06 12:00") == denied(
        CALL_WEEK, msk("2026-03-09 10:00"))
    assert (await check(sessionmaker, debtor, "call", "2026-03-09 09:59")).allowed is False
    assert await check(sessionmaker, debtor, "call", "2026-03-09 10:00") == ALLOWED


async def test_rolling_week_spans_calendar_weeks(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-05 10:00", "2026-03-06 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-10 12:00") == denied(
        CALL_WEEK, msk("2026-03-12 10:00"))
    # Calendar weeks: Thursday and Friday were last week, Tuesday is a new one.
    assert await check(sessionmaker, debtor, "call", "2026-03-10 12:00", limits=CALENDAR) == ALLOWED


async def test_calendar_week_frees_on_monday(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-02 10:00", "2026-03-03 10:00")
    # Monday 09.03 is a rest day, so the freed week opens at 09:00, not 08:00.
    assert await check(sessionmaker, debtor, "call", "2026-03-07 12:00", limits=CALENDAR) == denied(
        CALL_WEEK, msk("2026-03-09 09:00"))


EIGHT_CALLS_IN_MARCH = ("2026-03-01 10:00", "2026-03-02 10:00", "2026-03-08 10:00",
                        "2026-03-09 10:00", "2026-03-15 10:00", "2026-03-16 10:00",
                        "2026-03-22 10:00", "2026-03-23 10:00")


async def test_eight_calls_a_month_rolling(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", *EIGHT_CALLS_IN_MARCH)
    # 30 days and an hour after the first call: a 30-day window would allow a 9th call in March.
    assert await check(sessionmaker, debtor, "call", "2026-03-31 11:00") == denied(
        CALL_MONTH, msk("2026-04-01 10:00"))
    assert await check(sessionmaker, debtor, "call", "2026-04-01 10:00") == ALLOWED


async def test_eight_calls_a_calendar_month(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", *EIGHT_CALLS_IN_MARCH)
    assert await check(sessionmaker, debtor, "call", "2026-03-31 11:00", limits=CALENDAR) == denied(
        CALL_MONTH, msk("2026-04-01 08:00"))
    assert await check(sessionmaker, debtor, "call", "2026-04-01 08:00", limits=CALENDAR) == ALLOWED


async def test_the_latest_release_is_reported(sessionmaker: Sessions, debtor: Debtor) -> None:
    # Day and week are both spent; the week frees later, so it is named.
    await contacts(sessionmaker, debtor, "call", "2026-03-02 10:00", "2026-03-04 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-04 15:00") == denied(
        CALL_WEEK, msk("2026-03-09 10:00"))


async def test_release_outside_hours_moves_to_the_next_window(sessionmaker: Sessions,
                                                             debtor: Debtor) -> None:
    # Frees at 21:30 on rest day 09.03 (closes 20:00): next window is Tuesday 08:00.
    await contacts(sessionmaker, debtor, "call", "2026-03-02 21:30", "2026-03-04 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-06 12:00") == denied(
        CALL_WEEK, msk("2026-03-10 08:00"))


async def test_other_debtors_contacts_do_not_count(sessionmaker: Sessions, debtor: Debtor) -> None:
    async with sessionmaker() as session, session.begin():
        other = await new_debtor(session, "02")
    await contacts(sessionmaker, other, "call", "2026-03-11 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 15:00") == ALLOWED


# --- messages ------------------------------------------------------------------------------------

async def test_two_messages_a_day_across_message_channels(sessionmaker: Sessions,
                                                          debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "sms", "2026-03-11 10:00")
    await contacts(sessionmaker, debtor, "email", "2026-03-11 11:00")
    expected = denied("лимит сообщений в день исчерпан (2)", msk("2026-03-12 08:00"))
    for channel in ("sms", "email", "voice_message"):
        assert await check(sessionmaker, debtor, channel, "2026-03-11 12:00") == expected
    # Calls are counted apart from messages.
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == ALLOWED


async def test_calls_do_not_spend_messages(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-11 10:00")
    assert await check(sessionmaker, debtor, "sms", "2026-03-11 12:00") == ALLOWED


async def test_four_messages_a_week(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "voice_message", "2026-03-02 10:00")
    await contacts(sessionmaker, debtor, "sms", "2026-03-03 10:00", "2026-03-04 10:00")
    await contacts(sessionmaker, debtor, "email", "2026-03-05 10:00")
    assert await check(sessionmaker, debtor, "sms", "2026-03-06 12:00") == denied(
        "лимит сообщений в неделю исчерпан (4)", msk("2026-03-09 10:00"))


async def test_sixteen_messages_a_month(sessionmaker: Sessions, debtor: Debtor) -> None:
    days = ("2026-03-01", "2026-03-02", "2026-03-08", "2026-03-09",
            "2026-03-15", "2026-03-16", "2026-03-22", "2026-03-23")
    await contacts(sessionmaker, debtor, "sms", *(f"{d} {t}" for d in days for t in ("10:00", "11:00")))
    assert await check(sessionmaker, debtor, "email", "2026-03-31 12:00") == denied(
        "лимит сообщений в месяц исчерпан (16)", msk("2026-04-01 10:00"))
    assert await check(sessionmaker, debtor, "email", "2026-03-31 12:00", limits=CALENDAR) == denied(
        "лимит сообщений в месяц исчерпан (16)", msk("2026-04-01 08:00"))


# --- courier -------------------------------------------------------------------------------------

async def test_one_visit_a_week(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "courier", "2026-03-02 12:00")
    assert await check(sessionmaker, debtor, "courier", "2026-03-05 12:00") == denied(
        "лимит личных встреч в неделю исчерпан (1)", msk("2026-03-09 12:00"))
    # No daily limit of its own, and calls and messages do not touch it.
    assert await check(sessionmaker, debtor, "call", "2026-03-02 15:00") == ALLOWED


async def test_four_visits_a_month(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "courier", "2026-03-02 12:00", "2026-03-09 12:00",
                   "2026-03-16 12:00", "2026-03-23 12:00")
    assert await check(sessionmaker, debtor, "courier", "2026-03-31 12:00") == denied(
        "лимит личных встреч в месяц исчерпан (4)", msk("2026-04-02 12:00"))


async def test_visits_follow_contact_hours(sessionmaker: Sessions, debtor: Debtor) -> None:
    assert await check(sessionmaker, debtor, "courier", "2026-03-14 08:30") == denied(
        "вне часов контакта: выходной или праздничный день, разрешено с 09:00 до 20:00 "
        "по местному времени", msk("2026-03-14 09:00"))


async def test_calls_do_not_spend_visits(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-02 10:00", "2026-03-04 10:00")
    assert await check(sessionmaker, debtor, "courier", "2026-03-05 12:00") == ALLOWED


# --- hours ---------------------------------------------------------------------------------------

async def test_hours_are_checked_first(sessionmaker: Sessions, debtor: Debtor) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(ContactRefusal(person_id=debtor.person_id, channel="call"))
    # Outside hours nothing is read: the refusal is seen at the next check, in hours.
    assert await check(sessionmaker, debtor, "call", "2026-03-11 22:00") == denied(
        "вне часов контакта: рабочий день, разрешено с 08:00 до 22:00 по местному времени",
        msk("2026-03-12 08:00"))


async def test_hours_in_the_debtors_zone(sessionmaker: Sessions, debtor: Debtor) -> None:
    # 2026-03-11 05:30 UTC: 07:30 in Kaliningrad, 17:30 in Kamchatka.
    at = datetime(2026, 3, 11, 5, 30, tzinfo=timezone.utc)
    async with sessionmaker() as session:
        early = await check_budget(session, debtor.person_id, "sms", at, "Europe/Kaliningrad",
                                   limits=DEFAULTS)
        fine = await check_budget(session, debtor.person_id, "sms", at, "Asia/Kamchatka",
                                  limits=DEFAULTS)
    assert early.retry_at == datetime(2026, 3, 11, 6, 0, tzinfo=timezone.utc)
    assert fine == ALLOWED


async def test_holiday_hours(sessionmaker: Sessions, debtor: Debtor) -> None:
    decision = await check(sessionmaker, debtor, "call", "2026-01-05 08:30")
    assert decision == denied("вне часов контакта: выходной или праздничный день, разрешено "
                              "с 09:00 до 20:00 по местному времени", msk("2026-01-05 09:00"))


# --- refusals ------------------------------------------------------------------------------------

async def refuse(sessionmaker: Sessions, debtor: Debtor, channel: str) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(ContactRefusal(person_id=debtor.person_id, channel=channel,
                                   source="звонок 11.03.2026"))


async def test_refused_channel_is_never_allowed(sessionmaker: Sessions, debtor: Debtor) -> None:
    await refuse(sessionmaker, debtor, "sms")
    assert await check(sessionmaker, debtor, "sms", "2026-03-11 12:00") == denied(REFUSED, None)
    # Only that channel: email is in the same class but was not refused.
    assert await check(sessionmaker, debtor, "email", "2026-03-11 12:00") == ALLOWED


async def test_refusing_calls_refuses_voicemails(sessionmaker: Sessions, debtor: Debtor) -> None:
    await refuse(sessionmaker, debtor, "call")
    assert await check(sessionmaker, debtor, "voice_message", "2026-03-11 12:00") == denied(
        REFUSED, None)


async def test_refusing_voicemails_leaves_calls(sessionmaker: Sessions, debtor: Debtor) -> None:
    await refuse(sessionmaker, debtor, "voice_message")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == ALLOWED


async def test_refusal_wins_over_a_spent_counter(sessionmaker: Sessions, debtor: Debtor) -> None:
    await contacts(sessionmaker, debtor, "call", "2026-03-11 10:00")
    await refuse(sessionmaker, debtor, "call")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == denied(REFUSED, None)


async def test_another_persons_refusal_does_not_apply(sessionmaker: Sessions,
                                                      debtor: Debtor) -> None:
    async with sessionmaker() as session, session.begin():
        other = await new_debtor(session, "02")
    await refuse(sessionmaker, other, "call")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == ALLOWED


# --- what counts ---------------------------------------------------------------------------------

async def test_claimed_attempt_reserves_budget(sessionmaker: Sessions, debtor: Debtor) -> None:
    claimed = await add_attempt(sessionmaker, debtor, "call", None, AttemptStatus.CLAIMED)
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == denied(
        CALL_DAY, msk("2026-03-12 08:00"))
    # The claimer checks its own attempt: it must not count against itself.
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00", exclude=claimed) == ALLOWED


async def test_reservation_counts_now_in_rolling_windows(sessionmaker: Sessions,
                                                         debtor: Debtor) -> None:
    # One finished call and one reservation spend the week; the reservation frees 7 days on.
    await contacts(sessionmaker, debtor, "call", "2026-03-10 10:00")
    await add_attempt(sessionmaker, debtor, "call", None, AttemptStatus.CLAIMED)
    assert await check(sessionmaker, debtor, "call", "2026-03-12 12:00") == denied(
        CALL_WEEK, msk("2026-03-17 10:00"))


async def test_exclude_attempt_id_skips_a_started_one(sessionmaker: Sessions,
                                                      debtor: Debtor) -> None:
    [started] = await contacts(sessionmaker, debtor, "call", "2026-03-11 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00", exclude=started) == ALLOWED


@pytest.mark.parametrize("status", [AttemptStatus.QUEUED, AttemptStatus.CANCELLED,
                                    AttemptStatus.DONE])
async def test_never_started_attempts_do_not_count(sessionmaker: Sessions, debtor: Debtor,
                                                   status: AttemptStatus) -> None:
    await add_attempt(sessionmaker, debtor, "call", None, status)
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == ALLOWED


@pytest.mark.parametrize("status", [AttemptStatus.STARTED, AttemptStatus.NEEDS_REVIEW,
                                    AttemptStatus.CANCELLED, AttemptStatus.CLAIMED])
async def test_every_started_attempt_counts(sessionmaker: Sessions, debtor: Debtor,
                                            status: AttemptStatus) -> None:
    await add_attempt(sessionmaker, debtor, "call", msk("2026-03-11 10:00"), status)
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00") == denied(
        CALL_DAY, msk("2026-03-12 08:00"))


async def test_unknown_channel_is_an_error(sessionmaker: Sessions, debtor: Debtor) -> None:
    with pytest.raises(ValueError, match="telegram"):
        await check(sessionmaker, debtor, "telegram", "2026-03-11 12:00")


# --- settings ------------------------------------------------------------------------------------

def test_defaults_are_the_statutory_limits() -> None:
    assert DEFAULTS.caps(ChannelClass.CALLS) == {Period.DAY: 1, Period.WEEK: 2, Period.MONTH: 8}
    assert DEFAULTS.caps(ChannelClass.MESSAGES) == {Period.DAY: 2, Period.WEEK: 4,
                                                     Period.MONTH: 16}
    assert DEFAULTS.caps(ChannelClass.MEETINGS) == {Period.WEEK: 1, Period.MONTH: 4}
    assert (DEFAULTS.working_day_hours, DEFAULTS.day_off_hours) == ((8, 22), (9, 20))
    assert DEFAULTS.window == "rolling"


def test_settings_from_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "vozvrat.toml"
    config.write_text('[contact_limits]\ncalls_per_week = 1\nwindow = "calendar"\n'
                      "day_off_hours = [10, 19]\n")
    monkeypatch.setenv("VOZVRAT_CONFIG", str(config))
    monkeypatch.setenv("VOZVRAT_CONTACT_LIMITS_WORKING_DAY_HOURS", "9,21")
    monkeypatch.setenv("VOZVRAT_CONTACT_LIMITS_MESSAGES_PER_DAY", "1")
    limits = contact_limits()
    assert (limits.calls_per_week, limits.window, limits.messages_per_day) == (1, "calendar", 1)
    assert (limits.working_day_hours, limits.day_off_hours) == ((9, 21), (10, 19))


@pytest.mark.parametrize("hours", [(22, 8), (8, 8), (-1, 20), (9, 25)])
def test_hours_must_make_a_window(hours: tuple[int, int]) -> None:
    with pytest.raises(ValidationError):
        ContactLimits(working_day_hours=hours)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        ContactLimits(calls_per_day=0)


async def test_check_reads_settings_when_not_given(sessionmaker: Sessions, debtor: Debtor,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOZVRAT_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("VOZVRAT_CONTACT_LIMITS_CALLS_PER_DAY", "2")
    await contacts(sessionmaker, debtor, "call", "2026-03-11 10:00")
    assert await check(sessionmaker, debtor, "call", "2026-03-11 12:00", limits=None) == ALLOWED


# --- many workers --------------------------------------------------------------------------------

async def test_lock_person_on_sqlite_is_a_no_op(sessionmaker: Sessions, debtor: Debtor,
                                                db_kind: str) -> None:
    if db_kind != "sqlite":
        pytest.skip("SQLite only")
    async with sessionmaker() as first, first.begin(), sessionmaker() as second:
        await lock_person(first, debtor.person_id)
        await asyncio.wait_for(lock_person(second, debtor.person_id), timeout=1)


async def test_lock_person_blocks_a_second_worker(sessionmaker: Sessions, debtor: Debtor,
                                                  db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has a single writer")
    async with sessionmaker() as first, sessionmaker() as second:
        async with first.begin():
            await lock_person(first, debtor.person_id)
            waiting = asyncio.create_task(lock_person(second, debtor.person_id))
            await asyncio.sleep(0.3)
            assert not waiting.done()
        await asyncio.wait_for(waiting, timeout=5)
        await second.rollback()


async def test_two_workers_cannot_both_spend_the_last_call(sessionmaker: Sessions, debtor: Debtor,
                                                           db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    ids = [await add_attempt(sessionmaker, debtor, "call", None, AttemptStatus.QUEUED)
           for _ in range(2)]
    both_claimed = asyncio.Barrier(2)
    at = msk("2026-03-11 12:00")

    async def worker(attempt_id: int) -> bool:
        async with sessionmaker() as session, session.begin():
            await session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
                status=AttemptStatus.CLAIMED.value, lease_expires_at=at + timedelta(minutes=5)))
            # Neither claim is committed yet, so neither worker can see the other's.
            await both_claimed.wait()
            await lock_person(session, debtor.person_id)
            decision = await check_budget(session, debtor.person_id, "call", at, MOSCOW,
                                          exclude_attempt_id=attempt_id, limits=DEFAULTS)
            # Hold the lock a while, so the other worker really waits behind it.
            await asyncio.sleep(0.2)
            if not decision.allowed:
                await session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
                    status=AttemptStatus.QUEUED.value, not_before=decision.retry_at))
            return decision.allowed

    results = await asyncio.gather(*(worker(i) for i in ids))
    assert sorted(results) == [False, True]
