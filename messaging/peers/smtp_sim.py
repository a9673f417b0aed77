"""The test SMTP server (``smtp_server.py`` on aiosmtpd) as a child process, and a certificate for it."""
from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from messaging.peers.process import PeerProcess

SERVER = Path(__file__).resolve().parent / "smtp_server.py"
USER = "vozvrat"
PASSWORD = "secret"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, made fresh for the test run."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def start_smtp(folder: Path, *, tls: tuple[Path, Path] | None = None, auth: bool = False,
               lifetime: float = 600, keep: bool = True, bounce_to: str = "") -> SmtpServer:
    """Start the server on a free port; ``keep`` False (the benchmark): count, do not write;
    ``bounce_to`` (HOST:PORT): where the bounces of ``late-*`` recipients go."""
    spool = folder / "spool"
    command = [sys.executable, str(SERVER), "--port", "{port}", "--lifetime", str(lifetime)]
    if keep:
        command += ["--spool", str(spool)]
    if tls:
        command += ["--cert", str(tls[0]), "--key", str(tls[1])]
    if auth:
        command += ["--auth", f"{USER}:{PASSWORD}"]
    if bounce_to:
        command += ["--bounce-to", bounce_to]
    process = PeerProcess(command, folder / "smtp.log")
    process.start()
    return SmtpServer(process, spool)


@dataclass
class SmtpServer:
    process: PeerProcess
    spool: Path

    @property
    def port(self) -> int:
        return self.process.port

    def received(self) -> list[tuple[dict[str, Any], EmailMessage]]:
        """Each accepted message: its envelope and the parsed message, in arrival order."""
        result = []
        for meta in sorted(self.spool.glob("*.json")):
            raw = meta.with_suffix(".eml").read_bytes()
            message = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            result.append((json.loads(meta.read_text()), message))
        return result
