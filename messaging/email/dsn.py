"""Bounces: the attempt's id in the envelope sender (VERP), and what a returned DSN says.

Each email goes out with the envelope sender ``<local>+<attempt id>@<domain>`` made from
``[smtp] return_path``. A server that accepted it and fails to deliver it later sends its
delivery status notification (RFC 3464: multipart/report; report-type=delivery-status) to that
address, so the bounce names its attempt by the address it was sent to, not by anything in its
text. The Message-ID of the returned message, when the DSN carries it, is checked against the
attempt's as well.
"""
from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser

_SEPARATOR = "+"


def verp_address(return_path: str, attempt_id: int) -> str:
    """``bounces@vozvrat.local`` and 42 → ``bounces+42@vozvrat.local``."""
    local, _, domain = return_path.rpartition("@")
    return f"{local}{_SEPARATOR}{attempt_id}@{domain}"


def verp_attempt(return_path: str, address: str) -> int | None:
    """The attempt id a bounce address carries, or None if it is not one of ``return_path``'s."""
    local, _, domain = return_path.rpartition("@")
    match = re.fullmatch(rf"{re.escape(local)}\{_SEPARATOR}(\d+)@{re.escape(domain)}", address.strip("<>"),
                         re.IGNORECASE)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    recipient: str
    # RFC 3464 Action: failed, delayed, delivered, relayed, expanded.
    action: str
    status: str
    diagnostic: str


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    recipients: tuple[RecipientStatus, ...]
    # The Message-ID of the message it reports on, when the report returns its headers.
    original_message_id: str

    @property
    def failures(self) -> tuple[RecipientStatus, ...]:
        return tuple(r for r in self.recipients if r.action == "failed")

    def reason(self) -> str:
        return "; ".join(f"{r.recipient}: {r.status} {r.diagnostic}".strip() for r in self.failures)


def _field(block: Message, name: str) -> str:
    """A DSN field without its type prefix (``rfc822;``, ``smtp;``), folded onto one line."""
    value = " ".join(str(block.get(name, "")).split())
    kind, sep, rest = value.partition(";")
    return rest.strip() if sep and " " not in kind else value


def parse_dsn(raw: bytes) -> DeliveryReport | None:
    """The delivery report in a returned message; None if it is not one (an auto-reply, spam)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        return None
    status_part = next((p for p in message.walk() if p.get_content_type() == "message/delivery-status"),
                       None)
    if status_part is None:
        return None
    # The parser gives a delivery-status part as its field blocks: the message's, then one per
    # recipient.
    blocks = status_part.get_payload()
    if not isinstance(blocks, list):
        return None
    recipients = tuple(
        RecipientStatus(_field(b, "Final-Recipient") or _field(b, "Original-Recipient"),
                        _field(b, "Action").lower(), _field(b, "Status"), _field(b, "Diagnostic-Code"))
        for b in blocks[1:] if b.get("Action"))
    return DeliveryReport(recipients, _returned_message_id(message))


def _returned_message_id(message: Message) -> str:
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                return str(inner[0].get("Message-ID", "")).strip()
        elif kind == "text/rfc822-headers":
            headers = BytesHeaderParser().parsebytes(part.get_payload(decode=True) or b"")
            return str(headers.get("Message-ID", "")).strip()
    return ""
