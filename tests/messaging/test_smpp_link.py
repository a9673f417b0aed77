"""The SMPP link's own duties against the simulator: keep-alive, refused binds, receipt parsing."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import smpplib.client
import smpplib.smpp

from campaigns.outcomes import OutcomeKind
from messaging.settings import SmppSettings
from messaging.sms.worker import message_outcome
from messaging.sms.pdu import DELIVER_SM, SUBMIT_SM_RESP, SubmitEncoder, parse
from messaging.sms.smpp_link import (LinkState, OutgoingPart, PartKey, Receipt,
                                     ReceiptState, SmppLink, parse_receipt)
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


async def _receipts(link: SmppLink, count: int) -> list[Receipt]:
    """The next ``count`` receipts the link hands over (other events are passed by)."""
    found: list[Receipt] = []
    while len(found) < count:
        event = await asyncio.wait_for(link.events.get(), 30)
        if isinstance(event, Receipt):
            found.append(event)
    return found


async def test_a_receipt_is_answered_only_when_acknowledged_and_comes_again_until_then(
    tmp_path: Path,
) -> None:
    smsc = start_smsc(tmp_path)
    settings = SmppSettings(port=smsc.port, system_id=USER, password=PASSWORD)
    try:
        first = SmppLink(settings)
        await first.start()
        first.submit([OutgoingPart(PartKey(1, 1), "+79100000001", b"dolg", 0)])
        (receipt,) = await _receipts(first, 1)
        # Not acknowledged (a worker that did not store it): the SMSC still owes it.
        await first.stop()
        assert smsc.records("receipt_taken") == []
        second = SmppLink(settings)
        await second.start()
        (again,) = await _receipts(second, 1)
        assert again == receipt and again.bind == 1 and again.sequence != 0
        second.acknowledge([again])
        while not smsc.records("receipt_taken"):
            await asyncio.sleep(0.01)
        await second.stop()
        third = SmppLink(settings)
        await third.start()
        states = await _states(third, 1.0)
        await third.stop()
    finally:
        smsc.process.stop()
    # Answered once: the next bind gets nothing more.
    assert states == [LinkState(True, 1)]
    assert [r["id"] for r in smsc.records("receipt_taken")] == [receipt.message_id]
    assert len(smsc.records("receipt_sent")) == 2


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
    sequence = 1

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


@pytest.mark.parametrize("sar, esm_class", [(None, 0), ((7, 3, 2), 0), (None, 0x40)])
def test_hand_packed_submit_sm_is_what_smpplib_builds(sar: tuple[int, int, int] | None,
                                                       esm_class: int) -> None:
    client = smpplib.client.Client("127.0.0.1", 2775, allow_unknown_opt_params=True)
    fields: dict[str, object] = dict(
        source_addr_ton=5, source_addr_npi=0, source_addr="Vozvrat", dest_addr_ton=1, dest_addr_npi=1,
        destination_addr="79100000001", short_message="Долг".encode("utf-16-be"), data_coding=8,
        esm_class=esm_class, registered_delivery=1)
    if sar is not None:
        fields.update(sar_msg_ref_num=sar[0], sar_total_segments=sar[1], sar_segment_seqnum=sar[2])
    expected = smpplib.smpp.make_pdu("submit_sm", client=client, **fields)
    packed = SubmitEncoder("Vozvrat", 5, 0).encode(expected.sequence, "79100000001",
                                                   "Долг".encode("utf-16-be"), 8, esm_class, sar)
    assert packed == expected.generate()


def test_answers_and_receipts_built_by_smpplib_are_read() -> None:
    client = smpplib.client.Client("127.0.0.1", 2775, allow_unknown_opt_params=True)
    receipt = smpplib.smpp.make_pdu(
        "deliver_sm", client=client, source_addr="79100000001", destination_addr="Vozvrat", esm_class=4,
        short_message=b"id:ABC sub:001 dlvrd:001 stat:UNDELIV err:001", receipted_message_id="ABC",
        message_state=5)
    pdu = parse(receipt.generate(), client)
    assert (pdu.command_id, pdu.sequence, pdu.esm_class, pdu.source_addr) == (
        DELIVER_SM, receipt.sequence, 4, "79100000001")
    assert parse_receipt(pdu) == Receipt("ABC", ReceiptState.UNDELIVERED,
                                         "id:ABC sub:001 dlvrd:001 stat:UNDELIV err:001")
    answer = smpplib.smpp.make_pdu("submit_sm_resp", client=client, message_id="XYZ", status=0x58)
    pdu = parse(answer.generate(), client)
    assert (pdu.command_id, pdu.status, pdu.message_id) == (SUBMIT_SM_RESP, 0x58, "XYZ")
