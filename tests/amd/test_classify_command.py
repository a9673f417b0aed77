"""The CLI contract of issue 11, through the installed console script as outside checks run it:
``vozvrat call classify --file CLIP.wav`` prints one JSON object ``{"kind", "decided_after_s"}``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.amd import clips

VOZVRAT = Path(sys.executable).with_name("vozvrat")


def run_classify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VOZVRAT), "call", "classify", *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("name,pcm,kind", [
    ("hello", clips.human("Алло."), "human"),
    ("voicemail", clips.voicemail(clips.GREETINGS[2]), "machine"),
    ("sit", clips.announcement(clips.ANNOUNCEMENTS[2]), "carrier_announcement"),
    ("fax", clips.fax_answer(), "fax"),
])
def test_classify_prints_one_json_object(tmp_path, name, pcm, kind) -> None:
    clip = clips.write_wav(tmp_path / f"{name}.wav", clips.with_noise(pcm))
    result = run_classify("--file", str(clip))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) == {"kind", "decided_after_s"}
    assert answer["kind"] == kind
    assert isinstance(answer["decided_after_s"], float) and 0 < answer["decided_after_s"] < 8


def test_classify_refuses_a_clip_not_in_the_line_format(tmp_path) -> None:
    clip = tmp_path / "cd.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-b", "16", "-c", "2", str(clip),
                    "synth", "1", "sine", "440"], check=True)
    result = run_classify("--file", str(clip))
    assert result.returncode == 2
    assert "8000 Hz 16-bit mono" in result.stderr
    assert result.stdout == ""
