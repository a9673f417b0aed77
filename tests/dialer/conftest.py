"""Fixtures starting the real peers (dialer/peers/processes.py) and the dialer's phone line."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from dialer.line import PhoneLine
from dialer.settings import SipSettings
from dialer.peers.processes import HOST, PASSWORD, Kamailio, stop_started


@pytest.fixture(autouse=True)
def _stop_peers() -> Iterator[None]:
    yield
    stop_started()


@pytest.fixture
def kamailio(tmp_path: Path) -> Iterator[Kamailio]:
    proxy = Kamailio(tmp_path, ("WITH_AUTH",)).start()
    yield proxy
    proxy.stop()


def line_settings(tmp_path: Path, registrar_port: int, **overrides: object) -> SipSettings:
    values: dict[str, object] = dict(
        registrar=HOST, registrar_port=registrar_port, user="dialer", password=PASSWORD,
        caller_id="74950000000", local_address=HOST, local_port=0, ring_timeout_s=10,
        register_timeout_s=1.0, register_retry_s=1.0, recordings_dir=tmp_path / "recordings")
    values.update(overrides)
    return SipSettings.model_validate(values)


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
