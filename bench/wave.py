"""Wave benchmark: plan a wave for a million debtors, and claims per second with 4 workers.

Planning = segment selection over the case debt snapshot, holdout split, contact lookup and
queueing the paced attempts (campaigns.waves.planning.materialise). The debtors are generated
in SQL (not through the importer: that has its own benchmark). Claims run the real pre-contact
check (live paid-check, contact budget under the debtor's lock) in 4 worker processes. The
baseline measured in the same run is a bare ``SELECT count(*)`` over the cases.
Writes bench/results/wave.json.

    .venv/bin/python bench/wave.py [--debtors N] [--engines postgresql,sqlite] [--planning-only]

``--planning-only`` skips the claims (minutes at any size) for profiling the planning at a
smaller size; its figures are printed, not written.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import asyncpg
from sqlalchemy import func, select, text

from campaigns.waves.planning import WaveSpec, create_wave, materialise
from campaigns.waves.segment import Segment
from models.db import make_engine, make_sessionmaker
from models.entities import Case
from models.enums import Channel
from models.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "wave.json"
POSTGRES_ADMIN_DSN = os.environ.get("VOZVRAT_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
GOAL_POSTGRES_SECONDS = 60.0
GOAL_DEBTORS = 1_000_000
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday, noon in Moscow
CLAIM_WORKERS = 4
CLAIM_ATTEMPTS = 4_000

# One statement per table, numbers 1..:n from a series; every debtor owes 1 000–10 000 ₽.
_SERIES = {
    "postgresql": "SELECT g AS n FROM generate_series(1, :n) AS g",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :n) SELECT n FROM s",
}
_FILL = [
    "INSERT INTO creditor (id, inn, name, short_name, ogrn, kpp, address, bank_name, bik, bank_account,"
    " corr_account, phone, email) VALUES (1, '6234000014', 'УК', '', '', '', '', '', '', '', '', '', '')",
    "INSERT INTO building (id, code, creditor_id, region, city, street, house, postal_code, timezone)"
    " VALUES (1, 'B1', 1, 'Рязанская область', 'Рязань', 'ул. Ленина', '1', '', 'Europe/Moscow')",
    "INSERT INTO work_plan (id, code, version, name, debtor_kind, is_master, definition, source, loaded_at)"
    " VALUES (1, 'bench', 1, 'bench', 'individual', true, '{{}}', '', :now)",
    "INSERT INTO account (id, number, building_id, premises, debtor_kind)"
    " SELECT n, CAST(n AS TEXT), 1, CAST(n AS TEXT), 'individual' FROM ({series}) AS s",
    "INSERT INTO person (id, code, last_name, first_name, middle_name, birth_place, snils, inn, passport, address)"
    " SELECT n, CAST(n AS TEXT), 'Иванов', 'Иван', '', '', '', '', '', '' FROM ({series}) AS s",
    "INSERT INTO ownership (account_id, person_id, kind, share_numerator, share_denominator, is_minor)"
    " SELECT n, n, 'shared', 1, 1, false FROM ({series}) AS s",
    "INSERT INTO person_phone (person_id, number, position, valid)"
    " SELECT n, '+79' || CAST(100000000 + n AS TEXT), 0, true FROM ({series}) AS s",
    "INSERT INTO charge (account_id, period, service, amount)"
    " SELECT n, '2025-01-01', 'ЖКУ', 1000 + (n % 9001) FROM ({series}) AS s",
    "INSERT INTO debt_case (id, account_id, plan_id, stage, status, status_reason, opened_at,"
    " stage_entered_at, debt_at_open, current_debt, days_overdue, debt_as_of)"
    " SELECT n, n, 1, 'robot', 'active', '', :now, :now, 1000 + (n % 9001), 1000 + (n % 9001), 385,"
    " '2026-03-02' FROM ({series}) AS s",
]


async def fill(url: str, debtors: int) -> float:
    engine = make_engine(url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        series = _SERIES[conn.dialect.name]
        for statement in _FILL:
            now = NOW if conn.dialect.name == "postgresql" else NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
            await conn.execute(text(statement.format(series=series)), {"n": debtors, "now": now})
        if conn.dialect.name == "postgresql":
            for table in ("account", "person", "ownership", "person_phone", "charge", "debt_case"):
                await conn.exec_driver_sql(f"ANALYZE {table}")
                await conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    await engine.dispose()
    return time.perf_counter() - started


async def plan_wave(url: str) -> dict[str, object]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            started = time.perf_counter()
            cases = (await session.execute(select(func.count()).select_from(Case))).scalar_one()
            baseline = time.perf_counter() - started
        async with sessions() as session, session.begin():
            started = time.perf_counter()
            wave = await create_wave(session, WaveSpec(
                name="bench", channel=Channel.CALL, template="debt_call",
                segment=Segment(min_debt=Decimal("2000"), min_days_overdue=30),
                window_start=NOW, window_end=NOW + timedelta(hours=10), per_minute=6000,
                max_concurrent=1_000_000, holdout_share=0.1))
            report = await materialise(session, wave, now=NOW)
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    return {"cases": cases, "members": report.members, "holdout": report.holdout,
            "attempts": report.attempts, "seconds": round(seconds, 2),
            "baseline_count_seconds": round(baseline, 3),
            # The machine may be shared: its 1-minute load average just after planning.
            "load_average": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}


def claims_per_second(url: str, tmp: Path) -> dict[str, object]:
    worker = ROOT / "tests" / "campaigns" / "queue_worker.py"
    log = tmp / f"claims-{uuid.uuid4().hex[:6]}.log"
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, str(worker), url, f"w{i}", str(log), "--budget",
                                   "--now", (NOW + timedelta(minutes=10)).isoformat()], cwd=ROOT)
                 for i in range(CLAIM_WORKERS)]
    for process in processes:
        process.wait()
    seconds = time.perf_counter() - started
    contacts = len(log.read_text().split()) if log.exists() else 0
    log.unlink(missing_ok=True)
    return {"workers": CLAIM_WORKERS, "contacts": contacts, "seconds": round(seconds, 2),
            "claims_per_second": round(contacts / seconds, 1)}


async def _limit_queue(url: str) -> None:
    """Claims are measured on the first attempts only, so the run stays short."""
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(
            "UPDATE attempt SET status = 'cancelled' WHERE id NOT IN"
            " (SELECT id FROM attempt ORDER BY not_before, id LIMIT :n)"), {"n": CLAIM_ATTEMPTS})
    await engine.dispose()


async def run_engine(engine_name: str, debtors: int, *, claims: bool = True) -> dict[str, object]:
    tmp = ROOT / ".cache" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    if engine_name == "postgresql":
        name = f"vozvrat_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        url = f"{base}/{name}"
    else:
        path = tmp / f"wave-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite+aiosqlite:///{path}"
    try:
        await upgrade(url)
        fill_seconds = await fill(url, debtors)
        figures: dict[str, object] = {"fill_seconds": round(fill_seconds, 1), "planning": await plan_wave(url)}
        if claims:
            await _limit_queue(url)
            figures["claims"] = await asyncio.to_thread(claims_per_second, url, tmp)
        return figures
    finally:
        if engine_name == "postgresql":
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debtors", type=int, default=1_000_000)
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument("--planning-only", action="store_true")
    args = parser.parse_args()
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results: dict[str, object] = {"debtors": args.debtors, "engines": previous.get("engines", {})}
    for engine_name in args.engines.split(","):
        figures = await run_engine(engine_name, args.debtors, claims=not args.planning_only)
        if engine_name == "postgresql" and args.debtors >= GOAL_DEBTORS:
            seconds = figures["planning"]["seconds"]  # type: ignore[index]
            figures["goal_seconds"] = GOAL_POSTGRES_SECONDS
            figures["meets_goal"] = seconds <= GOAL_POSTGRES_SECONDS
        results["engines"][engine_name] = figures  # type: ignore[index]
        print(engine_name, json.dumps(figures, ensure_ascii=False), flush=True)
    if args.planning_only:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
