"""``vozvrat demo --check`` as a newcomer runs it: the whole flow on its own SQLite file and
loopback peers (Kamailio, baresip and sipp debtors, Rasa, the SMSC simulator, the SMTP server,
LibreOffice), whatever database the suite runs on, and a JSON summary of what happened."""
from __future__ import annotations

import json
import shutil
import subprocess
import wave
from pathlib import Path

from backoffice.demo_data.expected import EXPECTED_CALLS
from dialer.peers.behaviours import PARTS
from tests.messaging.test_cli import ROOT, VOZVRAT, environment


def test_demo_check_runs_calls_sms_email_courier_and_court_packs_and_reports_them(tmp_path: Path) -> None:
    result = subprocess.run([*VOZVRAT, "demo", "--check", "--data-dir", str(tmp_path / "demo")],
                            env=environment(tmp_path), cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout[result.stdout.index("\n{") + 1:])
    assert summary["failures"] == []
    assert summary["cases_opened"] > 0
    # Every SMS and email the database calls delivered reached the loopback peers.
    assert summary["sms_delivered"] == summary["sms_received_by_smsc"] > 0
    assert summary["emails_delivered"] == summary["emails_received_by_smtp"] > 0
    # The wave's messages: delivered, moved to another day by the daily limit of messages, or
    # cancelled as a call froze the case first.
    assert set(summary["outcomes"]) == {"sms", "email", "call"}
    for channel in ("sms", "email"):
        outcomes = summary["outcomes"][channel]
        assert set(outcomes) <= {"delivered", "deferred", "cancelled"} and outcomes["delivered"] > 0

    # The wave's calls, one to each simulated debtor, each ending as its behaviour must.
    assert summary["outcomes"]["call"] == {"answered": 6, "no_answer": 1, "busy": 1}
    assert (summary["calls_placed"], summary["calls_answered"]) == (8, 6)
    calls = summary["calls"]
    assert set(calls) == set(EXPECTED_CALLS) == {*PARTS, "no_answer", "busy"}
    assert summary["results_per_behaviour"] == {
        "pays": ["payment_to_verify"], "promises": ["promise"], "disputes": ["lawyer_queue"],
        "wrong_person": [], "asks_human": ["operator_callback"], "hangs_up": [],
        "no_answer": [], "busy": []}
    # Without a Russian recogniser the debtors answered by the bot's key menu, 1 confirming.
    assert calls["pays"]["intents"] == ["affirm", "already_paid"]
    assert calls["promises"]["intents"] == ["affirm", "promise_to_pay", "promise_to_pay", "affirm"]
    assert calls["disputes"]["intents"] == ["affirm", "dispute"]
    assert calls["asks_human"]["intents"] == ["affirm", "request_operator"]
    assert (calls["pays"]["case_status"], calls["promises"]["case_status"],
            calls["disputes"]["case_status"]) == ("suspended", "suspended", "escalated")
    # Someone else answered: told nothing of the debt.
    assert calls["wrong_person"]["intents"] == ["wrong_person"]
    assert calls["wrong_person"]["identity_confirmed"] is False
    assert calls["wrong_person"]["disclosed"] is False
    # Hung up during the greeting: heard only part of it, and nothing more was said.
    assert calls["hangs_up"]["intents"] == [] and calls["hangs_up"]["identity_confirmed"] is False
    assert len(calls["hangs_up"]["listened_share"]) == 1
    assert 0 < calls["hangs_up"]["listened_share"][0] < 1
    # Debtors that answered by keys heard every reply to its end before pressing the next.
    for debtor in ("pays", "promises", "disputes", "asks_human", "wrong_person"):
        assert calls[debtor]["heard_whole"] is True, calls[debtor]
    assert summary["intents_heard"] == {"affirm": 5, "already_paid": 1, "promise_to_pay": 2,
                                        "dispute": 1, "request_operator": 1, "wrong_person": 1}

    # The debtors' lines were played from WAV files and reached the bot's recordings.
    lines = sorted((tmp_path / "demo" / "peers" / "calls" / "lines").glob("*.wav"))
    assert len(lines) == len({line.words for part in PARTS.values() for line in part.lines})
    for line in lines:
        with wave.open(str(line)) as clip:
            assert clip.getframerate() == 8000 and clip.getnframes() > 8000

    # The notice stage's courier tasks, on the demo courier's route.
    assert summary["courier_tasks"] > 0
    court = summary["cases_per_stage"]["court"]
    assert court > 0 and summary["packs_generated"] + summary["pack_refusals"] == court
    packs = sorted((tmp_path / "demo" / "packs").glob("*/*.docx"))
    assert len({path.parent for path in packs}) == summary["packs_generated"]
    if shutil.which("soffice"):
        pdfs = sorted((tmp_path / "demo" / "packs").glob("*/*.pdf"))
        assert [path.with_suffix(".docx") for path in pdfs] == packs
        assert summary["packs_pdf"] == summary["packs_generated"]
        assert all(path.read_bytes().startswith(b"%PDF") for path in pdfs)
