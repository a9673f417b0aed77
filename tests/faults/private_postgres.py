"""A PostgreSQL server of the test's own (Debian's initdb and pg_ctl, a temp folder, a free port),
so that a test can stop and start it: the machine's shared server is never touched."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tests.voicebot.conftest import free_port


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL's programs, or None where it is not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb and the server refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class PrivatePostgres:
    bin: Path
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> None:
        done = subprocess.run(_as_postgres([str(self.bin / argv[0]), *argv[1:]]),
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.folder / "server.log"
            raise RuntimeError(f"{argv[0]} failed: {done.stderr}\n"
                               f"{log.read_text() if log.exists() else ''}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash as far as clients see it: connections cut, recovery at start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    async def create_database(self, name: str) -> None:
        conn = await asyncpg.connect(host="127.0.0.1", port=self.port, user="postgres",
                                     database="postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_private_postgres() -> PrivatePostgres:
    binary = postgres_bin()
    if binary is None:
        raise FileNotFoundError("no /usr/lib/postgresql/*/bin/initdb")
    folder = Path(tempfile.mkdtemp(prefix="vozvrat-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = PrivatePostgres(binary, folder, free_port())
    server._run("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync", "--locale=C.UTF-8")
    server.start()
    return server
