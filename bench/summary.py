"""The one table of every benchmark's figures beside its goal, from bench/results/*.json.

Goals are the issues' (import < 60 s and wave planning ≤ 60 s on PostgreSQL, voice bot p95 ≤ 500 ms
and ≥ 16 calls, dialer 100 calls at p99.9 ≤ 25 ms and ≥ 16 calls with the bot on the line,
SMS ≥ 4 000/s, email ≥ 600/s, AMD without a person taken for a machine or the reverse and a person
decided within 2.5 s, ≥ 20 DOCX packs/s, web p99 ≤ 100 ms). A benchmark whose file is missing, or
lacks a figure, shows "not measured".

    .venv/bin/python bench/summary.py [--results DIR] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

Figures = dict[str, Any]


@dataclass(frozen=True)
class Row:
    benchmark: str  # the results file's stem and the script's name
    figure: str
    read: Callable[[Figures], float | None]
    unit: str
    goal: str
    # True when the figure meets the goal; None: no goal, the figure is for information.
    meets: Callable[[float], bool] | None


def dig(data: Any, *path: str | int) -> Any:
    """``data[path[0]][path[1]]…``, or None where any step is missing."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _best_dialer_p999(data: Figures) -> float | None:
    """The lowest p99.9 packet interval measured at 100 calls or more, over any process split."""
    levels = [level for level in data.get("levels", []) if level.get("calls", 0) >= 100]
    values = [dig(level, "packet_interval_ms", "p99_9") for level in levels]
    values = [value for value in values if value is not None]
    return min(values) if values else None


def _best_email_rate(data: Figures) -> float | None:
    variants = dig(data, "email") or {}
    rates = [dig(v, "per_second") for v in variants.values() if isinstance(v, dict)]
    rates = [rate for rate in rates if rate is not None]
    return max(rates) if rates else None


def _most_real_time_calls(data: Figures) -> float | None:
    calls = dig(data, "most_real_time_calls") or {}
    return max(calls.values()) if calls else None


def _web_p99(clients: int) -> Callable[[Figures], float | None]:
    """The worse of the case registry and the case card with ``clients`` at once."""
    def worse(data: Figures) -> float | None:
        values = [dig(data, f"{page}_concurrency_{clients}", "p99_ms") for page in ("case_list", "case_card")]
        values = [value for value in values if value is not None]
        return max(values) if values else None
    return worse


def _amd_mistakes(data: Figures) -> float | None:
    human, machine = dig(data, "acoustic", "human_for_a_machine"), dig(data, "acoustic", "machine_for_a_person")
    return None if human is None or machine is None else human + machine


ROWS: tuple[Row, ...] = (
    Row("import", "billing import, PostgreSQL", lambda d: dig(d, "engines", "postgresql", "seconds"),
        "s", "< 60 s", lambda v: v < 60),
    Row("import", "billing import, SQLite", lambda d: dig(d, "engines", "sqlite", "seconds"),
        "s", "—", None),
    Row("wave", "wave planning, PostgreSQL", lambda d: dig(d, "engines", "postgresql", "planning", "seconds"),
        "s", "≤ 60 s", lambda v: v <= 60),
    Row("wave", "claims, PostgreSQL, 4 workers",
        lambda d: dig(d, "engines", "postgresql", "claims", "claims_per_second"), "/s", "—", None),
    Row("voicebot", "bot response p95", lambda d: dig(d, "latency", "response_p95_seconds"),
        "s", "≤ 0.5 s", lambda v: v <= 0.5),
    Row("voicebot", "calls at real time at once", _most_real_time_calls, "calls", "≥ 16", lambda v: v >= 16),
    Row("dialer", "RTP interval p99.9 at 100 calls", _best_dialer_p999, "ms", "≤ 25 ms", lambda v: v <= 25),
    Row("dialer", "calls with the voice bot at real time", lambda d: _most_real_time_calls(dig(d, "with_bot")),
        "calls", "≥ 16", lambda v: v >= 16),
    Row("messaging", "SMS per second (window 50)", lambda d: dig(d, "sms", "windowed", "per_second"),
        "/s", "≥ 4\u00a0000/s", lambda v: v >= 4000),
    Row("messaging", "emails per second", _best_email_rate, "/s", "≥ 600/s", lambda v: v >= 600),
    Row("amd", "person↔machine mistakes", _amd_mistakes, "", "0", lambda v: v == 0),
    Row("amd", "accuracy on sound alone", lambda d: dig(d, "acoustic", "accuracy"), "", "—", None),
    Row("amd", "person decided, slowest", lambda d: dig(d, "acoustic", "person_decided_after_s_max"),
        "s", "≤ 2.5 s", lambda v: v <= 2.5),
    Row("documents", "DOCX court packs per second", lambda d: dig(d, "docx", "packs_per_second"),
        "/s", "≥ 20/s", lambda v: v >= 20),
    Row("web", "registry and card p99, one client", _web_p99(1), "ms", "≤ 100 ms", lambda v: v <= 100),
    Row("web", "registry and card p99, 4 clients", _web_p99(4), "ms", "≤ 100 ms", lambda v: v <= 100),
    Row("audit", "audit row p99 at 4 clients, group commit, SQLite",
        lambda d: dig(d, "engines", "sqlite", "group_commit", "p99_ms"), "ms", "—", None),
    Row("audit", "audit row CPU, transaction per row ÷ group commit, PostgreSQL",
        lambda d: dig(d, "engines", "postgresql", "transaction_per_row_over_group_commit", "cpu_ms_per_row"),
        "", "—", None),
    Row("rasa_nlu", "Rasa parse p95", lambda d: dig(d, "parse_ms_p95"), "ms", "—", None),
)


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}".replace(",", "\u00a0") if abs(value) >= 100 else f"{value:.3g}"
    return f"{text}{unit}" if unit.startswith("/") or not unit else f"{text} {unit}"


def load(results: Path) -> dict[str, Figures]:
    """Each results file by its stem; a file that is not valid JSON counts as missing."""
    found: dict[str, Figures] = {}
    for path in sorted(results.glob("*.json")):
        try:
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return found


def table(figures: dict[str, Figures]) -> str:
    lines = ["| benchmark | figure | measured | goal | met |", "|---|---|---|---|---|"]
    for row in ROWS:
        data = figures.get(row.benchmark)
        value = row.read(data) if data is not None else None
        if value is None:
            measured, met = "not measured", "—"
        else:
            measured = _number(value, row.unit)
            met = "—" if row.meets is None else ("yes" if row.meets(value) else "**no**")
        lines.append(f"| {row.benchmark} | {row.figure} | {measured} | {row.goal} | {met} |")
    return "\n".join(lines) + "\n"


def summary(figures: dict[str, Figures], title: str = "Benchmarks") -> str:
    missing = sorted({row.benchmark for row in ROWS} - set(figures))
    note = f"\nNot measured yet: {', '.join(missing)}.\n" if missing else ""
    return (f"# {title}\n\nEvery figure beside its goal, read from `bench/results/*.json` "
            f"(each file says its size, machine and load). Made by `bench/run_all`; the README "
            f"explains each benchmark.\n\n{table(figures)}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=RESULTS / "summary.md")
    parser.add_argument("--title", default="Benchmarks")
    args = parser.parse_args()
    args.out.write_text(summary(load(args.results), args.title), encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
