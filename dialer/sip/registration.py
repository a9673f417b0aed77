"""Keeping the dialer registered, and saying so when it is not.

pyVoIP 1.6.8 reports nothing: a wrong password leaves start() returning normally (status turns
FAILED ~0.5 s later), a registrar that is down blocks start() 30 s and then every call() for ever,
and after three failures it stops the phone for good. Here each attempt ends in a reported status
within ``register_timeout_s``, failures are retried every ``register_retry_s`` for as long as the
dialer runs, and refreshes happen at half the granted expiry.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from dialer.settings import SipSettings
from dialer.sip.dialog import USER_AGENT, new_branch, new_tag
from dialer.sip.digest import authorization, parse_challenge
from dialer.sip.message import ALLOW, SipMessage

log = logging.getLogger(__name__)

_EXPIRES_PARAM = re.compile(r";\s*expires=(\d+)", re.IGNORECASE)


class RegistrationStatus(StrEnum):
    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"
    UNREGISTERED = "unregistered"


@dataclass(frozen=True)
class RegistrationState:
    status: RegistrationStatus
    reason: str = ""
    # When the registrar granted the binding, seconds of validity.
    expires_s: int | None = None


class Registration:
    def __init__(self, settings: SipSettings, address: str, port: int, call_id: str,
                 send: Callable[[str], None], on_change: Callable[[RegistrationState], None]) -> None:
        self._settings = settings
        self._address, self._port = address, port
        self._call_id = call_id
        self._send = send
        self._on_change = on_change
        self._tag = new_tag()
        self._cseq = 0
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._answered_nonce: str | None = None
        self._expires = settings.register_expires_s
        self._running = False
        self.state = RegistrationState(RegistrationStatus.UNREGISTERED)

    def start(self) -> None:
        with self._lock:
            self._running = True
        self._attempt()

    def stop(self) -> None:
        """Cancel timers and drop the binding (Expires: 0), without waiting for the answer."""
        with self._lock:
            was_registered = self._running and self.state.status == RegistrationStatus.REGISTERED
            self._running = False
            self._cancel_timer()
            if was_registered:
                self._expires = 0
                self._send_register("")
            self.state = RegistrationState(RegistrationStatus.UNREGISTERED)

    def _attempt(self) -> None:
        with self._lock:
            if not self._running:
                return
            self._answered_nonce = None
            self._expires = self._settings.register_expires_s
            self._set(RegistrationState(RegistrationStatus.REGISTERING))
            self._send_register("")

    def _send_register(self, auth: str) -> None:
        s = self._settings
        self._cseq += 1
        aor = f"sip:{s.user}@{s.registrar}"
        self._send(f"REGISTER sip:{s.registrar} SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP {self._address}:{self._port};branch={new_branch()};rport\r\n"
                   "Max-Forwards: 70\r\n"
                   f"From: <{aor}>;tag={self._tag}\r\nTo: <{aor}>\r\n"
                   f"Call-ID: {self._call_id}\r\nCSeq: {self._cseq} REGISTER\r\n"
                   f"Contact: <sip:{s.user}@{self._address}:{self._port};transport=udp>\r\n"
                   f"Expires: {self._expires}\r\nAllow: {ALLOW}\r\nUser-Agent: {USER_AGENT}\r\n"
                   f"{auth}Content-Length: 0\r\n\r\n")
        if self._expires:
            self._schedule(self._settings.register_timeout_s, self._timed_out, self._cseq)

    def on_response(self, message: SipMessage) -> None:
        with self._lock:
            if not self._running or int(message.headers["CSeq"]["check"]) != self._cseq:
                return
            code = message.code
            if code < 200:
                return
            self._cancel_timer()
            if code in (401, 407):
                header = "Proxy-Authenticate" if code == 407 else "WWW-Authenticate"
                challenge = parse_challenge(code, message.header_line(header) or "")
                stale = "stale=true" in (message.header_line(header) or "").lower()
                if self._answered_nonce is not None and not stale:
                    self._fail(f"регистратор отверг учётные данные ({code})")
                    return
                self._answered_nonce = challenge.nonce
                s = self._settings
                self._send_register(authorization(challenge, "REGISTER", f"sip:{s.registrar}",
                                                  s.user, s.password))
                return
            if 200 <= code < 300:
                granted = self._granted_expiry(message)
                self._set(RegistrationState(RegistrationStatus.REGISTERED, expires_s=granted))
                self._schedule(max(1.0, granted / 2), self._attempt_from_timer, None)
                return
            self._fail(f"регистратор ответил {code}")

    def _granted_expiry(self, message: SipMessage) -> int:
        contact = message.header_line("Contact") or ""
        found = _EXPIRES_PARAM.search(contact)
        if found:
            return int(found.group(1))
        expires = message.header_line("Expires")
        return int(expires) if expires and expires.isdigit() else self._expires

    def _timed_out(self, cseq: int | None) -> None:
        with self._lock:
            if self._running and cseq == self._cseq:
                self._fail("регистратор не отвечает")

    def _attempt_from_timer(self, _: int | None) -> None:
        self._attempt()

    def _fail(self, reason: str) -> None:
        log.warning("SIP registration failed: %s", reason)
        self._set(RegistrationState(RegistrationStatus.FAILED, reason))
        self._schedule(self._settings.register_retry_s, self._attempt_from_timer, None)

    def _set(self, state: RegistrationState) -> None:
        self.state = state
        self._on_change(state)

    def _schedule(self, delay: float, action: Callable[[int | None], None], arg: int | None) -> None:
        self._cancel_timer()
        self._timer = threading.Timer(delay, action, (arg,))
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
