"""One outbound call's state machine, driven by the SIP receive thread and by timers.

pyVoIP's VoIPCall/VoIPPhone leave a call in DIALING for ever on 486, 408, 500 or 503 (no ACK,
and hangup() then raises), raise KeyError when a 404 is the first answer, have no ring timeout or
CANCEL, hang on a 407 challenge, and restart RTP on a re-INVITE. Every path here ends the call
exactly once with a ``CallEnd``.
"""
from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from dialer.audio.frames import FRAME_MS
from dialer.audio.recording import CallRecording
from dialer.sip.dialog import Dialog, MediaAnswer, contact_uri, media_answer, response, sdp
from dialer.sip.digest import authorization, parse_challenge
from dialer.sip.message import SipMessage
from dialer.sip.progress import CallEnd, CallEvent, Progress, end_of_final_response
from dialer.sip.resend import Resender
from dialer.sip.rtp import PcmRtpClient

if TYPE_CHECKING:
    from dialer.sip.phone import DialerPhone

log = logging.getLogger(__name__)

# After our CANCEL the callee owes a 487; if it never comes the call still ends. Long enough for
# the CANCEL's own retransmissions at 0.5, 1.5 and 3.5 s (a CANCEL lost twice still arrives).
CANCEL_GRACE_S = 4.0
# RFC 3261 17.1.1.2 over UDP: resend the INVITE at T1, doubling up to T2, until anything answers;
# silence for 64·T1 means the proxy is unreachable (pyVoIP never resends and waits for ever).
T1_S, T2_S, TIMER_B_S = 0.5, 4.0, 32.0
_INFO_SIGNAL = re.compile(r"Signal\s*=\s*([0-9*#A-D])", re.IGNORECASE)


class State(Enum):
    CALLING = "calling"
    RINGING = "ringing"
    CANCELLING = "cancelling"
    ANSWERED = "answered"
    ENDED = "ended"


class DialerCall:
    def __init__(self, phone: DialerPhone, number: str, listener: Callable[[CallEvent], None],
                 on_frame: Callable[[bytes], None], recording: CallRecording | None,
                 ring_timeout_s: float) -> None:
        settings, transport = phone.settings, phone.transport
        self.phone = phone
        self.rtp = PcmRtpClient(phone.media, settings.local_address, settings.rtp_port_low, settings.rtp_port_high,
                                on_frame=on_frame, on_dtmf=self.on_dtmf, recording=recording,
                                early_media_frames=round(settings.early_media_max_s * 1000 / FRAME_MS))
        port = self.rtp.open()
        self.offered = tuple(settings.codecs)
        session_id = random.randint(1, 2**31)
        self.dialog = Dialog(call_id=transport.gen_call_id(), number=number,
                             registrar=f"{settings.registrar}:{settings.registrar_port}",
                             local_address=transport.myIP, local_port=transport.myPort,
                             caller_id=settings.caller_id or settings.user, user=settings.user,
                             offer=sdp(transport.myIP, port, session_id, 1, self.offered),
                             session_id=session_id)
        self.listener = listener
        self.ring_timeout_s = ring_timeout_s
        self.state = State.CALLING
        self.end: CallEnd | None = None
        self.media: MediaAnswer | None = None
        # The callee's media from a provisional answer's SDP (a 183 Session Progress).
        self.early_media: MediaAnswer | None = None
        self._lock = threading.RLock()
        self._started = time.monotonic()
        self._timers: dict[str, threading.Timer] = {}
        # Whether anything answered the current INVITE (stops its retransmission).
        self._heard = False
        self._invite = ""
        self._auth_answered = False
        self._cancel_end = CallEnd.NO_ANSWER
        self._cancelling: Resender | None = None
        self.answered_at: float | None = None

    @property
    def call_id(self) -> str:
        return self.dialog.call_id

    def start(self) -> None:
        self._send_invite(self.dialog.invite())
        self._schedule(self.ring_timeout_s, self._ring_timeout)

    def _send_invite(self, text: str) -> None:
        self._invite, self._heard = text, False
        self._send(text)
        self._schedule(T1_S, lambda: self._retransmit(T1_S, T1_S), "retransmit")

    def _retransmit(self, interval: float, waited: float) -> None:
        with self._lock:
            if self._heard or self.state != State.CALLING:
                return
            if waited >= TIMER_B_S:
                self._network_silent()
                return
            self._send(self._invite)
            following = min(interval * 2, T2_S)
            self._schedule(following, lambda: self._retransmit(following, waited + following), "retransmit")

    # --- our actions -------------------------------------------------------------------------

    def hang_up(self, end_if_unanswered: CallEnd = CallEnd.NO_ANSWER) -> None:
        with self._lock:
            if self.state == State.ANSWERED:
                self.rtp.outbound.clear()
                self.phone.send_bye(self.call_id, self.dialog.bye())
                self._finish(CallEnd.WE_HUNG_UP, None, "")
            elif self.state in (State.CALLING, State.RINGING):
                self._cancel(end_if_unanswered)

    def _ring_timeout(self) -> None:
        with self._lock:
            if self.state == State.CALLING and not self._heard:
                # Nothing answered at all: not the debtor's doing, and nothing to CANCEL.
                self._network_silent()
            elif self.state in (State.CALLING, State.RINGING):
                self._cancel(CallEnd.NO_ANSWER)
            elif self.state == State.CANCELLING:
                self._finish(self._cancel_end, None, "нет ответа на CANCEL")

    def _network_silent(self) -> None:
        self._finish(CallEnd.FAILED, 408, "сеть не отвечает на INVITE")
        if self.phone.registration is not None:
            self.phone.registration.check_now()

    def _cancel(self, end: CallEnd) -> None:
        self._cancel_end = end
        self.state = State.CANCELLING
        # Over UDP a lost CANCEL would leave the callee ringing: resent on timer E until answered.
        self._cancelling = Resender(self._send, self.dialog.cancel(), lambda resender: None)
        self._cancelling.start()
        self._schedule(CANCEL_GRACE_S, self._ring_timeout)

    # --- what the network says ---------------------------------------------------------------

    def on_response(self, message: SipMessage) -> None:
        with self._lock:
            method = message.cseq_method
            if method == "CANCEL":
                if message.code >= 200 and self._cancelling is not None:
                    self._cancelling.stop()
                return
            if method != "INVITE" or (self.state == State.ENDED and message.code < 200):
                return
            code = message.code
            if int(message.headers["CSeq"]["check"]) != self.dialog.cseq:
                if code >= 300:
                    # A retransmitted answer to the INVITE our credentials replaced: ACK it again.
                    self._send(self.dialog.ack(message))
                return
            self._heard = True
            if code < 200:
                self._provisional(message)
            elif code < 300:
                self._success(message)
            elif code in (401, 407) and self.state in (State.CALLING, State.RINGING):
                self._challenge(message)
            else:
                self._failure(message)

    def _provisional(self, message: SipMessage) -> None:
        code = message.code
        if code == 100:
            self._emit(Progress.TRYING, sip_code=code)
            return
        if self.state == State.CALLING:
            self.state = State.RINGING
            self._emit(Progress.RINGING, sip_code=code)
        if self.early_media is None and self.state == State.RINGING:
            # RTP already listens (bound before the INVITE): from here on what arrives is the
            # carrier's or the callee's early media, kept by the RTP client until the answer.
            self.early_media = media_answer(message, self.offered)
            if self.early_media is not None:
                self._emit(Progress.EARLY_MEDIA, sip_code=code)

    def _success(self, message: SipMessage) -> None:
        if self.state == State.ENDED or self.state == State.ANSWERED:
            if message.headers["To"]["tag"] == self.dialog.remote_tag:
                # Our ACK was lost and the callee retransmits its 200: acknowledge again.
                self._send(self.dialog.ack(message))
            return
        self.dialog.remote_tag = message.headers["To"]["tag"]
        contact = message.headers.get("Contact")
        if isinstance(contact, str):
            self.dialog.remote_target = contact_uri(contact)
        self._send(self.dialog.ack(message))
        if self.state == State.CANCELLING:
            # The callee answered as our CANCEL crossed it: the dialog exists, end it.
            self.phone.send_bye(self.call_id, self.dialog.bye())
            self._finish(self._cancel_end, 200, "ответ пришёл одновременно с CANCEL")
            return
        self.media = media_answer(message, self.offered)
        if self.media is None:
            self.phone.send_bye(self.call_id, self.dialog.bye())
            self._finish(CallEnd.FAILED, 488, "в ответе нет пригодного кодека")
            return
        self.rtp.connect(self.media.address, self.media.port, self.media.payload_type)
        self.state = State.ANSWERED
        self.answered_at = time.monotonic()
        self._cancel_timers()
        self._emit(Progress.ANSWERED, sip_code=message.code)

    def _challenge(self, message: SipMessage) -> None:
        self._send(self.dialog.ack(message))
        if self._auth_answered:
            self._finish(CallEnd.FAILED, message.code, "прокси отверг учётные данные")
            return
        self._auth_answered = True
        header = "Proxy-Authenticate" if message.code == 407 else "WWW-Authenticate"
        challenge = parse_challenge(message.code, message.header_line(header) or "")
        self.dialog.challenged()
        settings = self.phone.settings
        self._send_invite(self.dialog.invite(authorization(challenge, "INVITE", self.dialog.request_uri,
                                                           settings.user, settings.password)))

    def _failure(self, message: SipMessage) -> None:
        if self.state in (State.ENDED, State.ANSWERED):
            return
        self._send(self.dialog.ack(message))
        if self.state == State.CANCELLING:
            self._finish(self._cancel_end, message.code, "")
        else:
            self._finish(end_of_final_response(message.code), message.code, "")

    def on_request(self, message: SipMessage) -> None:
        with self._lock:
            method = message.method
            via = self.phone.transport.via_of(message)
            if method == "ACK":
                return
            if method == "BYE":
                self._reply(message, response(message, 200, "OK", via, self.dialog.local_tag))
                if self.state != State.ENDED:
                    self._finish(CallEnd.CALLEE_HUNG_UP if self.state == State.ANSWERED
                                 else CallEnd.FAILED, None, "BYE до ответа")
            elif method == "INVITE":
                self._reinvite(message, via)
            elif method == "INFO":
                self._reply(message, response(message, 200, "OK", via, self.dialog.local_tag))
                found = _INFO_SIGNAL.search(message.raw.decode("utf8", "replace"))
                if found and self.state == State.ANSWERED:
                    self._emit(Progress.DTMF, digit=found.group(1).upper())
            else:
                self._reply(message, response(message, 200, "OK", via, self.dialog.local_tag))

    def _reinvite(self, message: SipMessage, via: str) -> None:
        if self.state != State.ANSWERED:
            self._reply(message, response(message, 491, "Request Pending", via, self.dialog.local_tag))
            return
        answer = media_answer(message, (self.media.payload_type,)) if self.media else None
        if answer is not None:
            self.media = answer
            self.rtp.connect(answer.address, answer.port, answer.payload_type)
        self.dialog.sdp_version += 1
        body = sdp(self.dialog.local_address, self.rtp.inPort, self.dialog.session_id,
                   self.dialog.sdp_version, (self.rtp.payload_type,))
        self._reply(message, self.dialog.answer_to_invite(message, via, body))

    def on_dtmf(self, digit: str) -> None:
        self._emit(Progress.DTMF, digit=digit)

    # --- plumbing ------------------------------------------------------------------------------

    def _finish(self, end: CallEnd, code: int | None, reason: str) -> None:
        if self.state == State.ENDED:
            return
        self.state = State.ENDED
        self.end = end
        self._cancel_timers()
        if self._cancelling is not None:
            self._cancelling.stop()
        self.rtp.outbound.clear()
        self.rtp.stop()
        self.phone.forget(self)
        self._emit(Progress.ENDED, sip_code=code, end=end, reason=reason)

    def _emit(self, progress: Progress, sip_code: int | None = None, end: CallEnd | None = None,
              digit: str | None = None, reason: str = "") -> None:
        event = CallEvent(progress, round(time.monotonic() - self._started, 3), sip_code, end, digit, reason)
        try:
            self.listener(event)
        except Exception:
            log.exception("call listener failed")

    def _send(self, text: str) -> None:
        self.phone.transport.send(text)

    def _reply(self, request: SipMessage, text: str) -> None:
        self.phone.transport.reply(request, text)

    def _schedule(self, delay: float, action: Callable[[], None], slot: str = "ring") -> None:
        previous = self._timers.get(slot)
        if previous is not None and previous is not threading.current_thread():
            previous.cancel()
        timer = threading.Timer(delay, action)
        timer.daemon = True
        self._timers[slot] = timer
        timer.start()

    def _cancel_timers(self) -> None:
        for timer in self._timers.values():
            if timer is not threading.current_thread():
                timer.cancel()
        self._timers.clear()
