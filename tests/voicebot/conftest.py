"""The real Rasa service, started once per test session on a free port."""
from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from voicebot.nlu.rasa_model import RasaUnavailable
from voicebot.nlu.rasa_service import rasa_service
from voicebot.nlu.settings import RasaSettings, rasa_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_on_free_port() -> RasaSettings:
    """This checkout's Rasa and model, at a port no other test run uses."""
    return rasa_settings().model_copy(update={"url": f"http://127.0.0.1:{free_port()}"})


@pytest.fixture(scope="session")
def rasa_test_settings() -> RasaSettings:
    return settings_on_free_port()


@pytest.fixture(scope="session")
async def rasa_url(rasa_test_settings: RasaSettings) -> AsyncIterator[str]:
    # No skip: scripts/setup.sh installs Rasa and trains the model, so a missing one is a failure.
    try:
        async with rasa_service(rasa_test_settings) as url:
            yield url
    except RasaUnavailable as exc:
        pytest.fail(str(exc))
