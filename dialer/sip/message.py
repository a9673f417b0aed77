"""pyVoIP's SIP parser, accepting the requests a carrier sends in and out of dialogs.

pyVoIP 1.6.8 parses only INVITE, ACK, BYE and CANCEL: an OPTIONS keep-alive, NOTIFY or INFO
raises SIPParseError and gets no answer at all, so a carrier's OPTIONS ping marks the trunk down.
"""
from __future__ import annotations

import pyVoIP.VoIP  # noqa: F401  (must come first: importing pyVoIP.SIP first is circular)
from pyVoIP import SIP

ACCEPTED_METHODS = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "NOTIFY", "INFO", "UPDATE",
                    "MESSAGE", "REFER", "PRACK", "SUBSCRIBE"]
ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, INFO"


class SipMessage(SIP.SIPMessage):
    # Where the datagram came from; responses go back there.
    source: tuple[str, int] | None = None

    def parse(self, data: bytes) -> None:
        self.SIPCompatibleMethods = ACCEPTED_METHODS
        super().parse(data)

    @property
    def is_response(self) -> bool:
        return self.type == SIP.SIPMessageType.RESPONSE

    @property
    def code(self) -> int:
        return int(self.status)

    @property
    def cseq_method(self) -> str:
        return str(self.headers["CSeq"]["method"])

    def header_line(self, name: str) -> str | None:
        """The raw value of a header pyVoIP does not keep verbatim (e.g. Proxy-Authenticate)."""
        prefix = name.lower().encode() + b":"
        head = self.raw.split(b"\r\n\r\n", 1)[0]
        for line in head.split(b"\r\n")[1:]:
            if line.lower().startswith(prefix):
                return line[len(prefix):].strip().decode("utf8", "replace")
        return None
