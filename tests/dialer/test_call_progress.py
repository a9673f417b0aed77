"""Each way an outbound call ends, against sipp callees behind Kamailio: exactly one outcome.

pyVoIP 1.6.8 leaves the call DIALING for ever on 486/408/500/503 without an ACK, raises KeyError
on a first-response 404 and has no ring timeout or CANCEL (PEERS.md 2, 3). Kamailio's log shows
the ACK and CANCEL reaching it from the dialer (as a stateful proxy it ACKs the callee itself, so
sipp's exit code proves only that the callee's side was complete).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from campaigns.outcomes.report import OutcomeKind
from dialer.line import PhoneLine
from dialer.sip.progress import CallEnd, Progress
from dialer.peers.processes import Kamailio, SippCallee


def _progress(call) -> list[Progress]:  # type: ignore[no-untyped-def]
    return [event.progress for event in call.history]


@pytest.mark.parametrize(("code", "reason", "seen", "end", "kind"), [
    (486, "Busy Here", 486, CallEnd.BUSY, OutcomeKind.BUSY),
    (603, "Decline", 603, CallEnd.DECLINED, OutcomeKind.REJECTED),
    (404, "Not Found", 404, CallEnd.NOT_FOUND, OutcomeKind.UNREACHABLE),
    (480, "Temporarily Unavailable", 480, CallEnd.UNAVAILABLE, OutcomeKind.UNREACHABLE),
    # A proxy turns a downstream 503 into 500 (RFC 3261 16.7): a failure, not the debtor's.
    (503, "Service Unavailable", 500, CallEnd.FAILED, OutcomeKind.FAILED),
])
async def test_final_response_ends_the_call_with_its_outcome_and_is_acknowledged(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path,
        code: int, reason: str, seen: int, end: CallEnd, kind: OutcomeKind) -> None:
    callee = SippCallee(tmp_path, kamailio.port, "uas_reject", f"reject{code}",
                        ("-d", "300"), {"CODE": str(code), "REASON": reason}).start()
    call = await line.dial(f"reject{code}")
    assert not await call.wait_answered()
    result = await call.wait_ended()
    assert (result.end, result.sip_code, result.outcome_kind) == (end, seen, kind)
    assert _progress(call)[-2:] == [Progress.RINGING, Progress.ENDED]
    assert result.recording is None
    assert not list((tmp_path / "recordings").glob("*.wav")), "no recording of an unanswered call"
    assert kamailio.requests("ACK", call.call_id) == 1
    assert callee.wait(10) == 0
    assert line.live_calls == 0


async def test_unknown_number_answered_404_by_the_proxy_first(line: PhoneLine, kamailio: Kamailio) -> None:
    # Kamailio answers 404 with no 100 Trying before it: pyVoIP's call() raised KeyError here.
    call = await line.dial("nobody-registered")
    result = await call.wait_ended()
    assert (result.end, result.sip_code) == (CallEnd.NOT_FOUND, 404)
    assert _progress(call) == [Progress.ENDED]
    assert kamailio.requests("ACK", call.call_id) == 1


async def test_no_answer_is_cancelled_after_the_ring_timeout(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path) -> None:
    callee = SippCallee(tmp_path, kamailio.port, "uas_noanswer", "ringsforever").start()
    call = await line.dial("ringsforever", ring_timeout_s=1.5)
    result = await call.wait_ended()
    assert (result.end, result.sip_code, result.outcome_kind) == (
        CallEnd.NO_ANSWER, 487, OutcomeKind.NO_ANSWER)
    ended = call.history[-1]
    assert 1.5 <= ended.at_s < 3.0
    assert kamailio.requests("CANCEL", call.call_id) == 1
    assert kamailio.requests("ACK", call.call_id) == 1
    assert callee.wait(10) == 0, "sipp never got the CANCEL"


async def test_callee_hangs_up_after_answering(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path) -> None:
    callee = SippCallee(tmp_path, kamailio.port, "uas_answer_bye", "hangsup", ("-d", "1500")).start()
    call = await line.dial("hangsup")
    assert await call.wait_answered()
    frames = 0
    result = None
    while result is None:
        try:
            await call.read_frame()
            frames += 1
        except Exception:
            result = await call.wait_ended()
    assert (result.end, result.outcome_kind) == (CallEnd.CALLEE_HUNG_UP, OutcomeKind.ANSWERED)
    assert 1.2 < result.talk_s < 3.0
    assert frames >= 50, "the reader gets a frame every 20 ms while the call lasts"
    assert callee.wait(10) == 0


async def test_our_hang_up_sends_bye(line: PhoneLine, kamailio: Kamailio, tmp_path: Path) -> None:
    callee = SippCallee(tmp_path, kamailio.port, "uas_answer", "answers").start()
    call = await line.dial("answers")
    assert await call.wait_answered()
    result = await call.hang_up()
    assert (result.end, result.outcome_kind) == (CallEnd.WE_HUNG_UP, OutcomeKind.ANSWERED)
    assert result.recording is not None and result.recording.exists()
    assert callee.wait(10) == 0, "sipp never got our BYE"
    # A second hang-up of an ended call changes nothing.
    assert (await call.hang_up()) is result


async def test_hang_up_while_ringing_cancels(line: PhoneLine, kamailio: Kamailio, tmp_path: Path) -> None:
    callee = SippCallee(tmp_path, kamailio.port, "uas_noanswer", "ringing").start()
    call = await line.dial("ringing", ring_timeout_s=30)
    async for event in call.events():
        if event.progress == Progress.RINGING:
            break
    result = await call.hang_up()
    assert result.end == CallEnd.NO_ANSWER
    assert callee.wait(10) == 0
