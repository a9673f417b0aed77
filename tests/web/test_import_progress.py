"""An upload's progress as the importer page polls it: rows read of each file, the stage, the end."""
from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.imports.pipeline import import_files
from backoffice.web.app import create_app
from backoffice.web.import_jobs import JobProgress
from models.user import Role
from tests.imports.files import write_utility
from tests.web.login import csrf_of, log_in_as

JOB = "a1b2c3d4e5f60718"


def _data_rows(folder: Path) -> dict[str, int]:
    """Rows below each CSV's header (the sample has no quoted line breaks)."""
    return {path.name: len(path.read_bytes().splitlines()) - 1 for path in folder.iterdir()}


@dataclass
class WatchedProgress(JobProgress):
    """Notes each file's rows as the next file starts, as a page polling in between would."""

    seen: list[tuple[str, int]] = field(default_factory=list)

    def file_started(self, name: str, rows: int | None) -> None:
        if self.file:
            self.seen.append((self.file, self.rows))
        super().file_started(name, rows)


async def test_progress_counts_every_row_of_every_file(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_utility(tmp_path / "export")
    progress = WatchedProgress("manager")
    report = await import_files(engine, [folder], progress=progress)
    progress.finish(report)
    state = progress.as_json()
    assert state["state"] == "done" and state["committed"] and state["stage"] == "записано"
    assert dict([*progress.seen, (progress.file, progress.rows)]) == _data_rows(folder)
    assert state["files_done"] == [name for name, _ in progress.seen]


async def test_the_page_polls_its_own_upload(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with TestClient(TestServer(create_app(engine))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        page = await (await client.get("/imports")).text()
        assert 'name="job"' in page and "/static/imports.js" in page
        assert (await (await client.get(f"/imports/progress/{JOB}")).json())["state"] == "unknown"
        form = aiohttp.FormData()
        form.add_field("_csrf", await csrf_of(client, "/imports"))
        form.add_field("job", JOB)
        form.add_field("files", "number;building\n;B1\n".encode(), filename="accounts.csv")
        answer = await client.post("/imports", data=form)
        page = await answer.text()
        assert answer.status == 422
        state = await (await client.get(f"/imports/progress/{JOB}")).json()
        assert state["state"] == "done" and not state["committed"] and state["errors"] == 1
        assert state["stage"] == "ничего не записано: есть ошибки"
        assert f'href="/imports/progress/{JOB}/errors.xlsx"' in page
        errors = await client.get(f"/imports/progress/{JOB}/errors.xlsx")
        assert errors.status == 200
        rows = list(load_workbook(io.BytesIO(await errors.read())).active.iter_rows(values_only=True))
        assert rows[0] == ("Файл", "Строка", "Что не так")
        # The same rejection as the page lists (here the file as a whole: no line number).
        assert len(rows) == 2 and rows[1][0] == "accounts.csv" and rows[1][1] is None
        assert rows[1][2] and rows[1][2] in html.unescape(page)
        async with TestClient(TestServer(client.app)) as other:
            await log_in_as(other, engine, Role.ADMIN)
            assert (await (await other.get(f"/imports/progress/{JOB}")).json())["state"] == "unknown"
            assert (await other.get(f"/imports/progress/{JOB}/errors.xlsx")).status == 404
