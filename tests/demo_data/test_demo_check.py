"""``vozvrat demo --check`` as a newcomer runs it: the whole flow on its own SQLite file and
loopback peers (Kamailio, baresip and sipp debtors, Rasa, the SMSC simulator, the SMTP server),
whatever database the suite runs on, and a JSON summary of what happened."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.messaging.test_cli import ROOT, VOZVRAT, environment


def test_demo_check_runs_calls_sms_email_and_court_packs_and_reports_them(tmp_path: Path) -> None:
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
    # The wave's messages: delivered, or moved to another day by the daily limit of messages.
    assert set(summary["outcomes"]) == {"sms", "email", "call"}
    for channel in ("sms", "email"):
        outcomes = summary["outcomes"][channel]
        assert set(outcomes) <= {"delivered", "deferred"} and outcomes["delivered"] > 0
    # The wave's calls, one to each simulated debtor: the one who confirms by key 1 and lets the
    # bot close, the one who hangs up at once, the one who does not answer, the busy one.
    assert summary["outcomes"]["call"] == {"answered": 2, "no_answer": 1, "busy": 1}
    assert (summary["calls_placed"], summary["calls_answered"]) == (4, 2)
    calls = summary["calls"]
    assert calls["confirms"]["identity_confirmed"] is True
    assert calls["confirms"]["intents"] == ["affirm", "nlu_fallback", "nlu_fallback", "nlu_fallback"]
    assert calls["hangs_up"]["intents"] == [] and calls["hangs_up"]["identity_confirmed"] is False
    assert summary["intents_heard"] == {"affirm": 1, "nlu_fallback": 3}
    court = summary["cases_per_stage"]["court"]
    assert court > 0 and summary["packs_generated"] + summary["pack_refusals"] == court
    packs = sorted((tmp_path / "demo" / "packs").glob("*/*.docx"))
    assert len({path.parent for path in packs}) == summary["packs_generated"]
