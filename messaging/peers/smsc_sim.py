"""The SMSC simulator (``messaging/peers/smsc/smsc.js`` on the npm ``smpp`` package) as a child process."""
from __future__ import annotations

import json
import shutil
import signal
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from messaging.peers.process import PeerProcess

SIMULATOR = Path(__file__).resolve().parent / "smsc" / "smsc.js"
USER = "esme"
PASSWORD = "secret"


def start_smsc(folder: Path, *flags: str, lifetime: float = 600, journal: bool = True) -> Smsc:
    """Start the simulator on a free port with a journal in ``folder``; ``flags`` as smsc.js takes them.

    Without the journal (the benchmark) the simulator keeps only its counters.
    """
    if not (SIMULATOR.parent / "node_modules" / "smpp").is_dir():
        raise RuntimeError("the SMSC simulator is not installed: run scripts/setup.sh (npm ci)")
    node = shutil.which("node") or "node"
    journal_file = folder / "smsc-journal.jsonl"
    command = [node, str(SIMULATOR), "--port", "{port}", "--user", USER, "--password", PASSWORD,
               "--lifetime", str(lifetime), *flags]
    if journal:
        command += ["--journal", str(journal_file)]
    process = PeerProcess(command, folder / "smsc.log")
    process.start()
    return Smsc(process, journal_file)


@dataclass
class Smsc:
    process: PeerProcess
    journal: Path

    @property
    def port(self) -> int:
        return self.process.port

    def release_receipts(self) -> None:
        """Have every receipt still owed sent now (SIGUSR2; smsc.js)."""
        assert self.process.process is not None
        self.process.process.send_signal(signal.SIGUSR2)

    def records(self, kind: str) -> list[dict[str, Any]]:
        if not self.journal.exists():
            return []
        rows = (json.loads(line) for line in self.journal.read_text().splitlines() if line)
        return [row for row in rows if row["type"] == kind]

    def messages(self) -> list[dict[str, Any]]:
        """Whole messages the SMSC accepted (long ones after reassembly), in arrival order."""
        return self.records("message")

    def message_counts(self) -> Counter[str]:
        """How many whole messages each destination number received."""
        return Counter(row["dst"] for row in self.messages())

    def stats(self) -> dict[str, int]:
        """The counters printed by the last run on exit (after ``stop``)."""
        for line in reversed(self.process.log.read_text().splitlines()):
            if line.startswith("STATS "):
                return dict(json.loads(line[6:]))
        return {}
