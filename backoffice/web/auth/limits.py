"""Login rate limiting: failed attempts per login name and per address in a sliding window.

In process memory: the backoffice runs as one process; a restart forgets the counts, which only
ever lets a few more guesses through, never locks anyone out for longer.
"""
from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginLimiter:
    """``attempts`` maps a key's kind (the part before ":", e.g. "login", "addr") to its limit."""

    def __init__(self, attempts: dict[str, int], window_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._attempts = attempts
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        horizon = self._clock() - self._window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> float:
        """Seconds until another try is allowed for all of ``keys`` (0: allowed now)."""
        waits = [self._recent(key)[0] + self._window - self._clock() for key in keys
                 if len(self._recent(key)) >= self._attempts[key.split(":", 1)[0]]]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self._clock())

    def succeeded(self, login_key: str) -> None:
        self._failures.pop(login_key, None)
