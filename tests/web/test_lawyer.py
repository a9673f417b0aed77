"""The lawyers' queue: a disputed case and a case with a lawyer task, with reason and age."""
from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from campaigns.cases.history import EventKind, record_event
from campaigns.outcomes import Intent, OutcomeKind, OutcomeReport, record_outcome
from models.entities import Attempt, Case
from models.user import Role
from tests.web.login import log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases


async def test_escalated_and_tasked_cases_wait_in_the_lawyers_queue(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await utility_with_cases(engine, tmp_path / "export")
    async with sessionmaker.begin() as session:
        attempt = Attempt(case_id=1, channel="call", address="+79101234567",
                          idempotency_key="lawyer-1", status="started")
        session.add(attempt)
        await session.flush()
        await record_outcome(session, attempt.id, OutcomeReport(
            kind=OutcomeKind.ANSWERED, intents=(Intent.DISPUTE,), identity_confirmed=True))
        case = await session.get(Case, 2)
        assert case is not None
        record_event(session, case, EventKind.LAWYER_TASK,
                     "заявление: не определён: адрес не найден в таблице судов", actor="legal")
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        assert (await client.get("/lawyer", allow_redirects=False)).status == 403
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        await log_in_as(client, engine, Role.LAWYER)
        html = await (await client.get("/lawyer")).text()
    assert "Очередь юриста <small>(2)</small>" in html
    assert 'href="/cases/1"' in html and 'href="/cases/2"' in html and 'href="/cases/3"' not in html
    assert "адрес не найден в таблице судов" in html
    assert 'href="/accounts/1001/pack.zip"' in html
    async with sessionmaker() as session:
        disputed = await session.get(Case, 1)
        assert disputed is not None and disputed.status == "escalated"
        assert disputed.status_reason in html
