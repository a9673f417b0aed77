"""Each way an outbound call ends, against sipp callees behind Kamailio: exactly one outcome.

pyVoIP 1.6.8 leaves the call DIALING for ever on 486/408/500/503 without an ACK, raises KeyError
on a first-response 404 and has no ring timeout or CANCEL (PEERS.md 2, 3). Kamailio's log shows
the ACK and CANCEL reaching it from the dialer (as a stateful proxy it ACKs the callee itself, so
sipp's exit code proves only that the callee's side was complete).
"""
from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from campaigns.outcomes.report import OutcomeKind
from dialer.line import PhoneLine
from dialer.sip.progress import CallEnd, Progress
from dialer.peers.processes import HOST, Kamailio, SippCallee, loopback_line_settings as line_settings


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
    assert line.phone.byes == {}, "its 200 OK stopped the BYE's resending"
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


async def test_an_unanswered_invite_is_resent_and_ends_as_a_failure(
        make_line: Callable[..., PhoneLine]) -> None:
    # A proxy that receives but never answers (down, or a black hole): pyVoIP sent one INVITE and
    # waited for ever; ours resends it on RFC 3261 timer A and ends the attempt as our failure,
    # not as a debtor who did not answer.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as black_hole:
        black_hole.bind((HOST, 0))
        black_hole.settimeout(0.1)
        line = make_line(black_hole.getsockname()[1], ring_timeout_s=2.5)
        await line.start()
        call = await line.dial("anyone")
        result = await call.wait_ended()
        invites = 0
        with contextlib.suppress(TimeoutError):
            while True:
                invites += black_hole.recv(65535).startswith(b"INVITE ")
    assert (result.end, result.sip_code, result.outcome_kind) == (CallEnd.FAILED, 408, OutcomeKind.FAILED)
    assert invites == 3  # at 0, 0.5 and 1.5 s


async def test_a_lost_cancel_is_resent_and_the_487_acknowledged(tmp_path: Path) -> None:
    # Straight to the callee: Kamailio, stateful, would answer our first CANCEL itself and resend
    # its own. The callee ignores the first CANCEL as if it was lost; pyVoIP has no CANCEL at all.
    # sipp -nr: otherwise sipp itself swallows a request identical to the last it received.
    callee = SippCallee(tmp_path, 0, "uas_cancel_lost", "cancellost", ("-trace_msg", "-nr"), register=False).start()
    line = PhoneLine(line_settings(tmp_path, callee.port), register=False)
    await line.start()
    try:
        call = await line.dial("cancellost", ring_timeout_s=1.0)
        result = await call.wait_ended()
    finally:
        await line.stop()
    assert (result.end, result.sip_code, result.outcome_kind) == (
        CallEnd.NO_ANSWER, 487, OutcomeKind.NO_ANSWER)
    assert callee.wait(10) == 0, "sipp never got the resent CANCEL or the 487's ACK"
    cancels = [text for text in _sipp_messages(tmp_path, callee) if text.startswith("CANCEL ")]
    assert len(cancels) == 2 and cancels[0] == cancels[1], "a retransmission is the same request"


def _sipp_messages(folder: Path, callee: SippCallee) -> list[str]:
    """The SIP messages sipp received, from its -trace_msg log."""
    log = next(folder.glob(f"uas_cancel_lost-{callee.port}_*_messages.log")).read_text(errors="replace")
    return [part.split("\n", 1)[1].strip() for part in re.split(r"\n?-{20,} [^\n]*\n", log)
            if part.startswith("UDP message received")]
