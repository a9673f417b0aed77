"""Fixtures starting the real peers (dialer/peers/processes.py) and the dialer's phone line."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from dialer.line import PhoneLine
# The voice bot's engines (vosk, VAD, end of turn, espeak-ng), loaded once for the run.
from tests.voicebot.speech.conftest import engines  # noqa: F401
from dialer.peers.processes import Kamailio, loopback_line_settings, stop_started


@pytest.fixture(autouse=True)
def _stop_peers() -> Iterator[None]:
    yield
    stop_started()


@pytest.fixture
def kamailio(tmp_path: Path) -> Iterator[Kamailio]:
    proxy = Kamailio(tmp_path, ("WITH_AUTH",)).start()
    yield proxy
    proxy.stop()


# The tests' name for the loopback line's settings.
line_settings = loopback_line_settings


@pytest.fixture
def make_line(tmp_path: Path) -> Iterator[Callable[..., PhoneLine]]:
    lines: list[PhoneLine] = []

    def _make(registrar_port: int, **overrides: object) -> PhoneLine:
        line = PhoneLine(line_settings(tmp_path, registrar_port, **overrides))
        lines.append(line)
        return line

    yield _make
    for line in lines:
        if line._phone is not None:
            line._phone.stop()


@pytest.fixture
async def line(kamailio: Kamailio, make_line: Callable[..., PhoneLine]) -> AsyncIterator[PhoneLine]:
    phone_line = make_line(kamailio.port)
    await phone_line.start()
    yield phone_line
