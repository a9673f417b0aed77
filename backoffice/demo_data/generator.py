"""Write a whole demo utility to a directory: plan it, render accounts in parallel, save files."""
from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import astuple, dataclass
from datetime import date, datetime
from pathlib import Path

from backoffice.demo_data import writer
from backoffice.demo_data.addresses import CITY, REGION, TIMEZONE
from backoffice.demo_data.periods import make_timeline
from backoffice.demo_data.plan import CREDITOR, AccountPlan, Plan, make_plan
from backoffice.demo_data.render import Context, Rendered, render
from backoffice.demo_data.tariffs import SERVICES

CHUNK_ACCOUNTS = 1000


@dataclass(frozen=True, slots=True)
class DemoConfig:
    accounts: int
    out: Path
    seed: int
    months: int
    as_of: date
    services: int
    jobs: int


@dataclass(frozen=True, slots=True)
class Summary:
    out: Path
    rows: dict[str, int]  # file name → data rows (header not counted)
    seconds: float


def generate(config: DemoConfig) -> Summary:
    started = time.perf_counter()
    timeline = make_timeline(config.as_of, config.months)
    services = SERVICES[: config.services]
    plan = make_plan(config.seed, config.accounts, timeline, services)
    config.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime(config.as_of.year, config.as_of.month, config.as_of.day)
    rows = {
        writer.CREDITORS_XLSX: _write_creditors(config.out, stamp),
        writer.BUILDINGS_XLSX: _write_buildings(config.out, plan, stamp),
    }
    context = Context(config.seed, timeline, plan.buildings, services)
    rows.update(_write_csv_files(config.out, context, plan.accounts, config.jobs))
    return Summary(config.out, rows, time.perf_counter() - started)


def _write_creditors(out: Path, stamp: datetime) -> int:
    writer.write_xlsx(out / writer.CREDITORS_XLSX, "Кредиторы", writer.CREDITORS_HEADER,
                      [astuple(CREDITOR)], stamp)
    return 1


def _write_buildings(out: Path, plan: Plan, stamp: datetime) -> int:
    rows = [
        (b.code, REGION, CITY, b.street, b.house, b.postal_code, TIMEZONE, b.due_day,
         b.creditor_inn or None)
        for b in plan.buildings
    ]
    writer.write_xlsx(out / writer.BUILDINGS_XLSX, "Дома", writer.BUILDINGS_HEADER, rows, stamp)
    return len(rows)


def _write_csv_files(
    out: Path, context: Context, accounts: list[AccountPlan], jobs: int
) -> dict[str, int]:
    counts = [0] * len(writer.CSV_FILES)
    with ExitStack() as stack:
        files = [stack.enter_context(open(out / spec.name, "wb")) for spec in writer.CSV_FILES]
        for spec, file in zip(writer.CSV_FILES, files):
            file.write(spec.header_bytes())
        chunks = [accounts[i : i + CHUNK_ACCOUNTS] for i in range(0, len(accounts), CHUNK_ACCOUNTS)]
        for rendered in _rendered(context, chunks, jobs):
            for i, (file, data) in enumerate(zip(files, rendered.data)):
                file.write(data)
                counts[i] += rendered.rows[i]
    return {spec.name: count for spec, count in zip(writer.CSV_FILES, counts)}


def _rendered(context: Context, chunks: list[list[AccountPlan]], jobs: int) -> Iterator[Rendered]:
    """Rendered chunks in account order; at most two per process wait in memory."""
    if jobs <= 1 or len(chunks) <= 1:
        yield from (render(context, chunk) for chunk in chunks)
        return
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(context,)) as pool:
        pending: deque[Future[Rendered]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_render_in_worker, chunk))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_worker_context: Context | None = None


def _init_worker(context: Context) -> None:
    global _worker_context
    _worker_context = context


def _render_in_worker(chunk: list[AccountPlan]) -> Rendered:
    assert _worker_context is not None, "the pool initializer sets the context"
    return render(_worker_context, chunk)


def default_jobs() -> int:
    return os.cpu_count() or 1
