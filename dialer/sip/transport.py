"""pyVoIP's SIP client with a single reader of its socket.

pyVoIP 1.6.8 reads the one UDP socket from three places: its receive loop (which flips the socket
between blocking and non-blocking under a lock), invite() and register(). The race raised
BlockingIOError from call() about once in 580 calls, register() can swallow an in-dialog BYE as
if it were its answer, and the receive loop starts only 1 s after start(), so a call placed
sooner loses its 200 OK for that second (and the callee's first second of audio). Here one thread
reads everything from the moment the socket is bound, and dispatches; sending is a plain sendto.
"""
from __future__ import annotations

import logging
import select
import socket
import threading
from collections.abc import Callable

import pyVoIP.VoIP  # noqa: F401  (must come first: importing pyVoIP.SIP first is circular)
from pyVoIP import SIP

from dialer.settings import SipSettings
from dialer.sip.message import SipMessage

log = logging.getLogger(__name__)


class SipTransport(SIP.SIPClient):
    def __init__(self, settings: SipSettings, on_message: Callable[[SipMessage], None]) -> None:
        super().__init__(settings.registrar, settings.registrar_port, settings.user,
                         settings.password, phone=None, myIP=settings.local_address,
                         myPort=settings.local_port)
        self._on_message = on_message
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((self.myIP, self.myPort))
        self.myPort = self.s.getsockname()[1]
        self.out = self.s
        self.NSD = True
        self._reader = threading.Thread(target=self._receive_loop, name=f"SIP receive {self.myPort}",
                                        daemon=True)
        self._reader.start()

    def stop(self) -> None:
        self.NSD = False
        if self._reader is not None:
            self._reader.join(timeout=1)
        self.s.close()

    def send(self, text: str, to: tuple[str, int] | None = None) -> None:
        destination = to or (self.server, self.port)
        try:
            self.s.sendto(text.encode("utf8"), destination)
        except OSError as exc:
            # An unreachable proxy (ICMP) surfaces as a timeout of whatever waited for the answer.
            log.warning("SIP send to %s:%s failed: %s", *destination, exc)

    def reply(self, request: SipMessage, text: str) -> None:
        """Answer where the request came from (RFC 3581 symmetric response routing).

        pyVoIP sends every response to the registrar, so anything that reaches the phone directly
        (a carrier's OPTIONS, a second proxy) never gets its answer.
        """
        self.send(text, request.source)

    def via_of(self, request: SipMessage) -> str:
        return self._gen_response_via_header(request)

    def _receive_loop(self) -> None:
        while self.NSD:
            try:
                ready, _, _ = select.select([self.s], [], [], 0.2)
                if not ready:
                    continue
                raw, source = self.s.recvfrom(65535)
            except (OSError, ValueError):
                if not self.NSD:
                    return
                continue
            if not raw.strip(b"\r\n\x00"):
                continue  # keep-alive
            try:
                message = SipMessage(raw)
                message.source = source
            except Exception as exc:
                log.debug("unparsable SIP datagram dropped: %s", exc)
                continue
            try:
                self._on_message(message)
            except Exception:
                log.exception("SIP message handling failed")
