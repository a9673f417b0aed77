"""The couriers' world: courier-a serves building B1, courier-b serves B3, and every open case
has one notice to deliver (queued by the campaigns' own attempt builder where it knows the owner)."""
from __future__ import annotations

import struct
import zlib
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.web.auth.users import assign_buildings
from campaigns.queue.enqueue import AttemptKey, AttemptKind, queue_attempts
from models.db import make_sessionmaker
from models.entities import Account, Attempt, Building, Case, User
from models.enums import Channel
from models.user import Role
from tests.web.login import add_user

ROUTES = {"courier-a": "B1", "courier-b": "B3"}
# Moved from B1 to a building of their own (B3), so that each courier has a route.
B3_ACCOUNTS = ("5003", "5004")
NOTICE = "uvedomlenie"


async def couriers_with_notices(engine: AsyncEngine) -> None:
    for login in ROUTES:
        await add_user(engine, login, Role.COURIER)
    now = datetime(2026, 6, 15, 7, tzinfo=timezone.utc)
    async with make_sessionmaker(engine).begin() as session:
        b1 = (await session.scalars(select(Building).where(Building.code == "B1"))).one()
        b3 = Building(code="B3", creditor_id=b1.creditor_id, region=b1.region, city=b1.city,
                      street="ул. Есенина", house="12", postal_code="390000")
        session.add(b3)
        await session.flush()
        await session.execute(update(Account).where(Account.number.in_(B3_ACCOUNTS))
                              .values(building_id=b3.id))
        for login, building in ROUTES.items():
            courier = (await session.scalars(select(User).where(User.login == login))).one()
            assert await assign_buildings(session, courier, [building]) == []
        queued = await queue_attempts(session, select(Case.id), AttemptKind(Channel.COURIER, NOTICE),
                                      key=AttemptKey("courier-"), start=now, now=now)
        assert queued.attempts > 0
        # Accounts with no owner on record get their notice too, addressed to the premises.
        for case_id in await session.scalars(select(Case.id).where(
                Case.id.not_in(select(Attempt.case_id)))):
            session.add(Attempt(case_id=case_id, channel=Channel.COURIER.value,
                                template=NOTICE, idempotency_key=f"courier-{case_id}"))


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    """A plain one-colour PNG, standing in for a phone camera's photo."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a baseline or progressive JPEG's frame header."""
    position = 2
    while position < len(data):
        marker, length = data[position + 1], struct.unpack(">H", data[position + 2:position + 4])[0]
        if marker in (0xC0, 0xC2):
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            return width, height
        position += 2 + length
    raise ValueError("no JPEG frame header")
