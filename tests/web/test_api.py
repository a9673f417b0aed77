"""The REST API with a bearer token and with a session, against the real app and database."""
from __future__ import annotations

import io
from datetime import date, timedelta
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.auth.users import issue_token, save_user
from models.entities import Attempt, AuditEntry, Case, CaseEvent, User
from models.user import Role
from tests.imports.files import write_utility
from tests.web.login import csrf_of, log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases


async def _token(sessionmaker: async_sessionmaker[AsyncSession], login: str, role: Role) -> dict[str, str]:
    async with sessionmaker.begin() as session:
        user = await save_user(session, login, role, "пароль-для-api")
        return {"Authorization": f"Bearer {await issue_token(session, user)}"}


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        yield client


async def test_reading_cases_accounts_plans_with_a_token(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await _token(sessionmaker, "billing", Role.MANAGER)
    assert (await client.get("/api/cases")).status == 401
    assert (await client.get("/api/cases", headers={"Authorization": "Bearer nope"})).status == 401
    cases = await (await client.get("/api/cases?limit=2", headers=auth)).json()
    assert [c["id"] for c in cases["items"]] == [3, 2] and cases["next_before"] == 2
    assert cases["items"][0]["current_debt"] == "12000.00"
    rest = await (await client.get("/api/cases?limit=2&before=2", headers=auth)).json()
    assert [c["id"] for c in rest["items"]] == [1] and rest["next_before"] is None
    bad = await client.get("/api/cases?min_debt=x", headers=auth)
    assert bad.status == 400 and (await bad.json())["error"] == "параметры запроса неверны"
    case = await (await client.get("/api/cases/1", headers=auth)).json()
    assert case["account_number"] == "1001" and case["ledger"]["real_debt"] == "2400.00"
    assert case["debtors"] and case["events"][0]["kind"] == "opened"
    assert (await client.get("/api/cases/99", headers=auth)).status == 404
    accounts = await (await client.get("/api/accounts?limit=3", headers=auth)).json()
    assert [a["number"] for a in accounts["items"]] == ["1001", "1002", "2001"]
    account = await (await client.get("/api/accounts/1001", headers=auth)).json()
    assert account["ledger"]["real_debt"] == "2400.00" and len(account["lines"]) >= 2
    plans = await (await client.get("/api/plans", headers=auth)).json()
    assert plans["items"] and plans["items"][0]["stages"][0]["code"] == "soft"
    async with sessionmaker() as session:
        audited = list(await session.scalars(select(AuditEntry.subject).order_by(AuditEntry.id)))
    assert audited == ["case:1", "case:99", "account:1001"]


async def test_waves_through_the_api_and_roles(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    manager = await _token(sessionmaker, "planner", Role.MANAGER)
    lawyer = await _token(sessionmaker, "lawyer1", Role.LAWYER)
    body = {"name": "API-волна", "channel": "sms", "template": "reminder",
            "segment": {"min_debt": "1000", "stages": ["soft"]},
            "window_start": "2026-06-16T09:00:00Z", "window_end": "2026-06-16T17:00:00Z",
            "holdout_share": 0.2}
    assert (await client.post("/api/waves", json=body, headers=lawyer)).status == 403
    created = await client.post("/api/waves", json=body, headers=manager)
    assert created.status == 201
    wave = await created.json()
    assert wave["status"] == "scheduled" and wave["created_by"] == "planner"
    paused = await client.post(f"/api/waves/{wave['id']}/pause", headers=manager)
    assert (await paused.json())["status"] == "paused"
    again = await client.post(f"/api/waves/{wave['id']}/pause", headers=manager)
    assert again.status == 409
    listed = await (await client.get("/api/waves", headers=manager)).json()
    assert listed["items"][0]["counts"] == {"members": 0, "holdout": 0, "attempts": {}, "outcomes": {}}
    bad = await client.post("/api/waves", json={**body, "window_end": "2026-06-16T08:00:00Z"},
                            headers=manager)
    assert bad.status == 422 and "окно волны" in (await bad.json())["error"]
    assert (await client.post("/api/waves", data="{", headers=manager)).status == 400


async def test_an_outcome_goes_through_record_outcome_once(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await _token(sessionmaker, "operator", Role.MANAGER)
    async with sessionmaker.begin() as session:
        attempt = Attempt(case_id=1, channel="call", address="+79101234567",
                          idempotency_key="api-outcome-1", status="started")
        session.add(attempt)
        await session.flush()
        attempt_id = attempt.id
    listed = await (await client.get("/api/attempts?case_id=1", headers=auth)).json()
    assert [a["id"] for a in listed["items"]] == [attempt_id]
    report = {"kind": "answered", "intents": ["promise_to_pay"], "identity_confirmed": True,
              # Judged against the real clock: a promise in the past would be no promise.
              "promise_date": (date.today() + timedelta(days=5)).isoformat()}
    first = await (await client.post(f"/api/attempts/{attempt_id}/outcome", json=report,
                                     headers=auth)).json()
    assert first["applied"] is True
    assert any(action["type"] == "MakePromise" for action in first["actions"]), first
    second = await (await client.post(f"/api/attempts/{attempt_id}/outcome", json=report,
                                      headers=auth)).json()
    assert second["applied"] is False
    wrong = await client.post(f"/api/attempts/{attempt_id}/outcome",
                              json={"kind": "courier_mailbox"}, headers=auth)
    assert wrong.status == 422
    assert (await client.post("/api/attempts/999/outcome", json={"kind": "busy"},
                              headers=auth)).status == 404
    async with sessionmaker() as session:
        actors = list(await session.scalars(
            select(CaseEvent.actor).where(CaseEvent.case_id == 1, CaseEvent.kind == "outcome")))
        case = await session.get(Case, 1)
    assert "operator" in actors and case is not None


async def test_importing_files_and_the_row_error_report(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    auth = await _token(sessionmaker, "loader", Role.MANAGER)
    folder = write_utility(tmp_path / "again")
    form = aiohttp.FormData()
    for path in sorted(folder.iterdir()):
        form.add_field("files", path.read_bytes(), filename=path.name)
    report = await (await client.post("/api/imports", data=form, headers=auth)).json()
    assert report["committed"] is True and report["errors"] == []
    broken = aiohttp.FormData()
    broken.add_field("files", io.BytesIO("number;building\n;B1\n".encode()), filename="accounts.csv")
    failed = await client.post("/api/imports", data=broken, headers=auth)
    assert failed.status == 422
    errors = (await failed.json())["errors"]
    assert errors and errors[0]["file"].endswith("accounts.csv")


async def test_a_session_needs_the_csrf_header_for_api_writes(
    client: TestClient, engine: AsyncEngine
) -> None:
    await log_in_as(client, engine, Role.MANAGER)
    assert (await client.get("/api/plans")).status == 200
    assert (await client.post("/api/cases/1/stop")).status == 403
    token = await csrf_of(client, "/cases")
    stopped = await client.post("/api/cases/1/stop", headers={"X-CSRF-Token": token})
    assert stopped.status == 200 and (await stopped.json())["status"] == "suspended"


async def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = await (await client.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/cases", "/api/cases/{case_id}", "/api/waves/{wave_id}/{action}",
            "/api/attempts/{attempt_id}/outcome", "/api/imports"} <= set(spec["paths"])
    assert "OutcomeReport" in spec["components"]["schemas"]
    assert "WaveRequest" in spec["components"]["schemas"]


async def test_no_query_string_makes_a_get_route_fail(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A property-based run over the described GET routes: whatever the query, never a 5xx."""
    auth = await _token(sessionmaker, "fuzzer", Role.ADMIN)
    spec = await (await client.get("/api/openapi.json")).json()
    targets = [(path.replace("{case_id}", "1").replace("{number}", "1001"),
                [p["name"] for p in op["parameters"] if p["in"] == "query"])
               for path, ops in spec["paths"].items() for method, op in ops.items()
               if method == "get"]
    samples: list[tuple[str, dict[str, str]]] = []

    @settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None)
    @given(st.sampled_from(targets).flatmap(lambda target: st.tuples(
        st.just(target[0]), st.dictionaries(st.sampled_from(target[1] or ["x"]),
                                            st.text(max_size=12), max_size=3))))
    def collect(sample: tuple[str, dict[str, str]]) -> None:
        samples.append(sample)

    collect()
    for path, query in samples:
        response = await client.get(path, params=query, headers=auth)
        assert response.status < 500, (path, query, await response.text())
    async with sessionmaker() as session:
        assert (await session.scalars(select(User).where(User.login == "fuzzer"))).one()


async def test_no_wave_body_makes_the_api_fail(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Property-based bodies for a write route: any text, odd numbers, never a 5xx."""
    auth = await _token(sessionmaker, "fuzzer", Role.MANAGER)
    bodies: list[dict[str, object]] = []

    @settings(max_examples=40, suppress_health_check=list(HealthCheck), deadline=None)
    @given(st.fixed_dictionaries({
        "name": st.text(max_size=20), "channel": st.sampled_from(["call", "sms", "fax"]),
        "template": st.text(max_size=8), "per_minute": st.integers(-5, 10**12),
        "window_start": st.sampled_from(["2026-06-16T09:00:00Z", "2026-06-16T09:00:00", "x"]),
        "window_end": st.just("2026-06-16T17:00:00Z"),
        "segment": st.fixed_dictionaries({"min_debt": st.text(max_size=6)})}))
    def collect(body: dict[str, object]) -> None:
        bodies.append(body)

    collect()
    for body in bodies:
        response = await client.post("/api/waves", json=body, headers=auth)
        assert response.status < 500, (body, await response.text())
