"""The requests and responses of one outbound call, built to RFC 3261 where pyVoIP's are not.

pyVoIP 1.6.8 builds the ACK with a fresh random To-tag (a compliant callee never matches it,
retransmits its 200 OK and drops the call at ~32 s), has no CANCEL, re-sends a challenged INVITE
with a new From-tag and a digest over the wrong URI, and answers in-dialog requests with new
To-tags. The dialog keeps the state those messages need.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import pyVoIP

from dialer.sip.message import ALLOW, SipMessage

USER_AGENT = f"Vozvrat (pyVoIP {pyVoIP.__version__})"
RTPMAPS = {0: "PCMU/8000", 8: "PCMA/8000"}
TELEPHONE_EVENT = 101


def new_branch() -> str:
    return "z9hG4bK" + secrets.token_hex(12)


def new_tag() -> str:
    return secrets.token_hex(8)


def sdp(address: str, port: int, session_id: int, version: int, codecs: tuple[int, ...]) -> str:
    payloads = " ".join(str(pt) for pt in (*codecs, TELEPHONE_EVENT))
    lines = ["v=0", f"o=vozvrat {session_id} {version} IN IP4 {address}", "s=vozvrat",
             f"c=IN IP4 {address}", "t=0 0", f"m=audio {port} RTP/AVP {payloads}"]
    lines += [f"a=rtpmap:{pt} {RTPMAPS[pt]}" for pt in codecs]
    lines += [f"a=rtpmap:{TELEPHONE_EVENT} telephone-event/8000", f"a=fmtp:{TELEPHONE_EVENT} 0-15",
              "a=ptime:20", "a=sendrecv"]
    return "\r\n".join(lines) + "\r\n"


@dataclass(frozen=True)
class MediaAnswer:
    address: str
    port: int
    payload_type: int
    dtmf_payload_type: int | None


def media_answer(message: SipMessage, offered: tuple[int, ...]) -> MediaAnswer | None:
    """The callee's RTP address and the first offered codec it accepted, from its SDP."""
    body = message.body
    if not body.get("m") or not body.get("c"):
        return None
    audio = next((m for m in body["m"] if m["type"] == "audio"), None)
    if audio is None or audio["port"] == 0:
        return None
    methods = [int(x) for x in audio["methods"]]
    codec = next((pt for pt in methods if pt in offered), None)
    if codec is None:
        return None
    dtmf = None
    for pt in methods:
        rtpmap = audio["attributes"].get(str(pt), {}).get("rtpmap", {})
        if str(rtpmap.get("name", "")).lower() == "telephone-event":
            dtmf = pt
    return MediaAnswer(body["c"][0]["address"], int(audio["port"]), codec, dtmf)


def contact_uri(value: str) -> str:
    """The URI of a Contact header value, with or without angle brackets."""
    if "<" in value and ">" in value:
        return value[value.index("<") + 1:value.index(">")]
    return value.split(";")[0].strip()


@dataclass
class Dialog:
    call_id: str
    number: str
    registrar: str
    local_address: str
    local_port: int
    caller_id: str
    user: str
    offer: str
    session_id: int
    sdp_version: int = 1
    local_tag: str = field(default_factory=new_tag)
    branch: str = field(default_factory=new_branch)
    cseq: int = 1
    remote_tag: str = ""
    # The callee's Contact from its 2xx: where in-dialog requests go (through the proxy).
    remote_target: str = ""

    @property
    def request_uri(self) -> str:
        return f"sip:{self.number}@{self.registrar}"

    def _common(self, method: str, cseq: int, to_tag: str, branch: str) -> str:
        to = f"<{self.request_uri}>" + (f";tag={to_tag}" if to_tag else "")
        return (f"Via: SIP/2.0/UDP {self.local_address}:{self.local_port};branch={branch};rport\r\n"
                "Max-Forwards: 70\r\n"
                f'From: "{self.caller_id}" <sip:{self.caller_id}@{self.registrar}>;tag={self.local_tag}\r\n'
                f"To: {to}\r\n"
                f"Call-ID: {self.call_id}\r\n"
                f"CSeq: {cseq} {method}\r\n"
                f"User-Agent: {USER_AGENT}\r\n")

    def invite(self, authorization: str = "") -> str:
        return (f"INVITE {self.request_uri} SIP/2.0\r\n"
                + self._common("INVITE", self.cseq, "", self.branch)
                + f"Contact: <sip:{self.user}@{self.local_address}:{self.local_port}>\r\n"
                + f"Allow: {ALLOW}\r\n" + authorization
                + "Content-Type: application/sdp\r\n"
                + f"Content-Length: {len(self.offer.encode())}\r\n\r\n" + self.offer)

    def challenged(self) -> None:
        """A new transaction for the INVITE re-sent with credentials: same dialog, next CSeq."""
        self.cseq += 1
        self.branch = new_branch()

    def cancel(self) -> str:
        # RFC 3261 9.1: same Request-URI, Call-ID, From, To (no tag), CSeq number and branch.
        return (f"CANCEL {self.request_uri} SIP/2.0\r\n"
                + self._common("CANCEL", self.cseq, "", self.branch) + "Content-Length: 0\r\n\r\n")

    def ack(self, response: SipMessage) -> str:
        """ACK for a final response, with the To-tag of that response (RFC 3261 17.1.1.3, 13.2.2.4)."""
        to_tag = response.headers["To"]["tag"]
        if 200 <= response.code < 300:
            # A 2xx ACK is a new transaction to the remote target.
            target, branch = self.remote_target or self.request_uri, new_branch()
        else:
            # A non-2xx ACK belongs to the INVITE transaction: same branch and Request-URI.
            target, branch = self.request_uri, self.branch
        cseq = int(response.headers["CSeq"]["check"])
        return (f"ACK {target} SIP/2.0\r\n" + self._common("ACK", cseq, to_tag, branch)
                + "Content-Length: 0\r\n\r\n")

    def bye(self) -> str:
        self.cseq += 1
        target = self.remote_target or self.request_uri
        return (f"BYE {target} SIP/2.0\r\n" + self._common("BYE", self.cseq, self.remote_tag, new_branch())
                + "Content-Length: 0\r\n\r\n")

    def answer_to_invite(self, request: SipMessage, via: str, answer_sdp: str) -> str:
        """200 OK to the callee's re-INVITE, with the media we already run."""
        return response(request, 200, "OK", via, self.local_tag,
                        extra=f"Contact: <sip:{self.user}@{self.local_address}:{self.local_port}>\r\n"
                              "Content-Type: application/sdp\r\n",
                        body=answer_sdp)


def response(request: SipMessage, code: int, reason: str, via: str, to_tag: str,
             extra: str = "", body: str = "") -> str:
    """A response that copies Via, From, Call-ID and CSeq, keeping a To-tag the request already had."""
    to = request.headers["To"]
    tag = to["tag"] or to_tag
    return (f"SIP/2.0 {code} {reason}\r\n" + via
            + f"From: {request.headers['From']['raw']};tag={request.headers['From']['tag']}\r\n"
            + f"To: {to['raw']}" + (f";tag={tag}" if tag else "") + "\r\n"
            + f"Call-ID: {request.headers['Call-ID']}\r\n"
            + f"CSeq: {request.headers['CSeq']['check']} {request.headers['CSeq']['method']}\r\n"
            + f"User-Agent: {USER_AGENT}\r\nAllow: {ALLOW}\r\n" + extra
            + f"Content-Length: {len(body.encode())}\r\n\r\n" + body)
