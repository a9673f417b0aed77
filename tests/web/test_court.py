"""Court events recorded by a lawyer on the case card and through the API: the filing changes,
the history says who and when, and the case moves through the plan's court stages."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.auth.access import CSRF_HEADER
from models.entities import AuditEntry, Case, CaseEvent, CourtFiling
from models.user import Role
from tests.web.login import client_as, csrf_of
from tests.web.world import CASES_AS_OF, utility_with_cases


@pytest.fixture
async def lawyer(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    async with client_as(engine, Role.LAWYER, CASES_AS_OF) as client:
        yield client


async def _form(client: TestClient, case_id: int, **fields: str) -> Any:
    token = await csrf_of(client, f"/cases/{case_id}")
    return await client.post(f"/cases/{case_id}/court-events", data={"_csrf": token, **fields},
                             allow_redirects=False)


async def _api(client: TestClient, case_id: int, **body: str) -> Any:
    token = await csrf_of(client, "/")
    return await client.post(f"/api/cases/{case_id}/court-events", json=body,
                             headers={CSRF_HEADER: token})


async def _case(sessionmaker: async_sessionmaker[AsyncSession], case_id: int) -> Case:
    async with sessionmaker() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case


async def _court_events(sessionmaker: async_sessionmaker[AsyncSession], case_id: int) -> list[CaseEvent]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "court").order_by(CaseEvent.id)))


async def test_a_lawyer_takes_a_case_from_filing_to_enforcement(
    lawyer: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert (await _case(sessionmaker, 1)).stage == "soft"
    filed = await _form(lawyer, 1, kind="filed", on="2026-04-20", claim="court_order",
                        court="62MS0002", case_number="2-101/2026")
    assert filed.status == 302 and filed.headers["Location"] == "/cases/1?court=recorded#court"
    case = await _case(sessionmaker, 1)
    assert (case.stage, case.status, case.status_reason) == ("court", "escalated",
                                                              "в суде: ждём приказ")
    async with sessionmaker() as session:
        filing = (await session.scalars(select(CourtFiling))).one()
        stage_events = list(await session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == 1, CaseEvent.kind == "stage_changed")))
    assert (filing.kind, filing.court_code, filing.case_number) == ("court_order", "62MS0002",
                                                                    "2-101/2026")
    assert filing.amount > 0 and filing.first_period <= filing.last_period
    assert [(e.actor, e.data["to"]) for e in stage_events] == [("lawyer-test", "court")]

    assert (await _form(lawyer, 1, kind="order_issued", on="2026-05-05",
                        order_number="2-101/2026-П")).status == 302
    late = await _api(lawyer, 1, kind="objection", on="2026-05-22", served_on="2026-05-06")
    timely = await _api(lawyer, 1, kind="objection", on="2026-05-21", served_on="2026-05-06")
    assert late.status == timely.status == 201
    # Ten working days from 06.05.2026: 11.05 is the day off for 9 May, so the term ends 21.05.
    assert "до 21.05.2026" in (await late.json())["message"]
    assert "с пропуском срока" in (await late.json())["message"]
    assert "в срок: суд отменит приказ" in (await timely.json())["message"]

    cancelled = await _api(lawyer, 1, kind="cancelled", on="2026-05-28")
    body = await cancelled.json()
    assert (body["stage"], body["status_reason"]) == ("court", "приказ отменён: готовим исковое заявление")

    before_cancel = await _api(lawyer, 1, kind="filed", on="2026-05-27", claim="lawsuit",
                               court="62RS0001")
    assert before_cancel.status == 422 and "раньше отмены приказа" in (await before_cancel.json())["error"]
    assert (await _api(lawyer, 1, kind="filed", on="2026-06-01", claim="lawsuit",
                       court="62RS0001")).status == 201
    assert (await _api(lawyer, 1, kind="order_issued", on="2026-06-05",
                       order_number="2-555/2026")).status == 201
    sent = await _api(lawyer, 1, kind="enforcement_sent", on="2026-06-10", recipient="bank",
                      recipient_name="ПАО «Банк»")
    assert sent.status == 201 and (await sent.json())["stage"] == "enforcement"

    events = await _court_events(sessionmaker, 1)
    assert [e.data["court_event"] for e in events] == [
        "filed", "order_issued", "objection", "objection", "cancelled", "filed", "order_issued",
        "enforcement_sent"]
    assert {e.actor for e in events} == {"lawyer-test"}
    async with sessionmaker() as session:
        moves = [(e.data["from"], e.data["to"]) for e in await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == 1, CaseEvent.kind == "stage_changed")
            .order_by(CaseEvent.id))]
        filings = list(await session.scalars(select(CourtFiling).order_by(CourtFiling.id)))
        audited = list(await session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("court_%"))))
    # The cancelled order starts the court stage over: the lawsuit track, with a fresh clock.
    assert moves == [("soft", "court"), ("court", "court"), ("court", "enforcement")]
    assert [(f.kind, f.cancelled_on is not None) for f in filings] == [
        ("court_order", True), ("lawsuit", False)]
    assert audited.count("court_filed") == 2 and "court_enforcement_sent" in audited
    html = await (await lawyer.get("/cases/1")).text()
    assert "Направлено на исполнение: № 2-555/2026 в банк должника (ПАО «Банк»)" in html
    assert "Исполнительное производство" in html


async def test_events_out_of_order_or_malformed_are_refused_and_leave_nothing(
    lawyer: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    refused = await _api(lawyer, 2, kind="enforcement_sent", on="2026-06-10")
    assert refused.status == 422
    assert "нет поданного заявления" in (await refused.json())["error"]
    future = await _api(lawyer, 2, kind="filed", on="2026-07-01", court="62MS0002")
    assert future.status == 422 and "ещё не наступила" in (await future.json())["error"]
    no_court = await _form(lawyer, 2, kind="filed", on="2026-04-20")
    assert no_court.status == 422 and "Укажите суд" in await no_court.text()
    bad_date = await _form(lawyer, 2, kind="filed", on="20 апреля", court="62MS0002")
    assert bad_date.status == 422 and "«Дата»" in await bad_date.text()
    assert (await _api(lawyer, 2, kind="filed", on="2026-04-20", court="62MS0002")).status == 201
    again = await _api(lawyer, 2, kind="filed", on="2026-04-21", court="62MS0002")
    assert again.status == 422 and "уже подано" in (await again.json())["error"]
    early = await _api(lawyer, 2, kind="order_issued", on="2026-04-01", order_number="1")
    assert early.status == 422 and "раньше подачи" in (await early.json())["error"]
    assert [e.data["court_event"] for e in await _court_events(sessionmaker, 2)] == ["filed"]
    assert (await _api(lawyer, 404, kind="filed", on="2026-04-20", court="X")).status == 404


async def test_only_lawyers_record_court_events_and_only_with_the_csrf_token(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await utility_with_cases(engine, tmp_path / "export")
    async with client_as(engine, Role.MANAGER, CASES_AS_OF) as client:
        page = await (await client.get("/cases/1")).text()
        assert 'id="court-event"' not in page
        assert (await _api(client, 1, kind="filed", on="2026-04-20", court="X")).status == 403
    async with client_as(engine, Role.LAWYER, CASES_AS_OF) as client:
        assert 'id="court-event"' in await (await client.get("/cases/1")).text()
        forged = await client.post("/cases/1/court-events", data={
            "kind": "filed", "on": "2026-04-20", "court": "X"}, allow_redirects=False)
        assert forged.status == 403
    assert await _court_events(sessionmaker, 1) == []
