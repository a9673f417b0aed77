"""The SMPP 3.4 PDUs of the sending loop, packed and unpacked by hand.

smpplib builds and parses every PDU through generic field tables (a Python call per field and
per possible optional parameter): about 170 µs of CPU for a submit_sm and 100 µs for each
answer or receipt read, more than half of what one message cost. The link sends thousands a
second of the same few PDUs, so they are done here with struct: submit_sm with its constant
head packed once per bind, and the answers and receipts read with only the fields the link
uses. smpplib still does connect and bind; a PDU not read here (rare ones) goes to smpplib's
parser.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import smpplib.client
import smpplib.smpp

SUBMIT_SM = 0x00000004
SUBMIT_SM_RESP = 0x80000004
DELIVER_SM = 0x00000005
DELIVER_SM_RESP = 0x80000005
ENQUIRE_LINK = 0x00000015
ENQUIRE_LINK_RESP = 0x80000015
UNBIND = 0x00000006
UNBIND_RESP = 0x80000006
GENERIC_NACK = 0x80000000

_HEADER = struct.Struct(">LLLL")
_TLV = struct.Struct(">HH")
_RECEIPTED_MESSAGE_ID = 0x001E
_MESSAGE_STATE = 0x0427
_SAR_MSG_REF_NUM = 0x020C
_SAR_TOTAL_SEGMENTS = 0x020E
_SAR_SEGMENT_SEQNUM = 0x020F
# registered_delivery: a receipt for the final outcome, delivered or not.
_RECEIPT_ON_FINAL = 0x01
_TON_INTERNATIONAL, _NPI_ISDN = 0x01, 0x01


@dataclass(slots=True)
class Pdu:
    """What the link reads from a PDU; the receipt fields are set on deliver_sm only."""

    command_id: int
    status: int
    sequence: int
    message_id: str = ""
    esm_class: int = 0
    source_addr: str = ""
    short_message: bytes = b""
    receipted_message_id: str | None = None
    message_state: int | None = None


def header(command_id: int, sequence: int, body: bytes = b"", status: int = 0) -> bytes:
    return _HEADER.pack(16 + len(body), command_id, status, sequence) + body


class SubmitEncoder:
    """submit_sm from one sender: the service type and source address are packed once."""

    def __init__(self, source_addr: str, source_ton: int, source_npi: int) -> None:
        self._head = b"\x00" + bytes((source_ton, source_npi)) + source_addr.encode("ascii") + b"\x00"

    def encode(self, sequence: int, destination: str, short_message: bytes, data_coding: int,
               esm_class: int, sar: tuple[int, int, int] | None) -> bytes:
        body = b"".join((
            self._head, bytes((_TON_INTERNATIONAL, _NPI_ISDN)), destination.encode("ascii"),
            # esm_class, protocol_id, priority_flag, no schedule_delivery_time, no validity_period
            bytes((0, esm_class, 0, 0, 0, 0)),
            # registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, sm_length
            bytes((_RECEIPT_ON_FINAL, 0, data_coding, 0, len(short_message))), short_message))
        if sar is not None:
            body += (_TLV.pack(_SAR_MSG_REF_NUM, 2) + sar[0].to_bytes(2, "big")
                     + _TLV.pack(_SAR_TOTAL_SEGMENTS, 1) + bytes((sar[1],))
                     + _TLV.pack(_SAR_SEGMENT_SEQNUM, 1) + bytes((sar[2],)))
        return header(SUBMIT_SM, sequence, body)


def _c_string(raw: bytes, at: int) -> tuple[bytes, int]:
    end = raw.index(b"\x00", at)
    return raw[at:end], end + 1


def parse(raw: bytes, client: smpplib.client.Client) -> Pdu:
    """One whole PDU (``raw`` starts with its length)."""
    _, command_id, status, sequence = _HEADER.unpack_from(raw)
    if command_id == SUBMIT_SM_RESP:
        message_id = raw[16:].split(b"\x00", 1)[0].decode("latin-1") if len(raw) > 16 else ""
        return Pdu(command_id, status, sequence, message_id=message_id)
    if command_id == DELIVER_SM:
        return _deliver_sm(raw, status, sequence)
    if command_id in (GENERIC_NACK, ENQUIRE_LINK, ENQUIRE_LINK_RESP, UNBIND, UNBIND_RESP):
        return Pdu(command_id, status, sequence)
    # Anything else: smpplib knows every command; the link only logs these.
    other = smpplib.smpp.parse_pdu(raw, client=client, allow_unknown_opt_params=True)
    return Pdu(command_id, status, sequence, message_id=str(getattr(other, "command", "")))


def _deliver_sm(raw: bytes, status: int, sequence: int) -> Pdu:
    _, at = _c_string(raw, 16)  # service_type
    source, at = _c_string(raw, at + 2)  # after source_addr_ton, source_addr_npi
    _, at = _c_string(raw, at + 2)  # destination_addr
    esm_class = raw[at]
    _, at = _c_string(raw, at + 3)  # after protocol_id, priority_flag: schedule_delivery_time
    _, at = _c_string(raw, at)  # validity_period
    length = raw[at + 4]  # after registered_delivery, replace_if_present, data_coding, default_msg_id
    at += 5
    pdu = Pdu(DELIVER_SM, status, sequence, esm_class=esm_class, source_addr=source.decode("latin-1"),
              short_message=raw[at:at + length])
    at += length
    while at + 4 <= len(raw):
        tag, size = _TLV.unpack_from(raw, at)
        value = raw[at + 4:at + 4 + size]
        if tag == _RECEIPTED_MESSAGE_ID:
            pdu.receipted_message_id = value.rstrip(b"\x00").decode("latin-1")
        elif tag == _MESSAGE_STATE and size == 1:
            pdu.message_state = value[0]
        at += 4 + size
    return pdu
