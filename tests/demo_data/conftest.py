"""One demo utility generated per test session, read back by the invariant tests."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from backoffice.demo_data.generator import CHUNK_ACCOUNTS, DemoConfig, generate

AS_OF = date(2026, 5, 9)
SEED = 7
# More than one chunk, so the parallel path and the joining of chunks are exercised.
ACCOUNTS = CHUNK_ACCOUNTS + 500
MONTHS = 36
SERVICES = 4


def demo_config(out: Path, jobs: int) -> DemoConfig:
    return DemoConfig(accounts=ACCOUNTS, out=out, seed=SEED, months=MONTHS, as_of=AS_OF,
                      services=SERVICES, jobs=jobs)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(demo_config(out, jobs=2))
    return out


def read_rows(path: Path, encoding: str) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def kopecks(amount: str) -> int:
    roubles, _, cents = amount.partition(",")
    assert len(cents) == 2, amount
    return int(roubles) * 100 + int(cents)
