"""The importer page: upload billing files, watch the import's progress, see what was loaded and
every rejected row."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from backoffice.web.auth.access import current_user
from backoffice.web.import_jobs import IMPORT_JOBS
from backoffice.web.uploads import import_upload


async def show(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("imports.html", request, {"report": None})


async def upload(request: web.Request) -> web.Response:
    form = await request.post()
    progress = request.app[IMPORT_JOBS].start(str(form.get("job", "")), current_user(request).login)
    try:
        report = await import_upload(request, skip_bad_rows=form.get("skip_bad_rows") == "on",
                                     progress=progress)
    except Exception:
        if progress is not None:
            progress.fail()
        raise
    if progress is not None:
        progress.finish(report)
    job = str(form.get("job", "")) if progress is not None else ""
    return aiohttp_jinja2.render_template("imports.html", request, {"report": report, "job": job},
                                          status=200 if report.committed else 422)
