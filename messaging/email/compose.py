"""An email as RFC 5322/2045–2047/2231 want it, in Russian: encoded headers, plain text and HTML
alternatives, attachments with Cyrillic file names, a Message-ID made from the attempt's key."""
from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, localtime

from messaging.templating.render import EmailText


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


def _address(name: str, address: str) -> Address:
    local, _, domain = address.partition("@")
    return Address(display_name=name, username=local, domain=domain)


def compose(envelope: Envelope, text: EmailText, msg_id: str,
            attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    message = EmailMessage()
    # EmailMessage's default policy encodes non-ASCII headers as RFC 2047 words when serialised.
    message["From"] = _address(envelope.sender_name, envelope.sender)
    message["To"] = _address(envelope.recipient_name, envelope.recipient)
    message["Subject"] = text.subject
    message["Date"] = format_datetime(localtime())
    message["Message-ID"] = msg_id
    # It would pick 8bit for short Cyrillic lines, which a relay without 8BITMIME must not pass
    # on; base64 keeps the whole message 7-bit (and is shorter than quoted-printable for Cyrillic).
    message.set_content(text.text, charset="utf-8", cte="base64")
    message.add_alternative(text.html, subtype="html", charset="utf-8", cte="base64")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        # A Cyrillic file name goes out as RFC 2231 filename*=utf-8''…
        params = {"charset": attachment.charset} if attachment.charset else {}
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                               filename=attachment.filename, params=params)
    # Last: turning the message multipart moves every Content-* header into its first part.
    message["Content-Language"] = "ru"
    return message
