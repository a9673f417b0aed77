"""What ``vozvrat worker`` runs for each channel: claim that channel's attempts, contact, report."""
from __future__ import annotations

import asyncio
from typing import Protocol


class ChannelWorker(Protocol):
    channel: str

    async def run(self, stop: asyncio.Event) -> None:
        """Work the queue until ``stop`` is set, then finish what was started and return."""

