"""The case registry as an XLSX file, with the filters of the page it was asked from."""
from __future__ import annotations

import asyncio
import io
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook
from pydantic import ValidationError

from backoffice.web.auth.audit import audit
from backoffice.web.cases.registry import STATUS_TITLES, CaseFilter, RegistryRow, registry_page
from backoffice.web.keys import SESSIONMAKER
from campaigns.outcomes.report import KIND_TITLES

# A bigger selection is narrowed with filters; an export of a million rows helps nobody.
MAX_ROWS = 100_000
_CHUNK = 500
_HEADER = ("Дело", "Лицевой счёт", "Адрес", "Этап", "Статус", "Долг, ₽", "Дней просрочки",
           "Последний контакт (UTC)", "Последний исход")
_OUTCOMES = {kind.value: title for kind, title in KIND_TITLES.items()}


def _workbook(rows: list[RegistryRow]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Дела")
    sheet.append(_HEADER)
    for row in rows:
        sheet.append((row.id, row.account_number, row.address, row.stage,
                      STATUS_TITLES.get(row.status, row.status), row.current_debt, row.days_overdue,
                      row.last_contact_at.replace(tzinfo=None) if row.last_contact_at else None,
                      _OUTCOMES.get(row.last_outcome, row.last_outcome)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export_cases(request: web.Request) -> web.Response:
    try:
        wanted = CaseFilter.from_query(request.query).model_copy(update={"limit": _CHUNK})
    except ValidationError:
        raise web.HTTPBadRequest(text="Фильтр заполнен неверно.") from None
    await audit(request, "cases:export", "export")
    rows: list[RegistryRow] = []
    async with request.app[SESSIONMAKER]() as session:
        while len(rows) < MAX_ROWS:
            page = await registry_page(session, wanted)
            rows += page.rows
            if page.next_before is None:
                break
            wanted = wanted.model_copy(update={"before": page.next_before})
    # Building the workbook is CPU work: off the event loop.
    data = await asyncio.to_thread(_workbook, rows[:MAX_ROWS])
    return web.Response(body=data, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote('дела.xlsx')}"})
