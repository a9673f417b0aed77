"""The case registry as an XLSX file, with the filters of the page it was asked from."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from backoffice.web.cases.registry import STATUS_TITLES, CaseFilter, RegistryRow, registry_page
from backoffice.web.keys import SESSIONMAKER
from backoffice.web.xlsx import xlsx_response
from campaigns.outcomes.report import KIND_TITLES

# A bigger selection is narrowed with filters; an export of a million rows helps nobody.
MAX_ROWS = 100_000
_CHUNK = 500
_HEADER = ("Дело", "Лицевой счёт", "Адрес", "Этап", "Статус", "Долг, ₽", "Дней просрочки",
           "Последний контакт (UTC)", "Последний исход")
_OUTCOMES = {kind.value: title for kind, title in KIND_TITLES.items()}


def _values(row: RegistryRow) -> tuple[Any, ...]:
    return (row.id, row.account_number, row.address, row.stage,
            STATUS_TITLES.get(row.status, row.status), row.current_debt, row.days_overdue,
            row.last_contact_at, _OUTCOMES.get(row.last_outcome, row.last_outcome))


async def export_cases(request: web.Request) -> web.Response:
    try:
        wanted = CaseFilter.from_query(request.query).model_copy(update={"limit": _CHUNK})
    except ValidationError:
        raise web.HTTPBadRequest(text="Фильтр заполнен неверно.") from None
    rows: list[RegistryRow] = []
    async with request.app[SESSIONMAKER]() as session:
        while len(rows) < MAX_ROWS:
            page = await registry_page(session, wanted)
            rows += page.rows
            if page.next_before is None:
                break
            wanted = wanted.model_copy(update={"before": page.next_before})
    return await xlsx_response(request, "cases:export", "дела.xlsx", "Дела", _HEADER,
                               [_values(row) for row in rows[:MAX_ROWS]])
