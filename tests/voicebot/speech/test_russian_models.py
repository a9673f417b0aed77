"""The Russian model installer fails clearly where the models cannot be downloaded."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_installer_says_why_it_cannot_download() -> None:
    # A port that was free a moment ago: nothing listens, so the download is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, VOZVRAT_VOSK_MODELS_URL=f"http://127.0.0.1:{port}",
               VOZVRAT_PIPER_VOICES_URL=f"http://127.0.0.1:{port}")
    script = ROOT / "scripts" / "install_russian_speech.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 1
    assert "cannot download" in done.stderr and "no internet access" in done.stderr
    assert not list((ROOT / "var" / "speech-models").glob("*.part"))
