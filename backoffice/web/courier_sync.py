"""Results synced from the courier's offline page, each applied exactly once.

The phone queues every tapped result with a key it generated, and sends the queue whenever it is
online; a reply can be lost, so the same result may arrive again. The key is stored with a unique
constraint in the same transaction as the outcome: a replay finds it and changes nothing, and
two replays racing each other are serialised by the constraint.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web
from aiohttp.web_request import FileField
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backoffice.web.api.encoding import problem, reply
from backoffice.web.auth.access import current_user
from backoffice.web.courier import COURIER_KINDS, route_attempts
from backoffice.web.keys import COURIER_PHOTOS, SESSIONMAKER
from campaigns.outcomes.record import record_outcome
from campaigns.outcomes.report import GeoFix, OutcomeKind, OutcomeReport
from models.column_types import utc_now
from models.courier import CourierDelivery
from models.entities import Attempt
from models.enums import AttemptStatus

MAX_PHOTO_BYTES = 8 * 1024 * 1024
_PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png"}
_KEY = r"^[A-Za-z0-9-]{16,64}$"


class CourierResult(BaseModel):
    """One result as the page sends it (form fields)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    key: str = Field(pattern=_KEY)
    attempt: int = Field(gt=0)
    kind: OutcomeKind
    device_time: AwareDatetime
    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None

    def location(self) -> GeoFix | None:
        if self.latitude is None or self.longitude is None:
            return None
        return GeoFix(latitude=self.latitude, longitude=self.longitude, accuracy_m=self.accuracy)


def _photo_suffix(data: bytes) -> str:
    for magic, suffix in _PHOTO_TYPES.items():
        if data.startswith(magic):
            return suffix
    raise problem(400, "Фото должно быть снимком JPEG или PNG.")


def _store_photo(folder: Path, name: str, data: bytes) -> Path:
    """Written under a temporary name and renamed, so a half-written photo is never linked."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


async def _read_form(request: web.Request) -> tuple[CourierResult, bytes | None]:
    form = await request.post()
    fields = {name: value for name, value in form.items()
              if isinstance(value, str) and value != ""}
    try:
        result = CourierResult.model_validate(fields)
        location = result.location()
    except ValidationError as exc:
        raise problem(400, "Результат доставки заполнен неверно: обновите страницу и повторите.",
                      fields=sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})) from None
    if result.kind not in COURIER_KINDS:
        raise problem(400, "Не выбран результат доставки.")
    if (result.latitude is None) != (result.longitude is None) or (
            location is None and result.accuracy is not None):
        raise problem(400, "Координаты переданы не полностью.")
    photo = form.get("photo")
    if not isinstance(photo, FileField):
        return result, None
    data = photo.file.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise problem(400, f"Фото больше {MAX_PHOTO_BYTES // 1024 // 1024} МБ.")
    _photo_suffix(data)
    return result, data or None


async def _already_synced(request: web.Request, result: CourierResult) -> web.Response | None:
    """The reply to a replayed key (None: the key is new)."""
    async with request.app[SESSIONMAKER]() as session:
        known = await session.scalar(
            select(CourierDelivery).where(CourierDelivery.client_key == result.key))
    if known is None:
        return None
    if known.attempt_id != result.attempt or known.courier_login != current_user(request).login:
        raise problem(409, "Этот ключ уже использован для другого результата.")
    return reply({"status": "duplicate", "attempt": known.attempt_id})


async def receive(request: web.Request) -> web.Response:
    user = current_user(request)
    result, photo = await _read_form(request)
    replayed = await _already_synced(request, result)
    if replayed is not None:
        return replayed
    now = utc_now()
    stored: Path | None = None
    try:
        async with request.app[SESSIONMAKER].begin() as session:
            attempt = (await session.execute(
                route_attempts(user.id).where(Attempt.id == result.attempt))).scalar()
            if attempt is None:
                raise problem(404, "Такого задания в вашем маршруте нет.")
            delivery = CourierDelivery(attempt_id=attempt.id, client_key=result.key,
                                       courier_login=user.login, device_time=result.device_time,
                                       received_at=now)
            session.add(delivery)
            # A racing replay of the same key (or another result for the same task) waits on the
            # unique indexes here and then fails, before it has written anything.
            await session.flush()
            await session.refresh(attempt)
            if attempt.status not in (AttemptStatus.QUEUED.value, AttemptStatus.CLAIMED.value):
                raise problem(409, "По этому заданию результат уже записан.")
            if photo is not None:
                delivery.photo = f"{now:%Y-%m}/{attempt.id}-{result.key}{_photo_suffix(photo)}"
                stored = await asyncio.to_thread(
                    _store_photo, request.app[COURIER_PHOTOS], delivery.photo, photo)
            outcome = await record_outcome(session, attempt.id, OutcomeReport(
                kind=result.kind, occurred_at=min(result.device_time, now),
                location=result.location(), actor=user.login), now=now)
            if not outcome.applied:
                raise problem(409, "По этому заданию результат уже записан.")
    except BaseException as exc:
        if stored is not None:
            stored.unlink(missing_ok=True)
        if not isinstance(exc, IntegrityError):
            raise
        replayed = await _already_synced(request, result)
        if replayed is None:
            raise problem(409, "По этому заданию результат уже записан.") from None
        return replayed
    return reply({"status": "recorded", "attempt": result.attempt})
