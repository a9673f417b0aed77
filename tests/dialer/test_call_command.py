"""``vozvrat call test NUMBER`` against Kamailio and a baresip debtor, as an operator runs it."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import wave
from pathlib import Path

from dialer.peers.processes import HOST, PASSWORD, Baresip, Kamailio
from tests.dialer.speech import speak

ROOT = Path(__file__).resolve().parents[2]


def _run(kamailio: Kamailio, tmp_path: Path, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOZVRAT_CONFIG": str(tmp_path / "none.toml"),
           "VOZVRAT_SIP_REGISTRAR": HOST, "VOZVRAT_SIP_REGISTRAR_PORT": str(kamailio.port),
           "VOZVRAT_SIP_USER": "operator", "VOZVRAT_SIP_PASSWORD": password,
           "VOZVRAT_SIP_LOCAL_ADDRESS": HOST, "VOZVRAT_SIP_LOCAL_PORT": "0",
           "VOZVRAT_SIP_REGISTER_TIMEOUT_S": "1",
           "VOZVRAT_SIP_RECORDINGS_DIR": str(tmp_path / "recordings")}
    return subprocess.run([sys.executable, "-m", "backoffice.cli.main", "call", "test", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


async def test_line_check_plays_the_phrase_and_prints_progress(tmp_path: Path, kamailio: Kamailio) -> None:
    clip = await asyncio.to_thread(speak, tmp_path / "hello.wav", "Алло, слушаю вас.", 15.0)
    debtor = await asyncio.to_thread(Baresip(tmp_path, kamailio.port, clip).start)
    try:
        done = await asyncio.to_thread(_run, kamailio, tmp_path, "debtor")
    finally:
        debtor.stop()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("зарегистрирован на")
    assert any("идёт вызов (SIP 180)" in line for line in lines)
    assert any("ответ (SIP 200)" in line for line in lines)
    assert any("фраза проиграна на 100%" in line for line in lines)
    assert any("вызов завершён: we_hung_up" in line for line in lines)
    assert lines[-1].startswith("итог: answered")
    # The debtor heard the phrase: several seconds of speech in baresip's dump of what it got.
    with wave.open(str(next(debtor.recordings.glob("*-dec.wav")))) as dump:
        assert dump.getnframes() / dump.getframerate() > 3


async def test_line_check_reports_a_registration_failure(tmp_path: Path, kamailio: Kamailio) -> None:
    done = await asyncio.to_thread(_run, kamailio, tmp_path, "debtor", password="wrong")
    assert done.returncode == 2
    assert "регистрация" in done.stderr and "учётные данные" in done.stderr


async def test_line_check_of_an_unknown_number(tmp_path: Path, kamailio: Kamailio) -> None:
    done = await asyncio.to_thread(_run, kamailio, tmp_path, "nobody")
    assert done.returncode == 1
    assert "вызов завершён (SIP 404): not_found" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("итог: unreachable")
