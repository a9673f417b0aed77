"""A real Jasmin 0.11.0 SMS gateway for one test: jasmind in its own virtual environment (made by
scripts/setup.sh in .cache/venv-jasmin), the machine's Redis and RabbitMQ, every listener on
127.0.0.1 and a free port, configured over jCli with a user for us and a connector to the SMSC
simulator upstream.

0.11.0 is pinned: 0.11.1 sends no delivery receipts (jookies/jasmin#1236).
"""
from __future__ import annotations

import re
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JASMIND = ROOT / ".cache" / "venv-jasmin" / "bin" / "jasmind.py"
PYTHON = ROOT / ".cache" / "venv-jasmin" / "bin" / "python"
# The AMQP spec files Jasmin loads are only in its source archive; set-up copies them here.
RESOURCES = ROOT / ".cache" / "venv-jasmin" / "resource"
USER = "vozvrat"
PASSWORD = "jsecret"
START_TIMEOUT = 90.0
_IAC = 255


def installed() -> bool:
    return JASMIND.exists() and (RESOURCES / "amqp0-9-1.xml").exists()


def services_up() -> bool:
    """Jasmin needs Redis (6379) and RabbitMQ (5672) on this machine."""
    for port in (6379, 5672):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _JCli:
    """jCli is a telnet console: commands in, prompts out (telnet negotiation bytes dropped)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.read_until(rb"jcli : $")

    def read_until(self, pattern: bytes, timeout: float = 15) -> str:
        buffer = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out, i = bytearray(), 0
            while i < len(chunk):
                if chunk[i] == _IAC and i + 2 < len(chunk):
                    i += 3
                    continue
                out.append(chunk[i])
                i += 1
            buffer += bytes(out)
            if re.search(pattern, buffer):
                break
        return buffer.decode(errors="replace")

    def run(self, *lines: str) -> str:
        output = ""
        for line in lines:
            self.sock.sendall(line.encode() + b"\r\n")
            output += self.read_until(rb"(jcli : |> )$")
        return output

    def close(self) -> None:
        self.sock.sendall(b"quit\r\n")
        self.sock.close()


@dataclass
class Jasmin:
    process: subprocess.Popen[bytes]
    smpp_port: int
    jcli_port: int
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        # jasmind holds a machine-wide lock file while it runs; a killed one leaves it behind.
        Path("/tmp/jasmind.lock").unlink(missing_ok=True)


def _config(folder: Path, ports: dict[str, int]) -> Path:
    sections = {
        "smpp-server": {"id": "vozvrat-test", "bind": "127.0.0.1", "port": ports["smpp"]},
        "smpp-server-pb": {"bind": "127.0.0.1", "port": ports["smpp_pb"]},
        "smpp-server-pb-client": {"host": "127.0.0.1", "port": ports["smpp_pb"]},
        "client-management": {"bind": "127.0.0.1", "port": ports["cm"]},
        "router": {"bind": "127.0.0.1", "port": ports["router"], "store_path": folder / "store"},
        "jcli": {"bind": "127.0.0.1", "port": ports["jcli"], "authentication": False},
        "http-api": {"bind": "127.0.0.1", "port": ports["http"]},
        "interceptor": {"bind": "127.0.0.1", "port": ports["interceptor"]},
        "amqp-broker": {"host": "127.0.0.1", "port": 5672},
        "redis-client": {"host": "127.0.0.1", "port": 6379},
    }
    text = "".join(f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()) + "\n"
                   for name, values in sections.items())
    path = folder / "jasmin.cfg"
    path.write_text(text)
    return path


def start_jasmin(folder: Path, upstream_port: int, upstream_user: str, upstream_password: str) -> Jasmin:
    """Start jasmind, configure it, and wait until its connector is bound to the upstream SMSC."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "store").mkdir(exist_ok=True)
    (folder / "log").mkdir(exist_ok=True)
    ports = {name: _free_port() for name in ("smpp", "smpp_pb", "cm", "router", "jcli", "http",
                                               "interceptor")}
    config = _config(folder, ports)
    env = {"ROOT_PATH": str(folder), "LOG_PATH": str(folder / "log"), "CONFIG_PATH": str(folder),
           "STORE_PATH": str(folder / "store"), "RESOURCE_PATH": str(RESOURCES), "PATH": "/usr/bin:/bin"}
    with (folder / "jasmind.out").open("wb") as out:
        process = subprocess.Popen([str(PYTHON), str(JASMIND), "-c", str(config), "--enable-dlr-thrower",
                                    "--enable-dlr-lookup", "--disable-http-api"],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    jasmin = Jasmin(process, ports["smpp"], ports["jcli"], folder)
    try:
        _wait_for_port(ports["jcli"], process, folder)
        _configure(jasmin, upstream_port, upstream_user, upstream_password)
    except BaseException:
        jasmin.stop()
        raise
    return jasmin


def _wait_for_port(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jasmind exited: {(folder / 'jasmind.out').read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"jasmind not up in {START_TIMEOUT} s")


def _configure(jasmin: Jasmin, upstream_port: int, upstream_user: str, upstream_password: str) -> None:
    # A connector name of its own per run, so its RabbitMQ queues never meet an earlier run's.
    cid = f"vz{uuid.uuid4().hex[:8]}"
    jcli = _JCli(jasmin.jcli_port)
    try:
        jcli.run("group -a", "gid vozvrat", "ok")
        jcli.run("user -a", f"username {USER}", f"password {PASSWORD}", "gid vozvrat", "uid vozvrat", "ok")
        jcli.run("smppccm -a", f"cid {cid}", "host 127.0.0.1", f"port {upstream_port}",
                 f"username {upstream_user}", f"password {upstream_password}", "submit_throughput 0",
                 "bind transceiver", "ok")
        jcli.run("mtrouter -a", "type defaultroute", f"connector smppc({cid})", "rate 0.00", "ok")
        jcli.run(f"smppccm -1 {cid}")
        deadline = time.monotonic() + START_TIMEOUT
        listing = ""
        while time.monotonic() < deadline:
            listing = jcli.run("smppccm --list")
            if re.search(rf"#{cid}\s+started\s+BOUND_TRX", listing):
                return
            time.sleep(0.5)
        raise TimeoutError(f"Jasmin's connector {cid} never bound upstream: {listing}")
    finally:
        jcli.close()
