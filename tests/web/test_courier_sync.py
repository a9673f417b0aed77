"""Results synced from the courier's offline page: applied once per key whatever the replays,
only on the courier's own tasks, with the device time, the location and the photo kept."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.settings import WebSettings
from models.courier import CourierDelivery
from models.entities import Account, Attempt, AuditEntry, Building, Case, CaseEvent
from models.user import Role
from tests.web.couriers import ROUTES, couriers_with_notices, png
from tests.web.login import csrf_of, log_in, log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases


@pytest.fixture
async def photos(tmp_path: Path) -> Path:
    return tmp_path / "photos"


@pytest.fixture
async def client(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path, photos: Path) -> AsyncIterator[TestClient]:
    await utility_with_cases(engine, tmp_path / "export")
    await couriers_with_notices(engine)
    app = create_app(engine, today=CASES_AS_OF,
                     settings=WebSettings(courier_photo_dir=str(photos)))
    async with TestClient(TestServer(app)) as client:
        yield client


async def _tasks_of(sessionmaker: async_sessionmaker[AsyncSession], building: str) -> list[int]:
    async with sessionmaker() as session:
        return list(await session.scalars(
            select(Attempt.id).join(Case, Case.id == Attempt.case_id)
            .join(Account, Account.id == Case.account_id)
            .join(Building, Building.id == Account.building_id)
            .where(Building.code == building, Attempt.channel == "courier").order_by(Attempt.id)))


def _result(task: int, kind: str = "courier_mailbox", key: str = "", *,
            photo: bytes | None = None, **extra: Any) -> aiohttp.FormData:
    form = aiohttp.FormData()
    fields = {"key": key or str(uuid.uuid4()), "attempt": str(task), "kind": kind,
              "device_time": "2026-06-15T09:30:00+03:00", "latitude": "54.6269",
              "longitude": "39.6916", "accuracy": "12.5", **extra}
    for name, value in fields.items():
        if value is not None:
            form.add_field(name, value)
    if photo is not None:
        form.add_field("photo", photo, filename="photo.png", content_type="image/png")
    return form


async def _post(client: TestClient, token: str, form: aiohttp.FormData) -> tuple[int, dict[str, Any]]:
    response = await client.post("/courier/results", data=form, headers={"X-CSRF-Token": token})
    return response.status, await response.json()


async def _counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    """Deliveries, done courier attempts and OUTCOME events."""
    async with sessionmaker() as session:
        return (await session.scalar(select(func.count(CourierDelivery.id))) or 0,
                await session.scalar(select(func.count(Attempt.id)).where(
                    Attempt.channel == "courier", Attempt.status == "done")) or 0,
                await session.scalar(select(func.count(CaseEvent.id)).where(
                    CaseEvent.kind == "outcome", CaseEvent.message.like("Курьер%"))) or 0)


async def test_a_result_is_applied_once_however_often_it_is_synced(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], photos: Path
) -> None:
    first, second = (await _tasks_of(sessionmaker, "B1"))[:2]
    assert await log_in(client, "courier-a") == 302
    token = await csrf_of(client, "/courier")
    key = str(uuid.uuid4())
    photo = png(40, 30)
    assert await _post(client, token, _result(first, key=key, photo=photo)) == (
        200, {"status": "recorded", "attempt": first})
    after_first = await _counts(sessionmaker)
    assert after_first[:2] == (1, 1) and after_first[2] >= 1
    for _ in range(2):
        assert await _post(client, token, _result(first, key=key, photo=photo)) == (
            200, {"status": "duplicate", "attempt": first})
    replays = await asyncio.gather(*(_post(client, token, _result(second, key=f"{key[:-4]}beef"))
                                     for _ in range(4)))
    assert sorted(body["status"] for _, body in replays) == ["duplicate"] * 3 + ["recorded"]
    assert (await _counts(sessionmaker))[:2] == (2, 2)
    async with sessionmaker() as session:
        attempt = await session.get(Attempt, first)
        delivery = (await session.scalars(select(CourierDelivery).where(
            CourierDelivery.attempt_id == first))).one()
    assert attempt is not None and attempt.outcome == "courier_mailbox"
    assert attempt.outcome_data["location"] == {"latitude": 54.6269, "longitude": 39.6916,
                                                "accuracy_m": 12.5}
    device_time = datetime(2026, 6, 15, 6, 30, tzinfo=timezone.utc)
    assert attempt.finished_at == device_time == delivery.device_time
    assert delivery.courier_login == "courier-a" and delivery.client_key == key
    assert (photos / delivery.photo).read_bytes() == photo
    assert [p.name for p in photos.rglob("*") if p.is_file()] == [Path(delivery.photo).name]


async def test_a_courier_cannot_touch_another_couriers_tasks(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    theirs = (await _tasks_of(sessionmaker, ROUTES["courier-b"]))[0]
    mine = (await _tasks_of(sessionmaker, ROUTES["courier-a"]))[0]
    assert await log_in(client, "courier-a") == 302
    token = await csrf_of(client, "/courier")
    page = await (await client.get("/courier")).text()
    assert f'data-attempt="{mine}"' in page and f'data-attempt="{theirs}"' not in page
    listed = await (await client.get("/api/courier/tasks")).json()
    assert theirs not in [item["attempt"] for item in listed["items"]] and listed["items"]
    assert (await _post(client, token, _result(theirs)))[0] == 404
    assert (await client.post(f"/courier/tasks/{theirs}",
                              data={"_csrf": token, "kind": "courier_refused"})).status == 404
    key = str(uuid.uuid4())
    assert (await _post(client, token, _result(mine, key=key)))[0] == 200
    # The same key for another task, or a second result for a done task: refused, nothing changes.
    assert (await _post(client, token, _result(mine + 1, key=key)))[0] == 409
    assert (await _post(client, token, _result(mine, kind="courier_refused")))[0] == 409
    response = await client.post("/courier/results", data=_result(mine + 1))
    assert response.status == 403
    assert (await _counts(sessionmaker))[:2] == (1, 1)


@pytest.mark.parametrize("bad", [
    {"kind": "answered"}, {"kind": "manual"}, {"key": "short"}, {"device_time": "09:30"},
    {"device_time": "2026-06-15T09:30:00"}, {"latitude": "91"}, {"longitude": None},
    {"photo": b"GIF89a not a photo"}, {"attempt": "x"}, {"accuracy": "-1"},
])
async def test_bad_results_are_refused_with_a_reason_and_nothing_written(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], photos: Path,
    bad: dict[str, Any]
) -> None:
    task = (await _tasks_of(sessionmaker, "B1"))[0]
    assert await log_in(client, "courier-a") == 302
    token = await csrf_of(client, "/courier")
    status, body = await _post(client, token, _result(task, **bad))
    assert status == 400 and body["error"]
    assert await _counts(sessionmaker) == (0, 0, 0)
    assert not photos.exists()


async def test_a_future_device_clock_does_not_date_the_outcome_ahead(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    task = (await _tasks_of(sessionmaker, "B1"))[0]
    assert await log_in(client, "courier-a") == 302
    token = await csrf_of(client, "/courier")
    ahead = datetime.now(timezone.utc) + timedelta(days=3)
    before = datetime.now(timezone.utc)
    assert (await _post(client, token, _result(task, device_time=ahead.isoformat())))[0] == 200
    async with sessionmaker() as session:
        attempt = await session.get(Attempt, task)
        delivery = (await session.scalars(select(CourierDelivery))).one()
    assert attempt is not None and attempt.finished_at is not None
    assert before <= attempt.finished_at <= datetime.now(timezone.utc)
    assert delivery.device_time == ahead.replace(microsecond=ahead.microsecond)


async def _two_results(client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
                       ) -> tuple[int, int, bytes, str]:
    """courier-a hands in two B1 results, the first with a photo, the second with no place: the
    two tasks, the photo and the courier's CSRF token (the client stays logged in as courier-a)."""
    with_photo, without = (await _tasks_of(sessionmaker, "B1"))[:2]
    photo = png(20, 10)
    assert await log_in(client, "courier-a") == 302
    token = await csrf_of(client, "/courier")
    assert (await _post(client, token, _result(with_photo, photo=photo)))[0] == 200
    assert (await _post(client, token, _result(without, kind="courier_nobody_home",
                                               latitude=None, longitude=None, accuracy=None)))[0] == 200
    return with_photo, without, photo, token


async def test_a_manager_sees_the_results_with_their_place_and_photo(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    with_photo, without, photo, token = await _two_results(client, sessionmaker)
    assert (await client.get(f"/couriers/photos/{with_photo}")).status == 403
    await client.post("/logout", data={"_csrf": token})
    await log_in_as(client, engine, Role.MANAGER)
    page = await (await client.get("/couriers")).text()
    assert f'<tr data-attempt="{with_photo}">' in page and f'<tr data-attempt="{without}">' in page
    assert "54.62690, 39.69160" in page and "(±12 м)" in page and "не передано" in page
    assert "никого нет дома" in page and f'href="/couriers/photos/{with_photo}"' in page
    assert await (await client.get(f"/couriers/photos/{with_photo}")).read() == photo
    assert (await client.get(f"/couriers/photos/{without}")).status == 404
    async with sessionmaker() as session:
        seen = await session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.subject == f"courier_photo:{with_photo}"))
    assert seen == 1


async def test_the_page_lists_only_the_notices_due_today(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    today, later = (await _tasks_of(sessionmaker, "B1"))[:2]
    async with sessionmaker.begin() as session:
        await session.execute(update(Attempt).where(Attempt.id == later).values(
            not_before=datetime.now(timezone.utc) + timedelta(days=2)))
    assert await log_in(client, "courier-a") == 302
    page = await (await client.get("/courier")).text()
    assert f'data-attempt="{today}"' in page and f'data-attempt="{later}"' not in page


async def test_the_case_card_shows_its_deliveries_with_place_and_photo_to_staff_only(
    client: TestClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    with_photo, without, photo, token = await _two_results(client, sessionmaker)
    async with sessionmaker() as session:
        case_id, other_case = [await session.scalar(select(Attempt.case_id).where(Attempt.id == task))
                               for task in (with_photo, without)]
    photo_url = f"/cases/{case_id}/photos/{with_photo}"
    assert (await client.get(photo_url)).status == 403
    await client.post("/logout", data={"_csrf": token})
    # Lawyers see every case card, so they see its photos too (the couriers' page is not theirs).
    await log_in_as(client, engine, Role.LAWYER)
    card = await (await client.get(f"/cases/{case_id}")).text()
    assert "Доставки курьера" in card and f'<tr data-attempt="{with_photo}">' in card
    assert "оставлено в почтовом ящике" in card and "15.06.2026 06:30 UTC" in card and "courier-a" in card
    assert ">54.62690, 39.69160</a> (±12 м)" in card and f'<img class="photo" src="{photo_url}"' in card
    response = await client.get(photo_url)
    assert await response.read() == photo and response.headers["Content-Type"] == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    # The attempt is not that case's: no photo through another case's card.
    assert (await client.get(f"/cases/{other_case}/photos/{with_photo}")).status == 404
    other = await (await client.get(f"/cases/{other_case}")).text()
    assert "никого нет дома" in other and "не передано" in other and "<img" not in other
    assert (await client.get(f"/cases/{other_case}/photos/{without}")).status == 404
    async with sessionmaker() as session:
        subjects = list(await session.scalars(select(AuditEntry.subject).where(
            AuditEntry.user_login == "lawyer-test").order_by(AuditEntry.id)))
    assert subjects == [f"case:{case_id}", f"courier_photo:{with_photo}", f"case:{other_case}"]
