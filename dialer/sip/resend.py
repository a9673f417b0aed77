"""Resending a non-INVITE request over UDP until it is answered (RFC 3261 17.1.2.2, timers E/F).

pyVoIP sends every request once: a lost BYE leaves the callee's side of the call (and its billing)
running until the callee's own timers end it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

T1_S, T2_S, TIMER_F_S = 0.5, 4.0, 32.0


class Resender:
    def __init__(self, send: Callable[[str], None], text: str,
                 on_done: Callable[[Resender], None]) -> None:
        self._send = send
        self._text = text
        self._on_done = on_done
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._answered = False
        self.sent = 0

    def start(self) -> None:
        self._fire(T1_S, 0.0)

    def answered(self) -> None:
        self.stop()
        self._on_done(self)

    def stop(self) -> None:
        with self._lock:
            self._answered = True
            if self._timer is not None:
                self._timer.cancel()

    def _fire(self, interval: float, waited: float) -> None:
        with self._lock:
            if self._answered:
                return
            if waited >= TIMER_F_S:
                self._answered = True
            else:
                self._send(self._text)
                self.sent += 1
                following = min(interval * 2, T2_S)
                self._timer = threading.Timer(interval, self._fire, (following, waited + interval))
                self._timer.daemon = True
                self._timer.start()
                return
        self._on_done(self)
