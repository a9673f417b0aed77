"""Billing files uploaded through the browser or the API, handed to the importer as files."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from aiohttp import web
from aiohttp.web_request import FileField

from backoffice.imports.pipeline import import_files
from backoffice.imports.progress import ImportProgress
from backoffice.imports.report import ImportReport
from backoffice.web.keys import ENGINE


async def import_upload(request: web.Request, *, skip_bad_rows: bool,
                        progress: ImportProgress | None = None) -> ImportReport:
    """Import the request's ``files`` fields; the importer recognises each file by its name."""
    form = await request.post()
    uploads = [field for field in form.getall("files", []) if isinstance(field, FileField)]
    with tempfile.TemporaryDirectory(prefix="vozvrat-upload-") as folder:
        for upload in uploads:
            # Only the base name: a crafted "../x" must not write outside the folder.
            target = Path(folder) / Path(upload.filename or "file").name
            await asyncio.to_thread(_save, upload, target)
        return await import_files(request.app[ENGINE], [Path(folder)], skip_bad_rows=skip_bad_rows,
                                  progress=progress)


def _save(upload: FileField, target: Path) -> None:
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
