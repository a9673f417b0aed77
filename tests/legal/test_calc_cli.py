"""The ``vozvrat calc`` contract, run as the real console script."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# The console script installed beside the interpreter, as the contract's users call it.
_SCRIPT = Path(sys.executable).with_name("vozvrat")
VOZVRAT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "backoffice.cli.main"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VOZVRAT, *args], input=stdin, capture_output=True, text=True,
                          timeout=60, check=False)


def penalty(tmp_path: Path, request: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    done = run("calc", "penalty", "--input", str(path))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_penalty_of_the_worked_example(tmp_path: Path) -> None:
    out = penalty(tmp_path, {
        "as_of": "2026-08-31",
        "charges": [{"period": "2026-03", "amount": "5000.00"}],
        "payments": [],
    })
    assert out["penalty"] == "270.38" and out["debt"] == "5000.00"
    assert [(r["from"], r["to"], r["days"], r["fraction"], r["rate"], r["amount"])
            for r in out["rows"]] == [
        ("2026-05-16", "2026-07-14", 60, "1/300", "9.50", "95.00"),
        ("2026-07-15", "2026-08-31", 48, "1/130", "9.50", "175.38"),
    ]
    assert out["rows"][0]["period"] == "2026-03" and out["rows"][0]["principal"] == "5000.00"


def test_penalty_with_payments_named_and_unnamed(tmp_path: Path) -> None:
    out = penalty(tmp_path, {
        "as_of": "2026-08-31",
        "charges": [{"period": "2026-03", "amount": "5000.00"}],
        "payments": [{"date": "2026-05-20", "amount": "1500.00", "period": "2026-03"},
                     {"date": "2026-08-01", "amount": "1000.00", "period": None}],
    })
    # As test_penalty's partial-payment vector, without the free day-30 payment of 500.
    assert out["debt"] == "2500.00"
    # 2.38 + 19.00 + 13.15 + 2500 × 60 × 9.5 % / 300 (47.50) + 2500 × 48 × 9.5 % / 130 (87.69)
    assert out["penalty"] == "169.72"


def test_options_override_statutory_defaults(tmp_path: Path) -> None:
    base = {"as_of": "2026-04-15", "charges": [{"period": "2026-02", "amount": "1000.00"}]}
    assert penalty(tmp_path, base)["penalty"] == "0.00"
    assert penalty(tmp_path, {**base, "shift_to_working_day": False})["penalty"] == "0.32"
    # The building's day 25: March 2026 due 25.04 (a Saturday) → 27.04; day 31 = 28.05.
    march = {"charges": [{"period": "2026-03", "amount": "1000.00"}], "due_day": 25}
    assert penalty(tmp_path, {**march, "as_of": "2026-05-27"})["penalty"] == "0.00"
    assert penalty(tmp_path, {**march, "as_of": "2026-05-28"})["penalty"] == "0.32"


def test_penalty_input_errors_exit_non_zero_and_name_the_field(tmp_path: Path) -> None:
    done = run("calc", "penalty", "--input", "-", stdin=json.dumps(
        {"as_of": "2026-08-31", "charges": [{"period": "2026-13", "amount": "1"}]}))
    assert done.returncode != 0 and "charges[0].period" in done.stderr
    done = run("calc", "penalty", "--input", str(tmp_path / "missing.json"))
    assert done.returncode != 0 and "cannot read" in done.stderr


@pytest.mark.parametrize(
    ("claim", "kind", "fee"),
    [("150000", "court_order", "2750"), ("150000", "lawsuit", "5500"),
     ("100000", "court_order", "2000"), ("500000", "court_order", "7500"),
     ("500000.01", "lawsuit", "15000")],
)
def test_fee(claim: str, kind: str, fee: str) -> None:
    done = run("calc", "fee", "--claim", claim, "--kind", kind)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"fee": fee}


def test_a_court_order_over_500000_is_refused() -> None:
    done = run("calc", "fee", "--claim", "500000.01", "--kind", "court_order")
    assert done.returncode != 0 and done.stdout == ""
    assert "судебный приказ не выдаётся" in done.stderr


def test_unsettled_points_follow_the_settings(tmp_path: Path) -> None:
    env = {**os.environ, "VOZVRAT_CONFIG": str(tmp_path / "none.toml")}
    request = tmp_path / "feb.json"
    request.write_text(json.dumps(
        {"as_of": "2026-04-15", "charges": [{"period": "2026-02", "amount": "1000.00"}]}))
    for value, penalty in (("true", "0.00"), ("false", "0.32")):
        done = subprocess.run([*VOZVRAT, "calc", "penalty", "--input", str(request)],
                              env={**env, "VOZVRAT_LEGAL_SHIFT_DUE_TO_WORKING_DAY": value},
                              capture_output=True, text=True, timeout=60, check=True)
        assert json.loads(done.stdout)["penalty"] == penalty
    (tmp_path / "vozvrat.toml").write_text("[legal]\nhalve_rounded_fee = false\n")
    done = subprocess.run([*VOZVRAT, "calc", "fee", "--claim", "100030", "--kind", "court_order"],
                          env={**env, "VOZVRAT_CONFIG": str(tmp_path / "vozvrat.toml")},
                          capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == {"fee": "2000"}
