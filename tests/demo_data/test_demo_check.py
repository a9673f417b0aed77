"""``vozvrat demo --check`` as a newcomer runs it: the whole flow on its own SQLite file and
loopback peers, whatever database the suite runs on, and a JSON summary of what happened."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.messaging.test_cli import ROOT, VOZVRAT, environment


def test_demo_check_runs_the_wave_and_the_court_packs_and_reports_them(tmp_path: Path) -> None:
    result = subprocess.run([*VOZVRAT, "demo", "--check", "--data-dir", str(tmp_path / "demo")],
                            env=environment(tmp_path), cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout[result.stdout.index("\n{") + 1:])
    assert summary["failures"] == []
    assert summary["cases_opened"] > 0
    # Every SMS and email the database calls delivered reached the loopback peers.
    assert summary["sms_delivered"] == summary["sms_received_by_smsc"] > 0
    assert summary["emails_delivered"] == summary["emails_received_by_smtp"] > 0
    # The wave's attempts: delivered, or moved to another day by the daily limit of messages.
    assert set(summary["outcomes"]) == {"sms", "email"}
    for outcomes in summary["outcomes"].values():
        assert set(outcomes) <= {"delivered", "deferred"} and outcomes["delivered"] > 0
    court = summary["cases_per_stage"]["court"]
    assert court > 0 and summary["packs_generated"] + summary["pack_refusals"] == court
    packs = sorted((tmp_path / "demo" / "packs").glob("*/*.docx"))
    assert len({path.parent for path in packs}) == summary["packs_generated"]
