"""The defects as stock pyVoIP 1.6.8 shows them on the same real peers, so the tests of our fixes
demonstrably fail without them (PEERS.md)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pyVoIP.VoIP  # noqa: F401  (must come first: importing pyVoIP.SIP first is circular)
from pyVoIP import SIP
from pyVoIP.VoIP import CallState, InvalidStateError, VoIPPhone

from dialer.peers.processes import HOST, PASSWORD, Kamailio, SippCallee, free_udp_port


async def test_stock_pyvoip_leaves_a_busy_call_dialing_without_an_ack(
        kamailio: Kamailio, tmp_path: Path) -> None:
    SippCallee(tmp_path, kamailio.port, "uas_reject", "busy", ("-d", "200"),
                        {"CODE": "486", "REASON": "Busy Here"}).start()
    phone = VoIPPhone(HOST, kamailio.port, "stock", PASSWORD, myIP=HOST, sipPort=free_udp_port(),
                      rtpPortLow=20000, rtpPortHigh=29999)
    await asyncio.to_thread(phone.start)
    try:
        call = await asyncio.to_thread(phone.call, "busy")
        await asyncio.sleep(3)
        assert call.state == CallState.DIALING
        with pytest.raises(InvalidStateError):
            call.hangup()
        assert kamailio.requests("ACK", call.call_id) == 0
    finally:
        phone.NSD = False
        await asyncio.to_thread(phone.sip.stop)


def test_stock_pyvoip_ack_carries_a_fresh_to_tag() -> None:
    ok = SIP.SIPMessage(
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKx\r\n"
        b"From: <sip:stock@127.0.0.1>;tag=ours\r\nTo: <sip:debtor@127.0.0.1>;tag=theirs\r\n"
        b"Call-ID: c1\r\nCSeq: 1 INVITE\r\nContact: <sip:debtor@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n")
    client = SIP.SIPClient(HOST, 5060, "stock", PASSWORD, phone=None)
    client.tagLibrary["c1"] = "ours"
    ack = SIP.SIPMessage(client.gen_ack(ok).encode())
    assert ack.headers["To"]["tag"] != "theirs"


def test_stock_pyvoip_cannot_parse_options() -> None:
    with pytest.raises(SIP.SIPParseError):
        SIP.SIPMessage(b"OPTIONS sip:stock@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKo\r\n"
                       b"From: <sip:k@127.0.0.1>;tag=1\r\nTo: <sip:stock@127.0.0.1>\r\nCall-ID: o1\r\n"
                       b"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
