"""Waves: the list with live counts, scheduling a new one, and pause, resume and cancel."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.web.auth.access import current_user
from backoffice.web.cases.registry import filter_choices
from backoffice.web.keys import SESSIONMAKER
from campaigns.outcomes.record import CHANNEL_TITLES
from campaigns.waves.control import WaveCounts, WaveStateError, change_state, wave_counts
from campaigns.waves.planning import WaveSpec, create_wave
from campaigns.waves.segment import Segment
from models.enums import AttemptStatus, Channel
from models.outreach import Wave

WAVES_SHOWN = 50
# Attempts that reached an end, for a wave's progress (static/waves.js counts the same).
FINISHED_STATUSES = (AttemptStatus.DONE.value, AttemptStatus.CANCELLED.value,
                     AttemptStatus.NEEDS_REVIEW.value)
ACTION_TITLES = {"pause": "поставить на паузу", "resume": "продолжить", "cancel": "отменить"}
STATE_TITLES = {"scheduled": "запланирована", "running": "идёт", "paused": "на паузе",
                "cancelled": "отменена", "done": "завершена"}


@dataclass(frozen=True, slots=True)
class WaveRow:
    wave: Wave
    counts: WaveCounts

    @property
    def planned(self) -> int:
        """Members the wave contacts: all but its holdout."""
        return self.counts.members - self.counts.holdout

    @property
    def finished(self) -> int:
        return sum(self.counts.attempts[status] for status in FINISHED_STATUSES)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.finished / self.planned)) if self.planned else 0


async def recent_waves(session: AsyncSession) -> list[WaveRow]:
    waves = list(await session.scalars(select(Wave).order_by(Wave.id.desc()).limit(WAVES_SHOWN)))
    return [WaveRow(wave, await wave_counts(session, wave.id)) for wave in waves]


def _decimal(form: MultiDictProxy[Any], name: str) -> Decimal | None:
    raw = str(form.get(name, "")).strip().replace(",", ".").replace(" ", "")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"«{raw}» — не сумма; пишите, например, 1500 или 1500,50") from None


def spec_from_form(form: MultiDictProxy[Any], created_by: str) -> WaveSpec:
    """The wave a manager asked for; ValueError (in Russian) says what to correct."""
    name = str(form.get("name", "")).strip()
    if not name:
        raise ValueError("укажите название волны")
    start_raw = str(form.get("start", "")).strip()
    # datetime-local sends the browser's local time without a zone; the form says it is UTC.
    start = (datetime.fromisoformat(start_raw).replace(tzinfo=timezone.utc) if start_raw
             else datetime.now(timezone.utc))
    try:
        channel = Channel(str(form.get("channel", "")))
        hours = float(str(form.get("hours", "8")).replace(",", "."))
        holdout = float(str(form.get("holdout", "0")).replace(",", ".") or 0) / 100
        per_minute = int(str(form.get("per_minute", "60")))
        max_concurrent = int(str(form.get("max_concurrent", "10")))
        segment = Segment(min_debt=_decimal(form, "min_debt"), max_debt=_decimal(form, "max_debt"),
                          min_days_overdue=int(str(form.get("min_days_overdue") or 0)) or None,
                          buildings=tuple(str(b) for b in form.getall("building", []) if b),
                          stages=tuple(str(s) for s in form.getall("stage", []) if s),
                          last_outcomes=tuple(str(o) for o in form.getall("last_outcome", []) if o))
    except ValidationError as exc:
        raise ValueError(f"сегмент задан неверно: {exc.errors()[0]['msg']}") from None
    return WaveSpec(name=name, channel=channel, template=str(form.get("template", "")).strip() or "default",
                    step_code=str(form.get("step", "")).strip(), segment=segment,
                    window_start=start, window_end=start + timedelta(hours=hours),
                    per_minute=per_minute, max_concurrent=max_concurrent,
                    holdout_share=holdout, created_by=created_by)


async def _page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        rows = await recent_waves(session)
        choices = await filter_choices(session)
    context = {"rows": rows, "choices": choices, "error": error, "states": STATE_TITLES,
               "channels": {c.value: t for c, t in CHANNEL_TITLES.items()},
               "created": request.query.get("created"), "changed": request.query.get("changed")}
    return aiohttp_jinja2.render_template("waves.html", request, context, status=status)


async def list_waves(request: web.Request) -> web.Response:
    return await _page(request)


async def schedule(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        spec = spec_from_form(form, current_user(request).login)
    except ValueError as exc:
        return await _page(request, f"Волна не создана: {exc}.", status=422)
    async with request.app[SESSIONMAKER].begin() as session:
        wave = await create_wave(session, spec)
        wave_id = wave.id
    raise web.HTTPFound(f"/waves?created={wave_id}")


async def change(request: web.Request) -> web.Response:
    error = ""
    async with request.app[SESSIONMAKER].begin() as session:
        wave = await session.get(Wave, int(request.match_info["wave_id"]), with_for_update=True)
        if wave is None:
            raise web.HTTPNotFound(text="такой волны нет")
        action = request.match_info["action"]
        try:
            await change_state(session, wave, action)
        except WaveStateError:
            # Refused before anything changed, so the transaction commits nothing.
            error = (f"Волну №{wave.id} «{wave.name}» нельзя {ACTION_TITLES[action]}: она "
                     f"{STATE_TITLES.get(wave.status, wave.status)}. Страница могла устареть — "
                     f"обновите её и выберите действие, доступное сейчас")
    if error:
        return await _page(request, f"{error}.", status=409)
    raise web.HTTPFound(f"/waves?changed={wave.id}")
