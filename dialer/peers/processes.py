"""The SIP peers Vozvrat runs on loopback for its tests and benchmarks: Kamailio (this folder's
kamailio.cfg), a baresip "debtor" and sipp callees (sipp/*.xml).

Every peer binds 127.0.0.1 on ports the kernel says are free at start, so parallel runs never
collide; each is started in the foreground and stopped by PID.
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dialer.settings import SipSettings

KAMAILIO_CFG = Path(__file__).resolve().parent / "kamailio.cfg"
SIPP_DIR = Path(__file__).resolve().parent / "sipp"
HOST = "127.0.0.1"
PASSWORD = "secret"


# Peers started and not yet stopped; tests stop whatever they left running.
STARTED: list[Kamailio | Baresip | SippCallee] = []


def stop_started() -> None:
    while STARTED:
        STARTED.pop().stop()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def free_tcp_port() -> int:
    """A TCP port the kernel says is free now (for a service started next, e.g. Rasa)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def free_udp_block(size: int = 4) -> int:
    """An even port with the ``size`` ports from it free (sipp puts audio RTP/RTCP and video on
    -mp, +1, +2, +3)."""
    for _ in range(100):
        start = random.randrange(20000, 60000, 2)
        sockets = []
        try:
            for port in range(start, start + size):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind((HOST, port))
            return start
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free block of UDP ports")


def free_tcp_udp_range(width: int) -> int:
    """Start of a port range for a peer that picks its own RTP ports (baresip): random, even."""
    return random.randrange(40000, 60000 - width, 2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _options_ping(port: int, timeout: float = 0.3) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        s.settimeout(timeout)
        me = s.getsockname()[1]
        s.sendto((f"OPTIONS sip:{HOST}:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {HOST}:{me};branch=z9hG4bKping{me}\r\n"
                  f"From: <sip:ping@{HOST}>;tag=p\r\nTo: <sip:{HOST}:{port}>\r\nCall-ID: ping{me}\r\n"
                  "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(), (HOST, port))
        try:
            return s.recv(4096).startswith(b"SIP/2.0 200")
        except OSError:
            return False


@dataclass
class Kamailio:
    workdir: Path
    defines: tuple[str, ...] = ()
    port: int = field(default_factory=free_udp_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Kamailio:
        runtime = self.workdir / f"kamailio-{self.port}"
        runtime.mkdir(parents=True, exist_ok=True)
        args = ["kamailio", "-DD", "-E", "-f", str(KAMAILIO_CFG), "-l", f"udp:{HOST}:{self.port}",
                "-m", "32", "-M", "8", "-Y", str(runtime)]
        for define in self.defines:
            args += ["-A", define]
        self.log = (self.workdir / f"kamailio-{self.port}.log").open("wb")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        STARTED.append(self)
        deadline = time.monotonic() + 10
        while not _options_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kamailio did not start: {self.workdir}")
        return self

    def requests(self, method: str, call_id: str, settle_s: float = 1.0) -> int:
        """How many ``method`` requests of this call reached the proxy (its log prefix names both),
        waiting up to ``settle_s`` for the first to be logged."""
        deadline = time.monotonic() + settle_s
        while True:
            text = (self.workdir / f"kamailio-{self.port}.log").read_text(errors="replace")
            count = sum(1 for line in text.splitlines()
                        if f" {method} {call_id}}}" in line and f"REQ {method} " in line)
            if count or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.log.close()
            self.process = None


@dataclass
class Baresip:
    """A debtor's phone: registers as ``user``, auto-answers, plays ``source`` and records."""

    workdir: Path
    registrar_port: int
    source: Path
    user: str = "debtor"
    port: int = field(default_factory=free_udp_port)
    console_port: int = field(default_factory=free_udp_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def home(self) -> Path:
        return self.workdir / f"baresip-{self.port}"

    @property
    def recordings(self) -> Path:
        return self.home / "rec"

    def start(self) -> Baresip:
        self.home.mkdir(parents=True, exist_ok=True)
        # baresip's sndfile builds each dump's path in a 128-byte buffer: under a deep folder
        # (pytest's temporary paths) the name is cut before its "-enc.wav"/"-dec.wav" and both
        # directions write one file. So baresip records into a short folder, linked from home.
        if not self.recordings.exists():
            self.recordings.symlink_to(tempfile.mkdtemp(prefix="vozvrat-rec-"))
        rtp_low = free_tcp_udp_range(400)
        (self.home / "accounts").write_text(
            f"<sip:{self.user}@{HOST}:{self.registrar_port}>;auth_pass={PASSWORD};answermode=auto;"
            "regint=600;audio_codecs=PCMU\n")
        (self.home / "config").write_text("\n".join([
            "poll_method epoll", f"sip_listen {HOST}:{self.port}", "call_local_timeout 120",
            "call_max_calls 8", "audio_path /usr/share/baresip", "audio_player aubridge,nil",
            f"audio_source aufile,{self.source}", "audio_alert aubridge,nil",
            "ausrc_srate 8000", "auplay_srate 8000", "ausrc_channels 1", "auplay_channels 1",
            "audio_level no", f"rtp_ports {rtp_low}-{rtp_low + 400}", "rtcp_mux no",
            "jitter_buffer_delay 5-10", f"net_interface {HOST}",
            "module_path /usr/lib/baresip/modules", "module g711.so", "module aufile.so",
            "module aubridge.so", "module sndfile.so", "module cons.so",
            f"cons_listen {HOST}:{self.console_port}", "module_app account.so", "module_app menu.so",
            f"snd_path {self.recordings.resolve()}", ""]))
        self.log_path = self.home / "baresip.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(["baresip", "-f", str(self.home)], stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        STARTED.append(self)
        deadline = time.monotonic() + 10
        while b"200 OK" not in self.log_path.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"baresip did not register: {self.log_path.read_text()}")
            time.sleep(0.05)
        return self

    def command(self, text: str) -> None:
        """Type on baresip's console (e.g. a digit sends DTMF in a call, 'b' hangs up)."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(text.encode(), (HOST, self.console_port))

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.log.close()
            self.process = None


@dataclass
class SippCallee:
    """A sipp user agent registered as ``user`` running one UAS scenario of dialer/peers/sipp."""

    workdir: Path
    registrar_port: int
    scenario: str
    user: str
    extra: tuple[str, ...] = ()
    # @NAME@ placeholders of the scenario file and their values (sipp's -key cannot set a status).
    fill: dict[str, str] = field(default_factory=dict)
    # False: reached directly, without a registrar (``registrar_port`` is then unused).
    register: bool = True
    port: int = field(default_factory=free_udp_port)
    media_port: int = field(default_factory=free_udp_block)
    process: subprocess.Popen[bytes] | None = None

    def _sipp(self, scenario: Path, *extra: str) -> list[str]:
        return ["sipp", "-sf", str(scenario), "-i", HOST, "-p", str(self.port), "-s", self.user,
                "-m", "1", "-nostdin", "-trace_err", "-error_file", str(self.workdir / f"sipp-{self.port}.err"),
                *extra, f"{HOST}:{self.registrar_port}"]

    def start(self) -> SippCallee:
        if self.register:
            registered = subprocess.run(self._sipp(SIPP_DIR / "register.xml", "-timeout", "5", "-au", self.user,
                                                   "-ap", PASSWORD),
                                        capture_output=True, cwd=self.workdir, env=_sipp_env())
            if registered.returncode != 0:
                raise RuntimeError(f"sipp did not register: {registered.stdout[-500:]!r}")
        self.log = (self.workdir / f"sipp-{self.port}.log").open("wb")
        scenario = (SIPP_DIR / f"{self.scenario}.xml").read_text()
        for name, value in self.fill.items():
            scenario = scenario.replace(f"@{name}@", value)
        scenario_path = self.workdir / f"{self.scenario}-{self.port}.xml"
        scenario_path.write_text(scenario)
        self.process = subprocess.Popen(
            self._sipp(scenario_path, "-mp", str(self.media_port), "-rtp_echo",
                       *self.extra),
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir, env=_sipp_env())
        STARTED.append(self)
        time.sleep(0.2)
        return self

    def wait(self, timeout: float = 30) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.log.close()
            self.process = None


def _sipp_env() -> dict[str, str]:
    return {**os.environ, "TERM": "dumb"}


def loopback_line_settings(folder: Path, registrar_port: int, **overrides: object) -> SipSettings:
    """The dialer's line registered as ``dialer`` at a loopback Kamailio started WITH_AUTH."""
    values: dict[str, object] = dict(
        registrar=HOST, registrar_port=registrar_port, user="dialer", password=PASSWORD,
        caller_id="74950000000", local_address=HOST, local_port=0, ring_timeout_s=10,
        register_timeout_s=1.0, register_retry_s=1.0, recordings_dir=folder / "recordings")
    values.update(overrides)
    return SipSettings.model_validate(values)
