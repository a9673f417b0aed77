"""The contract ``vozvrat bot parse --today YYYY-MM-DD --file FILE``, run as the checks outside the suite run it."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.voicebot.conftest import free_port
from voicebot.nlu.rasa_service import loaded_model

VOZVRAT = Path(sys.executable).with_name("vozvrat")
LINES = [
    "да это я",
    "заплачу пятнадцатого",
    "",
    "оплачу 5 декабря",
    "перезвоните вечером",
    "я не буду платить",
]


def run_parse(tmp_path: Path, rasa_url: str, today: str = "2026-11-27") -> subprocess.CompletedProcess[str]:
    utterances = tmp_path / "utterances.txt"
    utterances.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    env = os.environ | {"VOZVRAT_RASA_URL": rasa_url}
    return subprocess.run([str(VOZVRAT), "bot", "parse", "--today", today, "--file", str(utterances)],
                          capture_output=True, text=True, env=env, timeout=600, check=False)


def test_one_json_object_per_line_in_order(tmp_path: Path, rasa_url: str) -> None:
    done = run_parse(tmp_path, rasa_url)
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["text"] for o in objects] == LINES
    assert all(set(o) == {"text", "intent", "confidence", "promise_date"} for o in objects)
    assert [(o["intent"], o["promise_date"]) for o in objects] == [
        ("affirm", None),
        ("promise_to_pay", "2026-12-15"),
        ("nlu_fallback", None),
        ("promise_to_pay", "2026-12-05"),
        ("callback_later", None),
        ("refuse_to_pay", None),
    ]
    assert objects[2]["confidence"] == 0
    assert all(0.45 <= o["confidence"] <= 1 for i, o in enumerate(objects) if i != 2)


def test_dates_resolve_against_today(tmp_path: Path, rasa_url: str) -> None:
    done = run_parse(tmp_path, rasa_url, today="2026-12-20")
    assert done.returncode == 0, done.stderr
    dates = [json.loads(line)["promise_date"] for line in done.stdout.splitlines()]
    assert dates[1] == "2027-01-15" and dates[3] == "2027-12-05"


def test_starts_the_service_when_none_runs(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = run_parse(tmp_path, url)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(LINES)
    assert json.loads(done.stdout.splitlines()[1])["promise_date"] == "2026-12-15"
    # Started for the duration only.
    assert asyncio.run(loaded_model(url)) is None


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([str(VOZVRAT), "bot", "parse", "--today", "2026-11-27",
                           "--file", str(tmp_path / "missing.txt")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "не удалось прочитать" in done.stderr and done.stdout == ""


def test_reads_standard_input(rasa_url: str) -> None:
    env = os.environ | {"VOZVRAT_RASA_URL": rasa_url}
    done = subprocess.run([str(VOZVRAT), "bot", "parse", "--today", "2026-11-27", "--file", "-"],
                          input="до конца месяца оплачу\n", capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"text": "до конца месяца оплачу", "intent": "promise_to_pay",
                                       "confidence": json.loads(done.stdout)["confidence"],
                                       "promise_date": "2026-11-30"}
