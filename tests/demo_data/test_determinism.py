"""A seed always writes the same bytes, whatever the number of worker processes."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from backoffice.demo_data import writer
from backoffice.demo_data.generator import generate
from tests.demo_data.conftest import demo_config


def _contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_same_bytes_in_one_process(demo_dir: Path, tmp_path: Path) -> None:
    generate(demo_config(tmp_path, jobs=1))
    assert _contents(tmp_path) == _contents(demo_dir)


def test_another_seed_another_utility(demo_dir: Path, tmp_path: Path) -> None:
    generate(replace(demo_config(tmp_path, jobs=1), seed=8))
    ours, theirs = _contents(tmp_path), _contents(demo_dir)
    for spec in writer.CSV_FILES:
        assert ours[spec.name] != theirs[spec.name]
    assert ours[writer.CREDITORS_XLSX] == theirs[writer.CREDITORS_XLSX], "one utility for all seeds"
