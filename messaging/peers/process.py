"""A peer server run as a child process that prints ``LISTENING <port>`` once it accepts connections."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 20.0


@dataclass
class PeerProcess:
    """Starts ``command`` (``{port}`` in it is replaced) and learns the port it listens on.

    ``restart`` starts it again on the same port, as an operator restarting a crashed server
    would; the output of every run goes to ``log``.
    """

    command: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> PeerProcess:
        argv = [part.replace("{port}", str(self.port)) for part in self.command]
        # Each run's output starts the log afresh, so its LISTENING line is the only one.
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, **self.env}, start_new_session=True)
        self.port = self._wait_for_port()
        return self

    def _wait_for_port(self) -> int:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        seen = 0
        while time.monotonic() < deadline:
            lines = self.log.read_text(errors="replace").splitlines()
            for line in lines[seen:]:
                if line.startswith("LISTENING "):
                    return int(line.split()[1])
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[:2]} exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.02)
        raise TimeoutError(f"{self.command[:2]} did not start: {self.log.read_text()[-2000:]}")

    def freeze(self) -> None:
        """SIGSTOP: the server hangs; what is sent to it meanwhile stays unread and unanswered."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        """SIGKILL: the server dies mid-work, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def restart(self) -> None:
        """Start again on the same port."""
        self.start()
