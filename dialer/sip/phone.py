"""The dialer's phone: one SIP transport and registration, many outbound calls (thread side).

Replaces pyVoIP's VoIPPhone, whose call() blocks on the shared socket and whose dispatch ignores
most final responses (see call.py); its SIP message parser, client and RTP client stay in use.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from dialer.audio.recording import CallRecording
from dialer.settings import SipSettings
from dialer.sip.call import DialerCall
from dialer.sip.dialog import new_tag, response
from dialer.sip.message import SipMessage
from dialer.sip.progress import CallEvent
from dialer.sip.registration import Registration, RegistrationState
from dialer.sip.transport import SipTransport

log = logging.getLogger(__name__)


class DialerPhone:
    def __init__(self, settings: SipSettings,
                 on_registration: Callable[[RegistrationState], None] = lambda state: None,
                 register: bool = True) -> None:
        self.settings = settings
        self.transport = SipTransport(settings, self._dispatch)
        self._on_registration = on_registration
        self._register = register
        self.registration: Registration | None = None
        self.calls: dict[str, DialerCall] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self.transport.start()
        if self._register:
            self.registration = Registration(self.settings, self.transport.myIP, self.transport.myPort,
                                             self.transport.gen_call_id(), self.transport.send,
                                             self._on_registration)
            self.registration.start()

    def stop(self) -> None:
        for call in list(self.calls.values()):
            call.hang_up()
        if self.registration is not None:
            self.registration.stop()
        self.transport.stop()

    def dial(self, number: str, listener: Callable[[CallEvent], None],
             on_frame: Callable[[bytes], None], recording: CallRecording | None = None,
             ring_timeout_s: float | None = None) -> DialerCall:
        """Send the INVITE and return at once; progress arrives through ``listener``."""
        call = DialerCall(self, number, listener, on_frame, recording,
                          ring_timeout_s if ring_timeout_s is not None else self.settings.ring_timeout_s)
        with self._lock:
            self.calls[call.call_id] = call
        call.start()
        return call

    def forget(self, call: DialerCall) -> None:
        with self._lock:
            self.calls.pop(call.call_id, None)

    def _dispatch(self, message: SipMessage) -> None:
        call_id = message.headers.get("Call-ID", "")
        if message.is_response:
            if message.cseq_method == "REGISTER":
                if self.registration is not None:
                    self.registration.on_response(message)
                return
            call = self.calls.get(call_id)
            if call is not None:
                call.on_response(message)
            return
        call = self.calls.get(call_id)
        if call is not None:
            call.on_request(message)
            return
        self._out_of_dialog(message)

    def _out_of_dialog(self, message: SipMessage) -> None:
        method = message.method
        if method == "ACK":
            return
        via, tag = self.transport.via_of(message), new_tag()
        if method == "OPTIONS":
            # A carrier's keep-alive: pyVoIP never answers it and the trunk marks us down.
            self.transport.reply(message, response(message, 200, "OK", via, tag,
                                         extra="Accept: application/sdp\r\n"))
        elif method in ("NOTIFY", "INFO"):
            self.transport.reply(message, response(message, 200, "OK", via, tag))
        elif method == "INVITE":
            # The dialer takes no inbound calls.
            self.transport.reply(message, response(message, 486, "Busy Here", via, tag))
        elif method in ("BYE", "CANCEL"):
            self.transport.reply(message, response(message, 481, "Call/Transaction Does Not Exist", via, tag))
        else:
            self.transport.reply(message, response(message, 405, "Method Not Allowed", via, tag))
