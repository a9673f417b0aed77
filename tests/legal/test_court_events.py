"""Court events on the campaign side: what a stopped, a closed case or a plan without the stage
does with them, and the objection term when the calendar does not cover the year."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.legal.court_events import CourtEventError, CourtEventRequest, record_court_event
from backoffice.legal.penalty import PenaltyPolicy
from backoffice.web.cases.card import stop_case
from campaigns.cases.advance import advance_stages
from campaigns.plans.loader import plan_definition
from models.entities import Case, CaseEvent, CourtFiling, WorkPlan
from models.reference.production_calendar import ProductionCalendar, load_calendar
from tests.campaigns.builders import debtor_case

Sessions = async_sessionmaker[AsyncSession]
TODAY = date(2026, 6, 15)


async def _event(session: AsyncSession, case: Case, calendar: ProductionCalendar | None = None,
                 **fields: str) -> CaseEvent:
    return await record_court_event(session, case, CourtEventRequest.model_validate(fields),
                                    "lawyer1", today=TODAY, policy=PenaltyPolicy(),
                                    calendar=calendar)


async def _counts(sessionmaker: Sessions) -> tuple[int, int]:
    async with sessionmaker() as session:
        return (await session.scalar(select(func.count()).select_from(CourtFiling)) or 0,
                await session.scalar(select(func.count()).select_from(CaseEvent)) or 0)


async def test_a_stopped_case_moves_to_court_but_stays_stopped(sessionmaker: Sessions) -> None:
    async with sessionmaker.begin() as session:
        _, case = await debtor_case(session, "8001")
        await stop_case(session, case, "manager1")
        await _event(session, case, kind="filed", on="2026-06-01", court="62MS0002")
    async with sessionmaker() as session:
        case = await session.get_one(Case, case.id)
        filing = (await session.scalars(select(CourtFiling))).one()
    assert (case.stage, case.status, case.status_reason) == ("court", "suspended",
                                                              "ОСТАНОВЛЕНО МЕНЕДЖЕРОМ")
    assert (filing.first_period, filing.last_period) == (date(2025, 1, 1), date(2025, 1, 1))


async def test_a_closed_case_or_a_plan_without_the_stage_refuses_and_writes_nothing(
    sessionmaker: Sessions,
) -> None:
    async with sessionmaker.begin() as session:
        _, closed = await debtor_case(session, "8001")
        closed.status = "closed"
        _, other = await debtor_case(session, "8002")
        plan = await session.get_one(WorkPlan, other.plan_id)
        data = plan_definition(plan).model_dump(mode="json")
        data.update(code="short", master=False,
                    stages=[stage for stage in data["stages"] if stage["code"] != "enforcement"])
        data["stages"][-1]["advance"] = None
        short = WorkPlan(code="short", version=1, name="Без исполнения", debtor_kind="individual",
                         is_master=False, definition=data)
        session.add(short)
        await session.flush()
        other.plan_id = short.id
    before = await _counts(sessionmaker)
    async with sessionmaker() as session:
        with pytest.raises(CourtEventError, match="Дело закрыто"):
            await _event(session, await session.get_one(Case, closed.id), kind="filed",
                         on="2026-06-01", court="62MS0002")
    async with sessionmaker() as session:
        case = await session.get_one(Case, other.id)
        await _event(session, case, kind="filed", on="2026-05-01", court="62MS0002")
        await _event(session, case, kind="order_issued", on="2026-05-05", order_number="2-1/2026")
        with pytest.raises(CourtEventError, match="нет этапа «enforcement»"):
            await _event(session, case, kind="enforcement_sent", on="2026-06-01")
        await session.rollback()
    assert await _counts(sessionmaker) == before


async def test_the_objection_term_needs_the_year_in_the_calendar(
    sessionmaker: Sessions, tmp_path: Path
) -> None:
    only_2025 = tmp_path / "calendar.csv"
    only_2025.write_text("date,kind,note\n2025-01-01,holiday,Новый год\n", encoding="utf-8")
    async with sessionmaker() as session:
        _, case = await debtor_case(session, "8001")
        await _event(session, case, kind="filed", on="2026-05-01", court="62MS0002")
        await _event(session, case, kind="order_issued", on="2026-05-05", order_number="2-1/2026")
        with pytest.raises(CourtEventError, match="Даты не сходятся"):
            await _event(session, case, kind="objection", on="2026-05-10", served_on="2026-05-04")
        with pytest.raises(CourtEventError, match="нет 2026 года"):
            await _event(session, case, kind="objection", on="2026-05-10", served_on="2026-05-06",
                         calendar=load_calendar(only_2025))
        objection = await _event(session, case, kind="objection", on="2026-05-10",
                                 served_on="2026-05-06")
        filing = await session.get_one(CourtFiling, objection.data["filing_id"])
    assert objection.data["deadline"] == "2026-05-21" and objection.data["timely"] is True
    # The enforcement documents read the objection from the filing: an order objected to in time
    # is not enforced.
    assert (filing.copy_received_on, filing.objection_on) == (date(2026, 5, 6), date(2026, 5, 10))


async def test_the_plans_clock_does_not_move_a_case_whose_account_is_in_court(
    sessionmaker: Sessions,
) -> None:
    async with sessionmaker.begin() as session:
        _, filed = await debtor_case(session, "8001")
        await _event(session, filed, kind="filed", on="2026-05-01", court="62MS0002")
        _, untouched = await debtor_case(session, "8002")
        untouched.stage, untouched.status = "court", "escalated"
        untouched.stage_entered_at = filed.stage_entered_at
    later = datetime.now(timezone.utc) + timedelta(days=90)
    async with sessionmaker() as session:
        # Without a recorded filing the plan still moves the case on after the court stage's days.
        assert await advance_stages(session, later.date(), later) == 1
    async with sessionmaker() as session:
        stages = {c.id: c.stage for c in await session.scalars(select(Case))}
    assert stages == {filed.id: "court", untouched.id: "enforcement"}
