"""Call recordings on the case card: played to staff only, every listen audited, gone after the
retention setting."""
from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.recordings import RECORDINGS, RecordingStore
from dialer.audio.recording import purge_recordings
from models.entities import AuditEntry
from models.outreach import Attempt
from models.user import Role
from tests.web.login import log_in_as
from tests.web.recorded_call import recorded_call
from tests.web.world import CASES_AS_OF, utility_with_cases

RETENTION_DAYS = 30


@pytest.fixture
async def world(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                tmp_path: Path) -> tuple[Path, int, int]:
    await utility_with_cases(engine, tmp_path / "export")
    folder = tmp_path / "recordings"
    with_file, without = await recorded_call(sessionmaker, folder)
    return folder, with_file, without


@pytest.fixture
async def client(engine: AsyncEngine, world: tuple[Path, int, int]) -> AsyncIterator[TestClient]:
    app = create_app(engine, today=CASES_AS_OF)
    app[RECORDINGS] = RecordingStore(world[0], RETENTION_DAYS)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_the_card_plays_the_recording_and_the_listen_is_audited(
    client: TestClient, engine: AsyncEngine, world: tuple[Path, int, int],
    sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    folder, with_file, without = world
    await log_in_as(client, engine, Role.MANAGER)
    html = await (await client.get("/cases/1")).text()
    assert f'src="/attempts/{with_file}/recording.wav"' in html
    assert f"/attempts/{without}/recording.wav" not in html
    response = await client.get(f"/attempts/{with_file}/recording.wav")
    body = await response.read()
    assert response.status == 200 and response.headers["Content-Type"] == "audio/wav"
    assert body == (folder / f"attempt-{with_file}.wav").read_bytes() and body[:4] == b"RIFF"
    # The player seeks with ranges.
    part = await client.get(f"/attempts/{with_file}/recording.wav", headers={"Range": "bytes=0-99"})
    assert part.status == 206 and await part.read() == body[:100]
    assert (await client.get(f"/attempts/{without}/recording.wav")).status == 404
    async with sessionmaker() as session:
        listens = list(await session.scalars(
            select(AuditEntry.subject).where(AuditEntry.action == "listen").order_by(AuditEntry.id)))
        assert listens == [f"recording:attempt:{with_file}"] * 2 + [f"recording:attempt:{without}"]
        logins = set(await session.scalars(select(AuditEntry.user_login).where(
            AuditEntry.action == "listen")))
        assert logins == {"manager-test"}


@pytest.mark.parametrize("role", [Role.LAWYER, Role.ADMIN])
async def test_lawyers_and_admins_listen_too(
    client: TestClient, engine: AsyncEngine, world: tuple[Path, int, int], role: Role
) -> None:
    await log_in_as(client, engine, role)
    assert (await client.get(f"/attempts/{world[1]}/recording.wav")).status == 200


async def test_never_a_courier_nor_anyone_logged_out(
    client: TestClient, engine: AsyncEngine, world: tuple[Path, int, int]
) -> None:
    path = f"/attempts/{world[1]}/recording.wav"
    anonymous = await client.get(path, allow_redirects=False)
    assert anonymous.status == 302 and anonymous.headers["Location"].startswith("/login")
    await log_in_as(client, engine, Role.COURIER)
    assert (await client.get(path, allow_redirects=False)).status == 403


async def test_past_the_retention_the_recording_is_gone(
    client: TestClient, engine: AsyncEngine, world: tuple[Path, int, int],
    sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    folder, with_file, _ = world
    path = folder / f"attempt-{with_file}.wav"
    old = time.time() - (RETENTION_DAYS + 1) * 86400
    os.utime(path, (old, old))
    await log_in_as(client, engine, Role.MANAGER)
    # Not yet purged, but past the retention: neither on the card nor served.
    assert "recording.wav" not in await (await client.get("/cases/1")).text()
    response = await client.get(f"/attempts/{with_file}/recording.wav")
    assert response.status == 404 and "удалена по сроку хранения" in await response.text()
    assert purge_recordings(folder, RETENTION_DAYS) == 1 and not path.exists()
    assert (await client.get(f"/attempts/{with_file}/recording.wav")).status == 404
    # A recording is only ever of a call.
    async with sessionmaker.begin() as session:
        sms = Attempt(case_id=1, channel="sms", address="+79101234567", idempotency_key="sms-rec")
        session.add(sms)
        await session.flush()
        sms_id = sms.id
    (folder / f"attempt-{sms_id}.wav").write_bytes(b"RIFF")
    assert (await client.get(f"/attempts/{sms_id}/recording.wav")).status == 404
    assert (await client.get("/attempts/99999/recording.wav")).status == 404
