"""The importer page: upload billing files, see what was loaded and every rejected row."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from backoffice.web.uploads import import_upload


async def show(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("imports.html", request, {"report": None})


async def upload(request: web.Request) -> web.Response:
    skip = (await request.post()).get("skip_bad_rows") == "on"
    report = await import_upload(request, skip_bad_rows=skip)
    return aiohttp_jinja2.render_template("imports.html", request, {"report": report},
                                          status=200 if report.committed else 422)
