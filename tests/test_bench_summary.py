"""The benchmark table: figures read from results files, each beside its goal."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import json
from pathlib import Path

from bench.summary import ROWS, load, summary, table

BENCH = Path(__file__).resolve().parents[1] / "bench"


def write(folder: Path, name: str, figures: object) -> None:
    (folder / f"{name}.json").write_text(json.dumps(figures), encoding="utf-8")


def rows_of(markdown: str) -> dict[str, list[str]]:
    rows = {}
    for line in markdown.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[1]] = cells
    return rows


def test_each_figure_is_read_and_judged_against_its_goal(tmp_path: Path) -> None:
    write(tmp_path, "import", {"engines": {"postgresql": {"seconds": 48.25}, "sqlite": {"seconds": 166.1}}})
    write(tmp_path, "messaging", {"sms": {"windowed": {"per_second": 3279.3}},
                                  "email": {"reused": {"per_second": 294.0}, "pool_of_4": {"per_second": 610.5},
                                            "goal_per_second": 600}})
    write(tmp_path, "dialer", {"levels": [
        {"calls": 50, "packet_interval_ms": {"p99_9": 12.0}},
        {"calls": 100, "processes": 1, "packet_interval_ms": {"p99_9": 78.0}},
        {"calls": 100, "processes": 2, "packet_interval_ms": {"p99_9": 24.5}}]})
    write(tmp_path, "web", {"case_list_concurrency_1": {"p99_ms": 90.0},
                            "case_card_concurrency_1": {"p99_ms": 140.0}})
    write(tmp_path, "amd", {"acoustic": {"human_for_a_machine": 0, "machine_for_a_person": 1,
                                         "person_decided_after_s_max": 2.4}})
    (tmp_path / "voicebot.json").write_text("{not json", encoding="utf-8")
    rows = rows_of(table(load(tmp_path)))
    assert rows["billing import, PostgreSQL"][2:] == ["48.2 s", "< 60 s", "yes"]
    assert rows["billing import, SQLite"][2:] == ["166 s", "—", "—"]
    assert rows["SMS per second (window 50)"][2:] == ["3\u00a0279/s", "≥ 4\u00a0000/s", "**no**"]
    # The best of the email variants, and the best split of 100 calls.
    assert rows["emails per second"][2:] == ["610/s", "≥ 600/s", "yes"]
    assert rows["RTP interval p99.9 at 100 calls"][2:] == ["24.5 ms", "≤ 25 ms", "yes"]
    # The worse of the two pages.
    assert rows["registry and card p99, one client"][2:] == ["140 ms", "≤ 100 ms", "**no**"]
    assert rows["person↔machine mistakes"][2:] == ["1", "0", "**no**"]
    assert rows["person decided, slowest"][2:] == ["2.4 s", "≤ 2.5 s", "yes"]
    # An unreadable file and a missing one: nothing is made up.
    assert rows["bot response p95"][2:] == ["not measured", "≤ 0.5 s", "—"]
    assert rows["DOCX court packs per second"][2:] == ["not measured", "≥ 20/s", "—"]


def test_the_summary_names_what_was_not_measured(tmp_path: Path) -> None:
    write(tmp_path, "documents", {"docx": {"packs_per_second": 34.1}})
    text = summary(load(tmp_path))
    assert "| documents | DOCX court packs per second | 34.1/s | ≥ 20/s | yes |" in text
    assert "Not measured yet: amd, audit, dialer, import, messaging, rasa_nlu, voicebot, wave, web." in text


def test_run_all_runs_every_benchmark_and_the_table_has_a_row_for_each() -> None:
    loader = importlib.machinery.SourceFileLoader("run_all", str(BENCH / "run_all"))
    spec = importlib.util.spec_from_loader("run_all", loader)
    assert spec is not None
    run_all = importlib.util.module_from_spec(spec)
    loader.exec_module(run_all)
    scripts = {path.stem for path in BENCH.glob("*.py")} - {"summary"}
    assert set(run_all.SIZES) == scripts
    assert {row.benchmark for row in ROWS} == scripts
    # Every option run_all passes is one the benchmark declares.
    for name, sizes in run_all.SIZES.items():
        source = (BENCH / f"{name}.py").read_text(encoding="utf-8")
        for option in (arg for size in sizes for arg in size if arg.startswith("--")):
            assert f'add_argument("{option}"' in source, (name, option)
