"""Call progress as the dialer reports it, and how each way a call ends maps to an outcome."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from campaigns.outcomes.report import OutcomeKind


class Progress(StrEnum):
    TRYING = "trying"
    RINGING = "ringing"
    # A provisional answer with SDP: the audio before the answer (LiveCall.early_audio) begins.
    EARLY_MEDIA = "early_media"
    ANSWERED = "answered"
    DTMF = "dtmf"
    ENDED = "ended"


class CallEnd(StrEnum):
    """Why an attempt ended: exactly one per call."""

    BUSY = "busy"
    DECLINED = "declined"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    CALLEE_HUNG_UP = "callee_hung_up"
    WE_HUNG_UP = "we_hung_up"


@dataclass(frozen=True)
class CallEvent:
    progress: Progress
    # Seconds since the INVITE was sent.
    at_s: float
    sip_code: int | None = None
    end: CallEnd | None = None
    digit: str | None = None
    reason: str = ""


OUTCOME_OF_END: dict[CallEnd, OutcomeKind] = {
    CallEnd.BUSY: OutcomeKind.BUSY,
    CallEnd.DECLINED: OutcomeKind.REJECTED,
    CallEnd.NOT_FOUND: OutcomeKind.UNREACHABLE,
    CallEnd.UNAVAILABLE: OutcomeKind.UNREACHABLE,
    CallEnd.NO_ANSWER: OutcomeKind.NO_ANSWER,
    # Our side or the trunk failed: the campaign does not count it against the debtor.
    CallEnd.FAILED: OutcomeKind.FAILED,
    CallEnd.CALLEE_HUNG_UP: OutcomeKind.ANSWERED,
    CallEnd.WE_HUNG_UP: OutcomeKind.ANSWERED,
}


def end_of_final_response(code: int) -> CallEnd:
    """A final answer ≥ 300 to our INVITE, as a way the attempt ended."""
    if code in (486, 600):
        return CallEnd.BUSY
    if code == 603:
        return CallEnd.DECLINED
    if code in (404, 484, 410, 604):
        return CallEnd.NOT_FOUND
    # 480: the subscriber is off or out of coverage (the carrier's "аппарат абонента выключен").
    if code == 480:
        return CallEnd.UNAVAILABLE
    # 408 from a proxy's own ring timer and 487 after a CANCEL: nobody picked up.
    if code in (408, 487):
        return CallEnd.NO_ANSWER
    # 503 and the rest: the trunk or the proxy, not the debtor.
    return CallEnd.FAILED
