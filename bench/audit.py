"""Audit benchmark: the personal-data audit rows written by concurrent page views, one
transaction per row (the baseline, measured in the same run) against the group commit of
backoffice.web.auth.audit_writer, on PostgreSQL and SQLite.

Four clients each write a row, wait 5 ms (the rest of a page) and write again; latency is per
row until committed, CPU is the writing process's. Writes bench/results/audit.json.

    .venv/bin/python bench/audit.py [--rows N] [--engines postgresql,sqlite]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from statistics import quantiles

import asyncpg

from backoffice.web.auth.audit_writer import AuditWriter
from models.db import make_engine, make_sessionmaker
from models.migrate import upgrade
from models.user import AuditEntry

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "audit.json"
POSTGRES_ADMIN_DSN = os.environ.get("VOZVRAT_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
CLIENTS = 4
# Rounds alternate between the two ways, so a drift in the shared machine's load favours neither.
ROUNDS = 3


async def _clients(write: Callable[[AuditEntry], Awaitable[None]], rows: int) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def client(number: int) -> None:
        for _ in range(rows // CLIENTS):
            started = time.perf_counter()
            await write(AuditEntry(user_login=f"bench-{number}", action="view", subject="case:1"))
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.005)

    cpu = time.process_time()
    await asyncio.gather(*(client(number) for number in range(CLIENTS)))
    return latencies, time.process_time() - cpu


async def measure(url: str, rows: int) -> dict[str, dict[str, float]]:
    await upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    writer = AuditWriter(sessions)

    async def one_transaction_each(entry: AuditEntry) -> None:
        async with sessions.begin() as session:
            session.add(entry)

    ways = {"transaction_per_row": one_transaction_each, "group_commit": writer.write}
    seen: dict[str, tuple[list[float], float]] = {way: ([], 0.0) for way in ways}
    try:
        await _clients(one_transaction_each, CLIENTS * 10)
        for _ in range(ROUNDS):
            for way, write in ways.items():
                latencies, cpu = await _clients(write, rows // ROUNDS)
                seen[way] = (seen[way][0] + latencies, seen[way][1] + cpu)
    finally:
        await engine.dispose()
    figures = {}
    for way, (latencies, cpu) in seen.items():
        cuts = quantiles(latencies, n=100)
        figures[way] = {"rows": len(latencies), "p50_ms": round(cuts[49], 2), "p99_ms": round(cuts[98], 2),
                        "cpu_ms_per_row": round(cpu * 1000 / len(latencies), 3)}
    figures["transaction_per_row_over_group_commit"] = {
        key: round(figures["transaction_per_row"][key] / figures["group_commit"][key], 2)
        for key in ("p50_ms", "p99_ms", "cpu_ms_per_row")}
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1200)
    parser.add_argument("--engines", default="postgresql,sqlite")
    args = parser.parse_args()
    engines: dict[str, dict[str, dict[str, float]]] = {}
    for engine_name in args.engines.split(","):
        if engine_name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                figures = await measure(f"sqlite+aiosqlite:///{folder}/audit.db", args.rows)
        else:
            name = f"vozvrat_bench_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
                figures = await measure(f"{base}/{name}", args.rows)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
        engines[engine_name] = figures
    results = {"clients": CLIENTS, "engines": engines,
               # The machine's two cores are shared with other work: the load says how busy it was.
               "load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    print(json.dumps(results, ensure_ascii=False, indent=2), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
