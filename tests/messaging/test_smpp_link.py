"""The SMPP link's own duties against the simulator: keep-alive, refused binds, receipt parsing."""
from __future__ import annotations

import asyncio
from pathlib import Path

from campaigns.outcomes import OutcomeKind
from messaging.settings import SmppSettings
from messaging.sms.worker import message_outcome
from messaging.sms.smpp_link import LinkState, ReceiptState, SmppLink, parse_receipt
from messaging.peers.smsc_sim import PASSWORD, USER, start_smsc


async def _states(link: SmppLink, seconds: float) -> list[LinkState]:
    states = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        try:
            event = await asyncio.wait_for(link.events.get(), left)
        except TimeoutError:
            break
        if isinstance(event, LinkState):
            states.append(event)
    return states


async def test_idle_bind_is_kept_alive_with_enquire_link(tmp_path: Path) -> None:
    smsc = start_smsc(tmp_path)
    link = SmppLink(SmppSettings(port=smsc.port, system_id=USER, password=PASSWORD,
                                 enquire_link_seconds=0.2))
    await link.start()
    try:
        states = await _states(link, 1.5)
    finally:
        await link.stop()
        smsc.process.stop()
    assert states == [LinkState(True, 1)]
    stats = smsc.stats()
    assert stats["binds"] == 1 and stats["enquire_links"] >= 3


async def test_wrong_password_is_retried_with_backoff_and_never_binds(tmp_path: Path) -> None:
    smsc = start_smsc(tmp_path)
    link = SmppLink(SmppSettings(port=smsc.port, system_id=USER, password="wrong",
                                 reconnect_min_seconds=0.1, reconnect_max_seconds=0.4))
    await link.start()
    try:
        states = await _states(link, 1.5)
    finally:
        await link.stop()
        smsc.process.stop()
    assert states and not any(state.bound for state in states)
    # 0.1 + 0.2 + 0.4 + 0.4 … : a handful of tries in 1.5 s, not hundreds.
    assert 2 <= smsc.stats()["bind_failures"] <= 8


class _Pdu:
    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)


def test_receipts_are_read_from_tlvs_or_from_the_text() -> None:
    tlv = parse_receipt(_Pdu(short_message=b"id:X sub:001 stat:DELIVRD", receipted_message_id=b"ABC\x00",
                             message_state=5))
    assert tlv is not None and (tlv.message_id, tlv.state) == ("ABC", ReceiptState.UNDELIVERED)
    # Jasmin-style: no TLVs, no sub/dlvrd, the id and the state only in the text.
    text = parse_receipt(_Pdu(short_message=b"id:6e1c7f0c-1b2a stat:EXPIRED err:000",
                              receipted_message_id=None, message_state=None))
    assert text is not None and (text.message_id, text.state) == ("6e1c7f0c-1b2a", ReceiptState.EXPIRED)
    assert parse_receipt(_Pdu(short_message=b"hello", receipted_message_id=None, message_state=None)) is None


def test_a_message_is_as_delivered_as_its_worst_part() -> None:
    assert message_outcome(["delivered", "delivered"]) == OutcomeKind.DELIVERED
    assert message_outcome(["delivered", "expired"]) == OutcomeKind.EXPIRED
    assert message_outcome(["expired", "undelivered", "delivered"]) == OutcomeKind.UNDELIVERED
    # A part still without its final receipt (or with an intermediate one) keeps the attempt open.
    assert message_outcome(["delivered", ""]) is None and message_outcome(["other"]) is None
    assert message_outcome([]) is None
