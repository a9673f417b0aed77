"""Web benchmark: case registry and case card latency with a million cases on PostgreSQL.

The debtors are generated in SQL by bench/wave.py's ``fill`` (one account, person, phone, charge
and case each), a tenth of the cases get a finished call so the registry's last-outcome column
has work to do, and ``vozvrat serve`` runs in its own process. This process is the load: an
aiohttp client with 1, then 4, requests in flight, logged in with an API token, asking for
registry pages (first pages and deep keyset pages, with and without filters) and case cards of
random cases, then the dashboard (its charts aggregate every case). Latency is client-side, per
request. Writes bench/results/web.json.

``--baseline REF`` also serves the same database with the code of a git revision (``git archive``
into a temporary folder, its own ``vozvrat serve`` process) and loads it with the same requests,
each page kind and client count on both servers one after the other, so a change's ratio comes
from one run on the one (shared, noisy) machine.

    .venv/bin/python bench/web.py [--debtors N] [--requests N] [--baseline REF]
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import io
import json
import os
import random
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path
from statistics import quantiles

import aiohttp
import asyncpg
from sqlalchemy import text

from backoffice.web.auth.users import issue_token, save_user
from campaigns.plans.loader import load_default_plans
from models.db import make_engine, make_sessionmaker
from models.migrate import upgrade
from models.user import Role

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "web.json"
POSTGRES_ADMIN_DSN = os.environ.get("VOZVRAT_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
GOAL_P99_MS = 100.0
# One client alone shows the service time; four in flight show queueing on the one server process.
CONCURRENCY_LEVELS = (1, 4)
_wave_spec = importlib.util.spec_from_file_location("bench_wave", ROOT / "bench" / "wave.py")
assert _wave_spec and _wave_spec.loader
bench_wave = importlib.util.module_from_spec(_wave_spec)
_wave_spec.loader.exec_module(bench_wave)


async def prepare(url: str, debtors: int) -> tuple[float, str]:
    await upgrade(url)
    fill_seconds = await bench_wave.fill(url, debtors)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            # The bench plan row gets a real definition: the pages name stages from it.
            await session.execute(text(
                "SELECT setval(pg_get_serial_sequence('work_plan', 'id'), (SELECT MAX(id) FROM work_plan))"))
            await load_default_plans(session)
            await session.execute(text(
                "UPDATE work_plan SET definition = (SELECT definition FROM work_plan w"
                " WHERE w.id <> 1 AND w.debtor_kind = 'individual' ORDER BY w.id LIMIT 1) WHERE id = 1"))
            await session.execute(text(
                "INSERT INTO attempt (case_id, person_id, channel, address, template, step_code,"
                " idempotency_key, status, not_before, lease_owner, outcome, outcome_data, note,"
                " created_at, finished_at) SELECT id, account_id, 'call', '', 'debt_call', '',"
                " 'bench-' || id, 'done', :now, '', CASE WHEN id % 3 = 0 THEN 'busy' ELSE 'no_answer' END,"
                " '{}', '', :now, :now FROM debt_case WHERE id % 10 = 0"), {"now": bench_wave.NOW})
            user = await save_user(session, "bench", Role.MANAGER, "bench-password-1")
            token = await issue_token(session, user)
        async with engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE")
    finally:
        await engine.dispose()
    return fill_seconds, token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _export(ref: str, folder: Path) -> None:
    """The project's files at ``ref``, as committed."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")


def _start_server(url: str, code: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``vozvrat serve`` with the code in ``code`` (first on the path, ahead of the installed one)."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(code)}
    server = subprocess.Popen([sys.executable, "-m", "backoffice.cli.main", "serve", "--url", url,
                               "--port", str(port)], cwd=code, env=env, stdout=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


async def _wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError("vozvrat serve exited")
            try:
                async with client.get(f"{base}/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("vozvrat serve did not answer")


def _targets(debtors: int, requests: int, rng: random.Random) -> dict[str, list[str]]:
    deep = [f"/cases?before={rng.randint(2, debtors)}" for _ in range(requests // 4)]
    filtered = [rng.choice([f"/cases?min_debt={rng.randint(1000, 9000)}",
                            "/cases?status=active&stage=robot",
                            f"/cases?building=B1&before={rng.randint(2, debtors)}",
                            "/cases?last_outcome=busy"]) for _ in range(requests // 4)]
    first = ["/cases"] * (requests - len(deep) - len(filtered))
    cards = [f"/cases/{rng.randint(1, debtors)}" for _ in range(requests)]
    return {"case_list": first + deep + filtered, "case_card": cards}


def _cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(base: str, token: str, paths: list[str], concurrency: int,
               server: subprocess.Popen[bytes] | None = None) -> dict[str, float]:
    """Latency as the clients see it; with ``server``, also the server's CPU per request, a figure
    the other work on a shared machine barely moves (latency it moves a lot)."""
    latencies: list[float] = []
    cpu_before = _cpu_seconds(server.pid) if server else 0.0
    queue = list(paths)
    headers = {"Authorization": f"Bearer {token}"}

    async def worker(client: aiohttp.ClientSession) -> None:
        while queue:
            path = queue.pop()
            started = time.perf_counter()
            async with client.get(base + path, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status}")
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    async with aiohttp.ClientSession() as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    cuts = quantiles(latencies, n=100)
    figures = {"requests": len(latencies), "p50_ms": round(cuts[49], 1), "p99_ms": round(cuts[98], 1),
               "max_ms": round(max(latencies), 1),
               "requests_per_second": round(len(latencies) / seconds, 1)}
    if server:
        figures["server_cpu_ms_per_request"] = round(
            (_cpu_seconds(server.pid) - cpu_before) * 1000 / len(latencies), 2)
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debtors", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="per page kind")
    parser.add_argument("--baseline", default="", help="git revision to compare with, e.g. main")
    args = parser.parse_args()
    name = f"vozvrat_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    servers: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    figures: dict[str, dict[str, dict[str, float]]] = {"current": {}, "baseline": {}}
    try:
        with tempfile.TemporaryDirectory(prefix="vozvrat-baseline-") as baseline_code:
            fill_seconds, token = await prepare(url, args.debtors)
            servers["current"] = _start_server(url, ROOT)
            if args.baseline:
                _export(args.baseline, Path(baseline_code))
                servers["baseline"] = _start_server(url, Path(baseline_code))
            for server, base in servers.values():
                await _wait_up(base, server)
            targets = _targets(args.debtors, args.requests, random.Random(2026))
            # Unmeasured: both servers' caches and the database's buffers warm before either is timed.
            for _, base in servers.values():
                for paths in targets.values():
                    await load(base, token, paths, max(CONCURRENCY_LEVELS))
            for turn, level in enumerate(CONCURRENCY_LEVELS):
                # Who goes first alternates, so a drift in the machine's load favours neither.
                order = list(servers.items())[::(-1) ** turn]
                for kind, paths in targets.items():
                    for label, (server, base) in order:
                        figures[label][f"{kind}_concurrency_{level}"] = await load(
                            base, token, paths, level, server)
            # The managers' dashboard aggregates every case: measured, outside the page goal.
            dashboard = await load(servers["current"][1], token, ["/"] * max(args.requests // 10, 10), 1)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    current = figures["current"]
    results: dict[str, object] = {
        "engine": "postgresql", "cases": args.debtors, "fill_seconds": round(fill_seconds, 1),
        **current, "goal_p99_ms": GOAL_P99_MS,
        # The machine's two cores are shared with other work: the load says how busy it was.
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "meets_goal": all(f["p99_ms"] <= GOAL_P99_MS for f in current.values()),
        "dashboard_concurrency_1": dashboard}
    if args.baseline:
        baseline = figures["baseline"]
        results["baseline"] = {"revision": args.baseline, **baseline,
                               "meets_goal": all(f["p99_ms"] <= GOAL_P99_MS for f in baseline.values())}
        results["baseline_over_current"] = {
            key: {figure: round(baseline[key][figure] / current[key][figure], 2)
                  for figure in ("p50_ms", "p99_ms", "server_cpu_ms_per_request")} for key in current}
    print(json.dumps(results, ensure_ascii=False, indent=2), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
