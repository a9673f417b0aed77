"""A private instance of Debian's postfix for one test: its own configuration, queue and log in a
scratch folder, one smtpd on 127.0.0.1 and a free port, never the machine's default instance.

Mail for example.test is accepted and discarded; ``bounce-*`` recipients are refused with 550
and ``defer-*`` with 450 at RCPT (real postfix reject codes), as is mail for bounce.test (no
transport). Mail for a user of localhost that does not exist is accepted and then bounces by
local delivery, so a delivery status notification goes back to the sender asynchronously.
``bounces`` (domain, port) sends mail for that domain, the bounces among it, over SMTP to
127.0.0.1 on that port.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
START_TIMEOUT = 30.0


def installed() -> bool:
    return Path(POSTFIX).exists() and Path("/etc/postfix/master.cf").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Postfix:
    folder: Path
    config: Path
    port: int
    log: Path

    def _run(self, *args: str) -> None:
        result = subprocess.run([POSTFIX, "-c", str(self.config), *args], capture_output=True,
                                text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"postfix {' '.join(args)}: {result.stderr.strip()}")

    def stop(self) -> None:
        try:
            self._run("stop")
        except RuntimeError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_postfix(cert: Path, key: Path, bounces: tuple[str, int] | None = None) -> Postfix:
    """Start an instance in a folder of its own (``stop`` removes it)."""
    # Postfix's daemons run as the postfix user: the folder must be reachable by it, which a
    # test's private temporary folder is not.
    folder = Path(tempfile.mkdtemp(prefix="vozvrat-postfix-"))
    folder.chmod(0o755)
    config, queue, data = folder / "etc", folder / "queue", folder / "data"
    for path in (config, queue, data):
        path.mkdir(parents=True, exist_ok=True)
    shutil.chown(data, "postfix")
    port = free_port()
    transport = "example.test    discard:sink\n"
    if bounces is not None:
        transport += f"{bounces[0]}    smtp:[127.0.0.1]:{bounces[1]}\n"
    (config / "transport").write_text(transport)
    (config / "rcpt_access").write_text("/^bounce-/    REJECT 5.1.1 User unknown\n"
                                        "/^defer-/     DEFER_IF_PERMIT 4.3.0 Try again later\n")
    log = folder / "maillog"
    settings = {
        "compatibility_level": "3.6",
        "queue_directory": queue, "data_directory": data,
        "inet_interfaces": "127.0.0.1", "inet_protocols": "ipv4",
        "myhostname": "mta.vozvrat.test", "mydomain": "vozvrat.test", "myorigin": "vozvrat.test",
        "mydestination": "localhost", "mynetworks": "127.0.0.0/8",
        "relay_domains": "example.test, bounce.test", "local_recipient_maps": "",
        "alias_maps": "", "alias_database": "",
        "transport_maps": f"hash:{config}/transport",
        "smtpd_recipient_restrictions":
            f"check_recipient_access regexp:{config}/rcpt_access, permit_mynetworks, reject_unauth_destination",
        "smtpd_tls_cert_file": cert, "smtpd_tls_key_file": key,
        "smtpd_tls_security_level": "may", "smtpd_banner": "$myhostname ESMTP test-mta",
        # bounce.test has no transport: its mail is refused by the error transport and bounces.
        "default_transport": "error:no such domain", "relay_transport": "error:no such domain",
        # Postfix writes its log only under the listed prefixes, and fails silently otherwise.
        "maillog_file_prefixes": folder, "maillog_file": log,
        "smtpd_client_connection_rate_limit": "0",
    }
    (config / "main.cf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    master = []
    for line in Path("/etc/postfix/master.cf").read_text().splitlines():
        if line.startswith("smtp ") and " inet " in line:
            line = f"127.0.0.1:{port} inet n - n - - smtpd"
        elif line and not line[0].isspace() and not line.startswith("#"):
            # No chroot: the queue is in the scratch folder, not under /var/spool/postfix.
            fields = line.split()
            if len(fields) >= 8:
                fields[4] = "n"
                line = " ".join(fields)
        master.append(line)
    if not any(line.startswith("postlog ") for line in master):
        # maillog_file needs postlogd (Debian's master.cf has it from postfix 3.4 on).
        master.append("postlog   unix-dgram n  -       n       -       1       postlogd")
    (config / "master.cf").write_text("\n".join(master) + "\n")
    subprocess.run(["postmap", f"{config}/transport"], check=True, capture_output=True)
    postfix = Postfix(folder, config, port, log)
    postfix._run("check")
    postfix._run("start")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return postfix
        except OSError:
            time.sleep(0.2)
    postfix.stop()
    raise TimeoutError(f"postfix did not listen on {port}: {postfix.log_text()[-2000:]}")
