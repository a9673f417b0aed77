"""pyVoIP 1.6.8 defects of the SIP side (PEERS.md), each reproduced against a real peer."""
from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from dialer.line import PhoneLine
from dialer.sip.dialog import new_tag
from dialer.sip.message import SipMessage
from dialer.sip.progress import CallEnd
from dialer.sip.registration import RegistrationStatus
from dialer.peers.processes import HOST, Kamailio, SippCallee


@pytest.mark.parametrize("challenge", ["WITH_INVITE_AUTH", "WITH_PROXY_AUTH"])
async def test_challenged_invite_is_answered_with_credentials(
        tmp_path: Path, make_line: Callable[..., PhoneLine], challenge: str) -> None:
    # 407: pyVoIP's call() blocked for ever (and stop() with it).
    proxy = Kamailio(tmp_path, ("WITH_AUTH", challenge)).start()
    try:
        line = make_line(proxy.port)
        await line.start()
        await line.wait_registration(RegistrationStatus.REGISTERED)
        callee = SippCallee(tmp_path, proxy.port, "uas_answer", "answers").start()
        call = await asyncio.wait_for(line.dial("answers"), 2)
        assert await asyncio.wait_for(call.wait_answered(), 5)
        await call.hang_up()
        assert callee.wait(10) == 0
    finally:
        proxy.stop()


async def test_wrong_invite_credentials_end_the_call_as_failed(
        tmp_path: Path, make_line: Callable[..., PhoneLine]) -> None:
    proxy = Kamailio(tmp_path, ("WITH_PROXY_AUTH",)).start()
    try:
        line = make_line(proxy.port, password="wrong")
        await line.start()
        call = await line.dial("anyone")
        result = await asyncio.wait_for(call.wait_ended(), 5)
        assert (result.end, result.sip_code) == (CallEnd.FAILED, 407)
    finally:
        proxy.stop()


async def test_reinvite_is_answered_without_a_second_rtp_sender(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path) -> None:
    # pyVoIP restarted its RTP threads on a re-INVITE: two senders, 100 packets/s.
    callee = SippCallee(tmp_path, kamailio.port, "uas_reinvite", "refreshes").start()
    call = await line.dial("refreshes")
    assert await call.wait_answered()
    await asyncio.sleep(3.5)  # the callee re-INVITEs 3 s after answering
    assert call.sip is not None
    before = call.sip.rtp.packets_sent
    await asyncio.sleep(2.0)
    sent = call.sip.rtp.packets_sent - before
    assert 95 <= sent <= 105, f"{sent} packets in 2 s"
    senders = [t for t in threading.enumerate() if t.name == f"RTP send {call.sip.rtp.inPort}"]
    assert len(senders) == 1
    result = await call.wait_ended()
    assert result.end == CallEnd.CALLEE_HUNG_UP
    assert callee.wait(10) == 0, "sipp got no 200 OK for its re-INVITE"


async def test_options_keepalive_is_answered(line: PhoneLine) -> None:
    # pyVoIP could not even parse OPTIONS: a carrier's keep-alive went unanswered.
    port = line.phone.transport.myPort
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        s.settimeout(2)
        me = s.getsockname()[1]
        s.sendto((f"OPTIONS sip:dialer@{HOST}:{port} SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP {HOST}:{me};branch=z9hG4bKopt{me}\r\n"
                  f"From: <sip:carrier@{HOST}>;tag={new_tag()}\r\nTo: <sip:dialer@{HOST}>\r\n"
                  f"Call-ID: keepalive-{me}\r\nCSeq: 7 OPTIONS\r\nMax-Forwards: 70\r\n"
                  "Content-Length: 0\r\n\r\n").encode(), (HOST, port))
        answer = SipMessage(s.recv(4096))
    assert answer.code == 200
    assert answer.headers["CSeq"] == {"check": "7", "method": "OPTIONS"}
    assert answer.headers["To"]["tag"]


async def test_many_calls_at_once_share_one_socket_safely(
        line: PhoneLine, kamailio: Kamailio, tmp_path: Path) -> None:
    # pyVoIP's call() read the shared socket itself and raised BlockingIOError about once in 580
    # calls; here only the receive thread reads, so concurrent dials cannot race on it.
    callee = SippCallee(tmp_path, kamailio.port, "uas_answer", "many",
                        ("-m", "20", "-max_socket", "50")).start()
    calls = await asyncio.gather(*(line.dial("many") for _ in range(20)))
    answered = await asyncio.gather(*(call.wait_answered() for call in calls))
    assert all(answered)
    results = await asyncio.gather(*(call.hang_up() for call in calls))
    assert {result.end for result in results} == {CallEnd.WE_HUNG_UP}
    assert callee.wait(15) == 0
