"""Any list of the backoffice as an XLSX download: a header, rows of plain values, one sheet."""
from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook

from backoffice.web.auth.audit import audit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    # Excel has no time zones: instants go in as naive UTC (the headers say so).
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def workbook(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def xlsx_response(request: web.Request, subject: str, filename: str, sheet_title: str,
                        header: Sequence[str], rows: list[Sequence[Any]]) -> web.Response:
    """The download, audited as an export of ``subject``; the workbook is built off the loop."""
    await audit(request, subject, "export")
    data = await asyncio.to_thread(workbook, sheet_title, header, rows)
    return web.Response(body=data, headers={
        "Content-Type": XLSX_TYPE,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
