"""The Rasa NLU service: reused where one answers, otherwise started for as long as it is needed.

Rasa runs in its own Python 3.10 environment, so Vozvrat never imports it: ``rasa run
--enable-api`` is a child process, healthy once ``GET /status`` names a loaded model. A child that
exits while it is needed is started again (as systemd's ``Restart=always`` does for the shared
service, deploy/systemd/vozvrat-rasa.service); meanwhile the bot's parses fail fast and its calls
go on with keys only.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from voicebot.nlu.rasa_model import rasa_environment, rasa_executable, trained_model, working_directory
from voicebot.nlu.settings import RasaSettings, rasa_settings

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.25
_STOP_SECONDS = 10.0


class RasaStartError(RuntimeError):
    """A started service exited or did not load its model in time."""


async def loaded_model(url: str, timeout: float = 1.0) -> str | None:
    """The model file the service at ``url`` has loaded; None if nothing (healthy) answers."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            async with session.get(f"{url.rstrip('/')}/status") as response:
                if response.status != 200:
                    return None
                status = await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None
    return status.get("model_file") or None


def _log_path(settings: RasaSettings, port: int) -> Path:
    return working_directory(settings) / f"service-{port}.log"


def _tail(path: Path, size: int = 3000) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(errors="replace")[-size:]
    return ""


async def _start(settings: RasaSettings) -> tuple[asyncio.subprocess.Process, Path]:
    address = urlsplit(settings.url)
    host, port = address.hostname or "127.0.0.1", address.port or 5005
    executable, model = rasa_executable(settings), trained_model(settings)
    log_path = _log_path(settings, port)
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            str(executable), "run", "--enable-api", "-m", str(model),
            "-i", host, "--port", str(port),
            cwd=working_directory(settings), env=rasa_environment(),
            stdin=asyncio.subprocess.DEVNULL, stdout=log_file, stderr=asyncio.subprocess.STDOUT,
            # Its own process group, so stopping it reaches whatever it forks.
            start_new_session=True)
    return process, log_path


async def _wait_until_loaded(process: asyncio.subprocess.Process, settings: RasaSettings,
                             log_path: Path) -> None:
    deadline = time.monotonic() + settings.start_timeout
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RasaStartError(f"rasa run exited with {process.returncode} (log {log_path}):\n"
                                 f"{_tail(log_path)}")
        if await loaded_model(settings.url):
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), _POLL_SECONDS)
    raise RasaStartError(f"rasa run did not load its model within {settings.start_timeout:.0f} s "
                         f"(log {log_path}):\n{_tail(log_path)}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), _STOP_SECONDS)
    except asyncio.TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


class _Child:
    """The started ``rasa run``, started again whenever it exits."""

    def __init__(self, settings: RasaSettings) -> None:
        self.settings = settings
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = _log_path(settings, urlsplit(settings.url).port or 5005)

    async def start(self) -> None:
        self.process, self.log_path = await _start(self.settings)
        await _wait_until_loaded(self.process, self.settings, self.log_path)

    async def keep_up(self) -> None:
        assert self.process is not None
        while True:
            code = await self.process.wait()
            log.error("the Rasa service at %s exited with %s; starting it again in %.0f s:\n%s",
                      self.settings.url, code, self.settings.restart_delay, _tail(self.log_path))
            await asyncio.sleep(self.settings.restart_delay)
            try:
                await self.start()
            except RasaStartError as exc:
                log.error("%s", exc)
                await self.stop()
            else:
                log.info("the Rasa service at %s is back", self.settings.url)

    async def stop(self) -> None:
        if self.process is not None:
            await _stop(self.process)


@contextlib.asynccontextmanager
async def rasa_service(settings: RasaSettings | None = None) -> AsyncIterator[str]:
    """The URL of a Rasa service with a loaded model, for the duration of the block.

    One that already answers at ``settings.url`` is used as it is (and left running); otherwise
    ``rasa run`` is started there with the model trained for this checkout, started again if it
    exits, and stopped after.
    Raises ``RasaUnavailable`` when Rasa or the model is not installed, ``RasaStartError`` when
    the started service fails.
    """
    settings = settings or rasa_settings()
    if model := await loaded_model(settings.url):
        log.info("using the Rasa service at %s (model %s)", settings.url, model)
        yield settings.url
        return
    started = time.monotonic()
    child = _Child(settings)
    keeper: asyncio.Task[None] | None = None
    try:
        await child.start()
        log.info("started the Rasa service at %s in %.1f s", settings.url, time.monotonic() - started)
        keeper = asyncio.create_task(child.keep_up())
        yield settings.url
    finally:
        if keeper is not None:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
        await child.stop()
    # Kept only when something went wrong, for whoever looks into it.
    child.log_path.unlink(missing_ok=True)
