"""Sending over a small pool of reused SMTP connections (aiosmtplib), with the answers sorted out.

aiosmtplib (PEERS.md): with a self-signed certificate opportunistic STARTTLS raises
SSLCertVerificationError, so TLS is either required with a pinned context or off; a partial
recipient refusal does not raise, the refused addresses come back in a dict; a connection the
server dropped raises SMTPServerDisconnected on its next use, so it is reopened once and the
message sent again (the server never took it).

At most once: sendmail raises the same SMTPServerDisconnected whether the connection died before
DATA (nothing taken) or after the message's final dot (the server may have queued it), so MAIL,
RCPT and DATA are sent one by one here. A connection that dies once the whole message was written
and before the server's answer is ``UNCERTAIN``: never sent again, a person checks.
"""
from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum

import aiosmtplib
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings
from aiosmtplib.typing import SMTPStatus

from messaging.settings import SmtpSettings

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    # The whole message was written, then the connection died before the server answered.
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class SendResult:
    verdict: Verdict
    reason: str = ""
    # Recipients refused while others were accepted: address → "code text".
    refused: dict[str, str] = field(default_factory=dict)
    tries: int = 1


def tls_context(settings: SmtpSettings) -> ssl.SSLContext | None:
    if settings.starttls == "never":
        return None
    return ssl.create_default_context(cafile=settings.ca_file or None)


def _verdict(code: int) -> Verdict:
    return Verdict.TRANSIENT if 400 <= code < 500 else Verdict.PERMANENT


def classify(exc: Exception) -> SendResult:
    """What an aiosmtplib error means for the message: try again later, or give up."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        reason = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        # Try again only if some refusal was temporary.
        verdict = Verdict.TRANSIENT if any(400 <= c < 500 for c in codes) else Verdict.PERMANENT
        return SendResult(verdict, reason)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return SendResult(_verdict(exc.code), f"{exc.code} {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPException) and not isinstance(
            exc, (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
                  aiosmtplib.SMTPServerDisconnected)):
        # The client refused on its own (no AUTH or STARTTLS offered): no retry can help.
        return SendResult(Verdict.PERMANENT, f"{type(exc).__name__}: {exc}")
    # Connection refused, timeouts, a dropped connection: the server did not take the message.
    return SendResult(Verdict.TRANSIENT, f"{type(exc).__name__}: {exc}")


class Unanswered(Exception):
    """The message's end was written but no answer came: the server may have taken it."""


async def transfer(client: aiosmtplib.SMTP, message: bytes, sender: str,
                   recipients: Sequence[str]) -> dict[str, str]:
    """sendmail's MAIL, RCPT and DATA on a connected client, the message content written here.

    aiosmtplib's ``data`` writes the DATA command and the content in one call, so a dropped
    connection there does not tell whether the content left; here it does. Returns the refused
    recipients (address → "code text") when others were accepted; aiosmtplib's errors as
    sendmail raises them, and ``Unanswered`` after the content was written.
    """
    # What follows DATA, as aiosmtplib's data() writes it: CRLF line ends, leading dots doubled.
    normalized = normalize_message_line_endings(message)
    content = PERIOD_REGEX.sub(b"..", normalized) + b".\r\n"
    options = [f"size={len(normalized)}"] if client.supports_extension("size") else []
    await client.mail(sender, options=options)
    errors: list[aiosmtplib.SMTPRecipientRefused] = []
    for recipient in recipients:
        try:
            await client.rcpt(recipient)
        except aiosmtplib.SMTPRecipientRefused as exc:
            errors.append(exc)
    if len(errors) == len(recipients):
        raise aiosmtplib.SMTPRecipientsRefused(errors)
    start = await client.execute_command(b"DATA")
    if start.code != SMTPStatus.start_input:
        raise aiosmtplib.SMTPDataError(start.code, start.message)
    protocol = client.protocol
    if protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("connection lost after the DATA answer")
    # Raises SMTPServerDisconnected, nothing written, if the connection is already gone.
    protocol.write(content)
    try:
        answer = await protocol.read_response(timeout=client.timeout)
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as exc:
        raise Unanswered(f"{type(exc).__name__}: {exc}") from exc
    if answer.code != SMTPStatus.completed:
        raise aiosmtplib.SMTPDataError(answer.code, answer.message)
    return {exc.recipient: f"{exc.code} {exc.message}" for exc in errors}


class SmtpPool:
    """Up to ``pool_size`` open connections, each used by one send at a time and kept for the next."""

    def __init__(self, settings: SmtpSettings, size: int | None = None) -> None:
        self.settings = settings
        self._context = tls_context(settings)
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._slots = asyncio.Semaphore(size or settings.pool_size)
        self.connections_opened = 0

    async def _open(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(hostname=s.host, port=s.port, timeout=s.timeout_seconds,
                                 start_tls=s.starttls == "required", tls_context=self._context,
                                 username=s.username or None, password=s.password or None)
        await client.connect()
        self.connections_opened += 1
        return client

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        async with self._slots:
            client = self._idle.get_nowait() if not self._idle.empty() else await self._open()
            try:
                yield client
            except BaseException:
                client.close()
                raise
            if client.is_connected:
                self._idle.put_nowait(client)

    async def close(self) -> None:
        while not self._idle.empty():
            client = self._idle.get_nowait()
            try:
                await client.quit()
            except aiosmtplib.SMTPException:
                client.close()

    async def send_once(self, message: bytes, sender: str, recipients: Sequence[str]) -> SendResult:
        """One try (a stale pooled connection is reopened once, as it never took the message)."""
        for fresh in (False, True):
            try:
                async with self.connection() as client:
                    refused = await transfer(client, message, sender, recipients)
            except Unanswered as exc:
                return SendResult(Verdict.UNCERTAIN, str(exc))
            except aiosmtplib.SMTPServerDisconnected as exc:
                if fresh:
                    return classify(exc)
                continue
            except (aiosmtplib.SMTPException, OSError) as exc:
                return classify(exc)
            return SendResult(Verdict.ACCEPTED, refused=refused)
        raise AssertionError("unreachable")

    async def send(self, message: bytes, sender: str, recipients: Sequence[str]) -> SendResult:
        """Send ``message`` (compose.py's bytes) from the envelope ``sender``, trying again after a temporary refusal with a doubling pause, ``tries`` in all."""
        pause = self.settings.retry_pause_seconds
        for attempt in range(1, self.settings.tries + 1):
            result = await self.send_once(message, sender, recipients)
            if result.verdict != Verdict.TRANSIENT or attempt == self.settings.tries:
                return SendResult(result.verdict, result.reason, result.refused, attempt)
            log.info("temporary refusal (%s), try %s of %s in %.1f s", result.reason, attempt,
                     self.settings.tries, pause)
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")
