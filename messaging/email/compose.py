"""An email as RFC 5322/2045–2047/2231 want it, in Russian: encoded headers, plain text and HTML
alternatives, attachments with Cyrillic file names, a Message-ID made from the attempt's key.

Written straight to the bytes that go over SMTP, from a fixed skeleton: the headers are encoded
here once and every text part is base64. Building MIME objects and flattening them with
email.generator re-folded every header and cost about half a millisecond of CPU per message
(2 ms with the default policy), as much as the whole SMTP exchange; and handing aiosmtplib a
Message object made it flatten again and parse From and To for the envelope. Since every part
is base64, whose alphabet has no "-", a fixed boundary can never occur inside a part.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from email.charset import BASE64, Charset
from email.encoders import encode_base64
from email.header import Header
from email.message import Message
from email.policy import compat32
from email.mime.application import MIMEApplication
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, localtime

from messaging.templating.render import EmailText

# base64 for Cyrillic text: 7-bit safe through any relay (8bit needs 8BITMIME all the way) and
# shorter than quoted-printable.
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = BASE64
_UTF8.body_encoding = BASE64
_CRLF = "\r\n"
_WIRE = compat32.clone(linesep=_CRLF)
_ALTERNATIVE = "=_vozvrat_alternative"
_MIXED = "=_vozvrat_mixed"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    # For a text/* file: the charset its bytes are in (a reader assumes ASCII without it).
    charset: str = ""


@dataclass(frozen=True, slots=True)
class Envelope:
    sender: str
    sender_name: str
    recipient: str
    recipient_name: str = ""


def message_id(key: str, domain: str) -> str:
    """The same attempt always gets the same Message-ID, so a retried send is recognisable."""
    return f"<{key}@{domain}>"


def _address(name: str, address: str) -> str:
    # One encoded word even when longer than RFC 2047's 75 characters: readers put a space
    # between the words of a name split in two (CPython's address parser does).
    return formataddr((name, address), charset="utf-8") if name else address


def _text_part(subtype: str, text: str) -> str:
    body = base64.encodebytes(text.encode("utf-8")).decode("ascii").replace("\n", _CRLF)
    return (f'Content-Type: text/{subtype}; charset="utf-8"{_CRLF}'
            f"Content-Transfer-Encoding: base64{_CRLF}{_CRLF}{body}")


def _attachment(attachment: Attachment) -> str:
    maintype, _, subtype = attachment.content_type.partition("/")
    part: Message
    if maintype == "application":
        part = MIMEApplication(attachment.data, _subtype=subtype)
    else:
        part = MIMENonMultipart(maintype, subtype)
        part.set_payload(attachment.data)
        encode_base64(part)
        if attachment.charset:
            part.set_param("charset", attachment.charset)
    # A Cyrillic file name goes out as RFC 2231 filename*=utf-8''…
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", attachment.filename))
    del part["MIME-Version"]
    return part.as_bytes(policy=_WIRE).decode("ascii")


def _multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    """A multipart part: its Content-Type header line, a blank line, its parts between boundaries."""
    inner = "".join(f"--{boundary}{_CRLF}{part}{_CRLF}" for part in parts)
    return (f'Content-Type: multipart/{subtype}; boundary="{boundary}"{_CRLF}{_CRLF}'
            f"{inner}--{boundary}--{_CRLF}")


def compose(envelope: Envelope, text: EmailText, msg_id: str,
            attachments: tuple[Attachment, ...] = ()) -> bytes:
    """The message as it goes over SMTP (CRLF lines, 7-bit)."""
    body = _multipart("alternative", _ALTERNATIVE, [_text_part("plain", text.text),
                                                    _text_part("html", text.html)])
    if attachments:
        body = _multipart("mixed", _MIXED, [body, *(_attachment(a) for a in attachments)])
    headers = (f"From: {_address(envelope.sender_name, envelope.sender)}{_CRLF}"
               f"To: {_address(envelope.recipient_name, envelope.recipient)}{_CRLF}"
               f"Subject: {Header(text.subject, _UTF8, header_name='Subject').encode(linesep=_CRLF)}{_CRLF}"
               f"Date: {format_datetime(localtime())}{_CRLF}"
               f"Message-ID: {msg_id}{_CRLF}"
               f"Content-Language: ru{_CRLF}"
               f"MIME-Version: 1.0{_CRLF}")
    return (headers + body).encode("ascii")
