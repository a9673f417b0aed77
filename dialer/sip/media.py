"""One media clock and one receiver for all calls of a phone.

pyVoIP runs two threads per call (a sender sleeping "20 ms minus the work", a receiver polling
every 10 ms): at 100 calls that is 200 threads fighting for the GIL and the packet interval's
p99.9 went to 61 ms with pyVoIP alone (235 ms here with our per-call threads). Here one thread
sends every live call's packet on one absolute 20 ms clock and one thread receives every call's
packets through epoll.
"""
from __future__ import annotations

import logging
import selectors
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dialer.sip.rtp import PcmRtpClient

log = logging.getLogger(__name__)

PERIOD_S = 0.02
# Behind the clock by more than this (a stalled machine): restart the clock instead of bursting.
MAX_LATE_S = 0.2


class MediaLoop:
    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._senders: dict[int, PcmRtpClient] = {}
        self._running = False
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._running = True
        self._threads = [threading.Thread(target=self._send_loop, name="RTP clock", daemon=True),
                         threading.Thread(target=self._receive_loop, name="RTP receive", daemon=True)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._running = False
        for thread in self._threads:
            thread.join(timeout=1)
        self._selector.close()

    def listen(self, client: PcmRtpClient) -> None:
        with self._lock:
            self._selector.register(client.sin, selectors.EVENT_READ, client)

    def send(self, client: PcmRtpClient) -> None:
        """Send this client's packet every tick from now on (idempotent: a re-INVITE adds nothing)."""
        with self._lock:
            self._senders[id(client)] = client

    def forget(self, client: PcmRtpClient) -> None:
        with self._lock:
            self._senders.pop(id(client), None)
            try:
                self._selector.unregister(client.sin)
            except (KeyError, ValueError):
                pass

    @property
    def sending(self) -> int:
        return len(self._senders)

    def _send_loop(self) -> None:
        start = time.monotonic()
        ticks = 0
        while self._running:
            with self._lock:
                clients = list(self._senders.values())
            for client in clients:
                try:
                    client.tick()
                except Exception:
                    log.exception("RTP send failed")
            ticks += 1
            delay = start + ticks * PERIOD_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -MAX_LATE_S:
                start = time.monotonic() - ticks * PERIOD_S

    def _receive_loop(self) -> None:
        while self._running:
            with self._lock:
                empty = not self._selector.get_map()
            if empty:
                time.sleep(0.05)
                continue
            try:
                ready = self._selector.select(timeout=0.1)
            except (OSError, ValueError):
                continue
            for key, _ in ready:
                client: PcmRtpClient = key.data
                try:
                    packet = client.sin.recv(4096)
                except OSError:
                    continue
                try:
                    client.parse_packet(packet)
                except Exception as exc:
                    log.debug("RTP packet dropped: %s", exc)
