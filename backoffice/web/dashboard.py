"""The start page: what is loaded and what is owed, and the managers' charts over it."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.web.cases.registry import filter_choices
from backoffice.web.dashboard_figures import (
    CONTACT_DAYS,
    DayContacts,
    contacts_by_day,
    debt_by_stage,
    promises_by_status,
    wave_recoveries,
)
from backoffice.web.keys import SESSIONMAKER, TODAY
from backoffice.web.svg_charts import Bar, Column, horizontal_bars, stacked_columns
from campaigns.outcomes.record import CHANNEL_TITLES
from campaigns.outcomes.report import KIND_TITLES
from models import ru_format
from models.entities import Account, Building, Charge, Payment, Person

PROMISE_TITLES = {"kept": "выполнены", "broken": "нарушены", "open": "ожидают срока"}
CHANNEL_TITLES_BY_CODE = {channel.value: title for channel, title in CHANNEL_TITLES.items()}
OUTCOME_TITLES = {kind.value: title for kind, title in KIND_TITLES.items()}
# Outcomes keep one colour on every channel's chart.
_OUTCOME_COLOURS = {outcome: f"c{index % 8}" for index, outcome in enumerate(OUTCOME_TITLES)}


@aiohttp_jinja2.template("dashboard.html")
async def show(request: web.Request) -> dict[str, Any]:
    today = request.app[TODAY]()
    async with request.app[SESSIONMAKER]() as session:
        counts = {
            name: (await session.execute(select(func.count()).select_from(entity))).scalar_one()
            for name, entity in (("buildings", Building), ("accounts", Account),
                                 ("persons", Person))
        }
        charged = (await session.execute(select(func.coalesce(func.sum(Charge.amount), 0)))).scalar_one()
        paid = (await session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.confirmed))).scalar_one()
        charts = await _charts(session, today)
    return {"counts": counts, "charged": charged, "paid": paid, "today": today, **charts}


async def _charts(session: AsyncSession, today: date) -> dict[str, Any]:
    stage_titles = (await filter_choices(session))["stages"]
    stages = await debt_by_stage(session)
    promises = await promises_by_status(session)
    waves = await wave_recoveries(session, today)
    contacts = await contacts_by_day(session, today)
    return {
        "stages": stages, "stage_titles": stage_titles,
        "stage_chart": horizontal_bars(
            [Bar(stage_titles.get(row.stage, row.stage), float(row.debt),
                 f"{ru_format.money(row.debt)} · {row.cases} дел", f"c{index % 8}")
             for index, row in enumerate(stages)], title="Долг по этапам"),
        "promises": promises, "promise_titles": PROMISE_TITLES,
        "promise_chart": horizontal_bars(
            [Bar(PROMISE_TITLES[row.status], row.promises,
                 f"{row.promises} на {ru_format.money(row.amount)}", row.status)
             for row in promises], title="Обещания оплатить"),
        "waves": waves,
        "wave_chart": horizontal_bars(
            [bar for row in waves for bar in (
                Bar(f"№{row.wave.id} {row.wave.name[:24]}: охвачены",
                    float(row.comparison.contacted.per_member),
                    f"{ru_format.money(row.comparison.contacted.per_member)} на должника", "contacted"),
                Bar(f"№{row.wave.id}: контрольная группа",
                    float(row.comparison.holdout.per_member),
                    f"{ru_format.money(row.comparison.holdout.per_member)} на должника", "holdout"))],
            title="Взыскано на должника: волна против контрольной группы"),
        "contact_charts": _contact_charts(contacts, today),
        "contact_days": CONTACT_DAYS, "outcome_titles": OUTCOME_TITLES,
        "channel_titles": CHANNEL_TITLES_BY_CODE,
        "outcome_colours": _OUTCOME_COLOURS,
    }


def _contact_charts(rows: list[DayContacts], today: date) -> dict[str, Any]:
    """Per channel: its columns (one a day, stacked by outcome), the outcomes met and the rows."""
    days = [today - timedelta(days=back) for back in range(CONTACT_DAYS - 1, -1, -1)]
    by_channel: dict[str, dict[date, list[DayContacts]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_channel[row.channel][row.day].append(row)
    charts = {}
    for channel, per_day in sorted(by_channel.items()):
        columns = [Column(day.strftime("%d.%m"), [
            Bar(OUTCOME_TITLES.get(row.outcome, row.outcome or "без исхода"), row.attempts,
                f"{row.attempts}", _OUTCOME_COLOURS.get(row.outcome, "c7"))
            for row in per_day.get(day, [])]) for day in days]
        title = CHANNEL_TITLES_BY_CODE.get(channel, channel)
        charts[channel] = {
            "svg": stacked_columns(columns, title=f"{title}: контакты по дням"),
            "outcomes": sorted({row.outcome for day_rows in per_day.values() for row in day_rows}),
            "total": sum(row.attempts for day_rows in per_day.values() for row in day_rows),
        }
    return charts
